package io.mailgate.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An SMTP server (kamelet smtp-sink): host, port, transport security, and optional credentials. */
final class SmtpType implements ProviderType {

    /** Plain and STARTTLS SMTP sockets with TCP_NODELAY; with implicit TLS JavaMail's TLS factory is kept. */
    static final String NO_DELAY_SOCKETS = "io.mailgate.mail.NoDelaySocketFactory";

    @Override
    public String serviceType() {
        return "smtp";
    }

    @Override
    public String kamelet() {
        return "smtp-sink";
    }

    @Override
    public List<String> secretFields() {
        return List.of("username", "password");
    }

    @Override
    public Map<String, Object> details(ConfigDetails in) {
        in.allow("host", "port", "security", "from_address", "trusted_ca");
        String host = in.host("host", "a host name or IPv4 address");
        String security = in.text("security", "starttls");
        if (!Set.of("none", "starttls", "tls").contains(security)) {
            throw in.invalid("security", "security must be none, starttls or tls");
        }
        int defaultPort = security.equals("tls") ? 465 : security.equals("starttls") ? 587 : 25;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("host", host);
        out.put("port", in.port("port", defaultPort));
        out.put("security", security);
        out.put("from_address", in.fromAddress());
        String trustedCa = in.trustedCa();
        if (trustedCa != null) {
            out.put("trusted_ca", trustedCa);
        }
        return out;
    }

    @Override
    public Map<String, String> kameletParameters(Map<String, Object> details, Map<String, String> secrets) {
        String security = String.valueOf(details.get("security"));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("host", String.valueOf(details.get("host")));
        parameters.put("port", String.valueOf(details.get("port")));
        parameters.put("ssl", Boolean.toString(security.equals("tls")));
        parameters.put("startTls", Boolean.toString(security.equals("starttls")));
        if (!security.equals("tls")) {
            parameters.put("socketFactoryClass", NO_DELAY_SOCKETS);
        }
        if (secrets.containsKey("username")) {
            parameters.put("username", secrets.get("username"));
            parameters.put("password", secrets.get("password"));
        }
        return parameters;
    }
}
