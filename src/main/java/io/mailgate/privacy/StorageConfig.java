package io.mailgate.privacy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A storage destination (fidesops' StorageConfig): where an access request's package is written.
 * {@code local} keeps it under the data directory and Mailgate serves it; {@code s3} puts it in a
 * bucket and links to it with a presigned URL. Details are kept as they were sent, as fidesops does.
 */
public record StorageConfig(String key, String name, String type, Map<String, Object> details, String format,
                            Optional<S3Secrets> secrets, long updatedAt) {

    public static final String LOCAL = "local";
    public static final String S3 = "s3";

    public StorageConfig {
        details = new LinkedHashMap<>(details);
    }

    /** The keys an s3 destination signs with, when its auth_method is secret_keys. */
    public record S3Secrets(String accessKeyId, String secretAccessKey) {
        @Override
        public String toString() {
            return "S3Secrets[hidden]";
        }
    }

    public boolean s3() {
        return S3.equals(type);
    }

    public String bucket() {
        return String.valueOf(details.get("bucket"));
    }

    public String objectName() {
        Object name = details.get("object_name");
        return name == null ? "" : name.toString();
    }

    public boolean automaticAuth() {
        return "automatic".equals(details.get("auth_method"));
    }

    public int maxRetries() {
        return details.get("max_retries") instanceof Number n ? n.intValue() : 0;
    }
}
