package io.mailgate.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Amazon SES (kamelet ses-sink): a region and an access key; an endpoint override for a proxy or an emulator. */
final class SesType implements ProviderType {

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-[0-9]");

    @Override
    public String serviceType() {
        return "ses";
    }

    @Override
    public String kamelet() {
        return "ses-sink";
    }

    @Override
    public List<String> secretFields() {
        return List.of("aws_access_key_id", "aws_secret_access_key");
    }

    @Override
    public Map<String, Object> details(ConfigDetails in) {
        in.allow("region", "from_address", "endpoint_override", "trusted_ca");
        String region = in.text("region");
        if (!REGION.matcher(region).matches()) {
            throw in.invalid("region", "region must be an AWS region such as eu-west-1");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("region", region);
        out.put("from_address", in.fromAddress());
        out.put("endpoint_override", in.url("endpoint_override").orElse(null));
        String trustedCa = in.trustedCa();
        if (trustedCa != null) {
            out.put("trusted_ca", trustedCa);
        }
        return out;
    }

    @Override
    public Map<String, String> kameletParameters(Map<String, Object> details, Map<String, String> secrets) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("region", String.valueOf(details.get("region")));
        parameters.put("accessKey", secrets.get("aws_access_key_id"));
        parameters.put("secretKey", secrets.get("aws_secret_access_key"));
        Object endpoint = details.get("endpoint_override");
        parameters.put("overrideEndpoint", Boolean.toString(endpoint != null));
        if (endpoint != null) {
            parameters.put("uriEndpointOverride", endpoint.toString());
        }
        return parameters;
    }
}
