package io.mailgate.provider;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * A provider's own certificate authority (PEM, e.g. a company CA in front of its SMTP relay) trusted in
 * addition to the JVM's public roots, for that provider only: a JVM-wide trust store would replace the
 * public roots for every provider.
 */
final class TrustedCa {

    /** The longest PEM text a config may carry (a handful of certificates). */
    static final int MAX_PEM_CHARS = 65_536;

    private TrustedCa() {
    }

    /** The certificates of a PEM text; an exception when it holds none or is not PEM. */
    static List<X509Certificate> certificates(String pem) throws CertificateException {
        if (pem == null || !pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new CertificateException("no PEM certificate");
        }
        Collection<? extends java.security.cert.Certificate> read = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        List<X509Certificate> certificates = new ArrayList<>();
        for (java.security.cert.Certificate certificate : read) {
            certificates.add((X509Certificate) certificate);
        }
        if (certificates.isEmpty()) {
            throw new CertificateException("no PEM certificate");
        }
        return certificates;
    }

    /** Trusts what the JVM trusts, and the given CA. */
    static X509TrustManager trustManager(String pem) {
        try {
            X509TrustManager publicRoots = fromKeyStore(null);
            KeyStore own = KeyStore.getInstance(KeyStore.getDefaultType());
            own.load(null, null);
            int i = 0;
            for (X509Certificate certificate : certificates(pem)) {
                own.setCertificateEntry("provider-ca-" + i++, certificate);
            }
            return new Either(publicRoots, fromKeyStore(own));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("The provider's trusted CA cannot be used", e);
        }
    }

    /** For a Camel endpoint's sslContextParameters (camel-mail, camel-http). */
    static SSLContextParameters sslContextParameters(String pem) {
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setTrustManager(trustManager(pem));
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setTrustManagers(trust);
        return parameters;
    }

    private static X509TrustManager fromKeyStore(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    private interface Check {
        void with(X509TrustManager manager) throws CertificateException;
    }

    /** Trusts a chain when either trust manager does. */
    private record Either(X509TrustManager first, X509TrustManager second) implements X509TrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            either(manager -> manager.checkClientTrusted(chain, authType));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            either(manager -> manager.checkServerTrusted(chain, authType));
        }

        private void either(Check check) throws CertificateException {
            try {
                check.with(first);
            } catch (CertificateException e) {
                check.with(second);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            X509Certificate[] a = first.getAcceptedIssuers();
            X509Certificate[] b = second.getAcceptedIssuers();
            X509Certificate[] all = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }
    }
}
