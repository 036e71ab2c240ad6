package io.mailgate.webhook;

import java.util.List;

/**
 * @param retrySchedule         the waits before the second, third, ... attempt of a message; once they are
 *                              used up the message is a dead letter
 * @param allowPrivateAddresses whether an endpoint may be on a loopback, private or link-local address
 *                              (off: a client cannot make Mailgate call into the network it runs in)
 * @param timeoutMillis         how long an endpoint has to answer
 * @param concurrency           messages in flight at once, on threads of their own
 */
public record WebhookSettings(List<Long> retrySchedule, boolean allowPrivateAddresses, int timeoutMillis, int concurrency,
                              int maxPerClient) {
}
