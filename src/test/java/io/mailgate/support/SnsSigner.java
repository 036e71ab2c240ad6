package io.mailgate.support;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Signs SNS messages as SNS does (signature version 1: SHA1withRSA, 2: SHA256withRSA, over the
 * message's fields in SNS's order) with a certificate of the test's own, made by the JDK's keytool.
 */
public final class SnsSigner {

    private static final char[] PASSWORD = "sns-test".toCharArray();

    private final PrivateKey key;
    private final String certificatePem;

    private SnsSigner(PrivateKey key, String certificatePem) {
        this.key = key;
        this.certificatePem = certificatePem;
    }

    public static SnsSigner create() throws Exception {
        Path store = Files.createTempFile(MailgateInstance.tempDir(), "sns", ".p12");
        Files.delete(store);
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "sns", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=sns.test.invalid", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(PASSWORD), "-keypass",
                new String(PASSWORD)).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        Certificate certificate = keys.getCertificate("sns");
        String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        return new SnsSigner((PrivateKey) keys.getKey("sns", PASSWORD), pem);
    }

    public String certificatePem() {
        return certificatePem;
    }

    /** The message with its SignatureVersion, SigningCertURL and Signature added. */
    public Map<String, Object> sign(Map<String, Object> message, int version, String certUrl) throws Exception {
        Map<String, Object> signed = new LinkedHashMap<>(message);
        signed.put("SignatureVersion", Integer.toString(version));
        signed.put("SigningCertURL", certUrl);
        signed.put("Signature", signature(message, version));
        return signed;
    }

    public String signature(Map<String, Object> message, int version) throws Exception {
        List<String> fields = "Notification".equals(message.get("Type"))
                ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
                : List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
        StringBuilder text = new StringBuilder();
        for (String field : fields) {
            if (message.get(field) != null) {
                text.append(field).append('\n').append(message.get(field)).append('\n');
            }
        }
        Signature signer = Signature.getInstance(version == 1 ? "SHA1withRSA" : "SHA256withRSA");
        signer.initSign(key);
        signer.update(text.toString().getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(signer.sign());
    }
}
