package io.mailgate.provider;

/**
 * One provider a mail can go through: an email config (or the file-configured default), the kamelet
 * endpoint that delivers through it, its rate limit and its sender override.
 */
public record Provider(String key, String endpoint, int rateLimit, String fromAddress) {

    /** The rate of a provider without a limit: such a provider is not throttled at all. */
    public static final int UNLIMITED = 0;

    /** Whether it delivers over SMTP (its bounces come back as mails to the return path). */
    public boolean smtp() {
        return endpoint.startsWith("kamelet:" + ProviderTypes.SMTP.kamelet());
    }
}
