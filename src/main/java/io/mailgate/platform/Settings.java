package io.mailgate.platform;

import java.nio.file.Path;
import java.util.Locale;

import org.apache.camel.spi.PropertiesComponent;

import io.mailgate.mail.DeliverySettings;
import io.mailgate.privacy.PrivacySettings;

/**
 * The mailgate.* keys the Java wiring needs, read once at start-up. Routes and kamelets read their
 * own keys as placeholders; see application.properties for every key and its default.
 */
public record Settings(
        String httpHost,
        int httpPort,
        int httpReadTimeoutMillis,
        int maxPublicBodyBytes,
        long memoryBudgetBytes,
        int maxQueueMessageBytes,
        Path dataDir,
        String dbUrl,
        String dbUser,
        String dbPassword,
        int dbPoolSize,
        int dbConnectionTimeoutMillis,
        int livenessStallMillis,
        String brokerUrl,
        String brokerUser,
        String brokerPassword,
        String brokerHost,
        int brokerPort,
        Queues queues,
        String rootClientId,
        String rootClientSecret,
        long tokenTtlSeconds,
        LoginLimits loginLimits,
        String smtpHost,
        int smtpPort,
        String smtpUsername,
        String smtpPassword,
        SmtpSecurity smtpSecurity,
        String mailFrom,
        int maxMessageBytes,
        int maxBacklog,
        String publicUrl,
        String encryptionKey,
        DeliverySettings delivery,
        Path outboxAllowedRoot,
        int idempotencyTtlHours,
        PrivacySettings privacy,
        io.mailgate.feedback.FeedbackSettings feedback,
        io.mailgate.webhook.WebhookSettings webhooks) {

    /** Used when no root client is configured: fine on a laptop, loudly warned about everywhere. */
    public static final String DEV_ROOT_CLIENT_ID = "mailgate";
    public static final String DEV_ROOT_CLIENT_SECRET = "mailgate-dev-secret";

    public enum SmtpSecurity { NONE, STARTTLS, TLS }

    /** Failed logins a user name or a client may have before it must wait, and the first wait (it doubles). */
    /**
     * @param maxFailures          failed logins of a user before the wait (ten times as many for a client)
     * @param addressMaxFailures   failed logins, privacy requests and wrong codes from one source address
     * @param identityMailsPerHour verification mails one identity may get before it must wait
     */
    public record LoginLimits(int maxFailures, long lockoutSeconds, int addressMaxFailures, int identityMailsPerHour) {
    }

    /** The queues Mailgate reads and writes: their names live in application.properties only. */
    /**
     * The queues, and how the send queue is consumed: {@code consumers} sessions, each taking batches of
     * up to {@code batchSize} messages per transaction.
     */
    public record Queues(String send, String privacy, String dead, int consumers, int batchSize) {
        public java.util.List<String> all() {
            return java.util.List.of(send, privacy, dead);
        }
    }

    /**
     * Reads every key from the properties: their defaults are in application.properties, the one place
     * where defaults live; here only the ranges are checked.
     */
    public static Settings from(PropertiesComponent properties) {
        Reader p = new Reader(properties);
        return new Settings(
                p.text("mailgate.http.host"),
                p.integer("mailgate.http.port", 0, 65535),
                p.integer("mailgate.http.read-timeout-ms", 100, 600_000),
                p.integer("mailgate.http.max-public-body-bytes", 1024, 16 * 1024 * 1024),
                p.integer("mailgate.memory.large-body-budget-bytes", 0, Integer.MAX_VALUE),
                p.integer("mailgate.queue.max-message-bytes", 1024, Integer.MAX_VALUE),
                Path.of(p.text("mailgate.data-dir")).toAbsolutePath().normalize(),
                p.text("mailgate.db.url"),
                p.text("mailgate.db.user"),
                p.text("mailgate.db.password"),
                p.integer("mailgate.db.pool-size", 1, 200),
                p.integer("mailgate.db.connection-timeout-ms", 250, 60_000),
                p.integer("mailgate.observe.liveness-stall-ms", 1_000, Integer.MAX_VALUE),
                p.text("mailgate.broker.url"),
                p.text("mailgate.broker.user"),
                p.text("mailgate.broker.password"),
                p.text("mailgate.broker.host"),
                p.integer("mailgate.broker.port", 0, 65535),
                new Queues(p.text("mailgate.queue.send"), p.text("mailgate.queue.privacy"), p.text("mailgate.queue.dead"),
                        p.integer("mailgate.queue.consumers", 1, 16), p.integer("mailgate.queue.batch-size", 1, 1000)),
                p.text("mailgate.security.root-client-id"),
                p.text("mailgate.security.root-client-secret"),
                p.integer("mailgate.security.token-ttl-seconds", 1, Integer.MAX_VALUE),
                new LoginLimits(p.integer("mailgate.security.login-max-failures", 1, 1000),
                        p.integer("mailgate.security.login-lockout-seconds", 1, 86_400),
                        p.integer("mailgate.security.address-max-failures", 1, 1_000_000),
                        p.integer("mailgate.privacy.verification-mails-per-identity", 1, 1_000_000)),
                p.text("mailgate.smtp.host"),
                p.integer("mailgate.smtp.port", 1, 65535),
                p.text("mailgate.smtp.username"),
                p.text("mailgate.smtp.password"),
                p.smtpSecurity("mailgate.smtp.security"),
                p.text("mailgate.mail.from"),
                p.integer("mailgate.mail.max-message-bytes", 1024, Integer.MAX_VALUE),
                p.integer("mailgate.mail.max-backlog", 1, Integer.MAX_VALUE),
                p.text("mailgate.public-url"),
                p.text("mailgate.encryption-key"),
                new DeliverySettings(
                        p.durations("mailgate.delivery.retry-schedule"),
                        p.duration("mailgate.delivery.max-age", 1_000),
                        p.duration("mailgate.delivery.max-retry-after", 0),
                        p.duration("mailgate.delivery.lease", 1_000),
                        p.integer("mailgate.delivery.consumers", 1, 1000),
                        new DeliverySettings.Circuit(
                                p.integer("mailgate.delivery.circuit.window", 1, 1000),
                                p.integer("mailgate.delivery.circuit.minimum-calls", 1, 1000),
                                p.integer("mailgate.delivery.circuit.failure-rate-percent", 1, 100),
                                p.duration("mailgate.delivery.circuit.open", 1)),
                        p.text("mailgate.delivery.instance-id"),
                        p.text("mailgate.mail.message-id-domain"),
                        p.text("mailgate.smtp.greeting")),
                outboxRoot(p.text("mailgate.outbox.allowed-root"), p.text("mailgate.data-dir")),
                p.integer("mailgate.idempotency.ttl-hours", 1, 24 * 365),
                new PrivacySettings(
                        p.bool("mailgate.privacy.identity-verification-required"),
                        p.bool("mailgate.privacy.manual-approval-required"),
                        p.bool("mailgate.privacy.send-receipt-notification"),
                        p.bool("mailgate.privacy.send-review-notification"),
                        p.bool("mailgate.privacy.send-completion-notification"),
                        p.integer("mailgate.privacy.verification-code-ttl-seconds", 1, 86_400),
                        p.integer("mailgate.privacy.download-link-ttl-days", 1, PrivacySettings.MAX_DOWNLOAD_LINK_DAYS),
                        p.text("mailgate.storage.s3.endpoint"),
                        p.text("mailgate.storage.s3.region")),
                new io.mailgate.feedback.FeedbackSettings(
                        p.integer("mailgate.feedback.soft-bounce-limit", 1, 1000),
                        p.integer("mailgate.feedback.soft-bounce-days", 1, 365),
                        p.integer("mailgate.feedback.machine-open-seconds", 0, 3600),
                        p.integer("mailgate.feedback.signature-window-seconds", 10, 86_400),
                        p.pattern("mailgate.feedback.sns-cert-url-pattern"),
                        p.text("mailgate.bounce.return-path")),
                new io.mailgate.webhook.WebhookSettings(
                        p.durations("mailgate.webhooks.retry-schedule"),
                        p.bool("mailgate.webhooks.allow-private-addresses"),
                        p.integer("mailgate.webhooks.timeout-ms", 100, 120_000),
                        p.integer("mailgate.webhooks.concurrency", 1, 256),
                        p.integer("mailgate.webhooks.max-per-client", 1, 1000)));
    }

    private static Path outboxRoot(String configured, String dataDir) {
        return Path.of(configured.isBlank() ? dataDir : configured).toAbsolutePath().normalize();
    }

    public boolean usesPostgres() {
        return !dbUrl.isBlank();
    }

    public boolean embeddedBroker() {
        return brokerUrl.isBlank();
    }

    public boolean smtpConfigured() {
        return !smtpHost.isBlank();
    }

    public boolean devRootClient() {
        return rootClientId.isBlank() || rootClientSecret.isBlank();
    }

    public String effectiveRootClientId() {
        return devRootClient() ? DEV_ROOT_CLIENT_ID : rootClientId;
    }

    public String effectiveRootClientSecret() {
        return devRootClient() ? DEV_ROOT_CLIENT_SECRET : rootClientSecret;
    }

    public Path outboxDir() {
        return dataDir.resolve("outbox");
    }

    /** Reads and checks keys so that a bad value stops the start with a message that names the key. */
    private record Reader(PropertiesComponent properties) {

        String text(String key) {
            return properties.resolveProperty(key).map(String::trim).orElseThrow(() -> new IllegalStateException(
                    "Configuration " + key + " is missing: application.properties should define it"));
        }

        int integer(String key, int min, int max) {
            String raw = text(key);
            try {
                long value = Long.parseLong(raw);
                if (value < min || value > max) {
                    throw new IllegalArgumentException();
                }
                return (int) value;
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                        "Configuration " + key + " must be a whole number from " + min + " to " + max + ", not '" + raw + "'");
            }
        }

        /** A duration such as 500ms, 30s, 5m, 2h or 5d (a bare number is milliseconds), at least {@code min} ms. */
        long duration(String key, long min) {
            String raw = text(key);
            long value = parseDuration(key, raw);
            if (value < min) {
                throw new IllegalStateException("Configuration " + key + " must be at least " + min + " ms, not '" + raw + "'");
            }
            return value;
        }

        /** A comma-separated list of durations. */
        java.util.List<Long> durations(String key) {
            java.util.List<Long> values = new java.util.ArrayList<>();
            for (String part : text(key).split(",")) {
                if (!part.isBlank()) {
                    values.add(parseDuration(key, part.trim()));
                }
            }
            return values;
        }

        private static long parseDuration(String key, String raw) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,12})(ms|s|m|h|d)?").matcher(raw.trim());
            if (!m.matches()) {
                throw new IllegalStateException("Configuration " + key + " must be a duration such as 500ms, 30s, 5m, 2h or 5d, not '"
                        + raw + "'");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "ms" : m.group(2);
            return switch (unit) {
                case "s" -> n * 1_000;
                case "m" -> n * 60_000;
                case "h" -> n * 3_600_000;
                case "d" -> n * 86_400_000;
                default -> n;
            };
        }

        boolean bool(String key) {
            String raw = text(key).toLowerCase(Locale.ROOT);
            if (!raw.equals("true") && !raw.equals("false")) {
                throw new IllegalStateException("Configuration " + key + " must be true or false, not '" + raw + "'");
            }
            return Boolean.parseBoolean(raw);
        }

        java.util.regex.Pattern pattern(String key) {
            String raw = text(key);
            try {
                return java.util.regex.Pattern.compile(raw);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalStateException("Configuration " + key + " must be a regular expression: " + e.getDescription());
            }
        }

        SmtpSecurity smtpSecurity(String key) {
            String raw = text(key);
            try {
                return SmtpSecurity.valueOf(raw.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("Configuration " + key + " must be none, starttls or tls, not '" + raw + "'");
            }
        }
    }
}
