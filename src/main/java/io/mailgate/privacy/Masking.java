package io.mailgate.privacy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An erasure rule's masking strategy applied to Mailgate's own records. fidesops' strategies:
 * {@code null_rewrite} (null, or empty where a value is required), {@code string_rewrite}
 * (configuration.rewrite_value), {@code hash} and {@code hmac} (with a salt or key drawn for this
 * erasure and never kept, so the original cannot be recovered), {@code random_string_rewrite}
 * (configuration.length, 30 by default). {@code aes_encrypt} is reversible by whoever holds the key,
 * and Mailgate would hold it: its own records are nulled instead. A masked value never exceeds its column.
 */
final class Masking {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final String strategy;
    private final Map<?, ?> configuration;
    private final byte[] secret = new byte[32];

    private Masking(String strategy, Map<?, ?> configuration) {
        this.strategy = strategy;
        this.configuration = configuration;
        RANDOM.nextBytes(secret);
    }

    static Masking of(Map<String, Object> maskingStrategy) {
        Object name = maskingStrategy == null ? null : maskingStrategy.get("strategy");
        Object configuration = maskingStrategy == null ? null : maskingStrategy.get("configuration");
        String strategy = switch (String.valueOf(name)) {
            case "string_rewrite", "hash", "hmac", "random_string_rewrite" -> name.toString();
            default -> "null_rewrite";
        };
        return new Masking(strategy, configuration instanceof Map<?, ?> map ? map : Map.of());
    }

    /** The strategy applied: aes_encrypt and unknown names are applied as null_rewrite. */
    String strategy() {
        return strategy;
    }

    /** The masked value of a column that may be null. */
    String mask(String value, int maxLength) {
        if (value == null) {
            return null;
        }
        String masked = switch (strategy) {
            case "string_rewrite" -> configuration.get("rewrite_value") instanceof String rewrite ? rewrite : null;
            case "hash" -> digest(value);
            case "hmac" -> hmac(value);
            case "random_string_rewrite" -> random(configuration.get("length") instanceof Number n ? n.intValue() : 30);
            default -> null;
        };
        return masked == null || masked.length() <= maxLength ? masked : masked.substring(0, maxLength);
    }

    /** The masked value of a column that must have one: empty where the strategy nulls. */
    String maskRequired(String value, int maxLength) {
        String masked = mask(value, maxLength);
        return masked == null ? "" : masked;
    }

    private String digest(String value) {
        try {
            String algorithm = "SHA-512".equals(configuration.get("algorithm")) ? "SHA-512" : "SHA-256";
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            digest.update(secret);
            return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String hmac(String value) {
        try {
            String algorithm = "SHA-512".equals(configuration.get("algorithm")) ? "HmacSHA512" : "HmacSHA256";
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret, algorithm));
            return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random(int length) {
        int bounded = Math.max(1, Math.min(length, 1000));
        StringBuilder text = new StringBuilder(bounded);
        for (int i = 0; i < bounded; i++) {
            text.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return text.toString();
    }
}
