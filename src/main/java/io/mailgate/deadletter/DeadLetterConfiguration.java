package io.mailgate.deadletter;

import io.mailgate.mail.MailMetrics;
import io.mailgate.platform.Platform;

/** Wires the dead-letter store and its API. */
public final class DeadLetterConfiguration {

    private final DeadLetterStore store;

    public DeadLetterConfiguration(Platform platform, MailMetrics metrics) {
        store = platform.bind(new DeadLetterStore(platform.jdbi(), platform.json(), platform.clock(), metrics));
        platform.bind(new DeadLetterEndpoints(platform.json(), store));
    }

    public DeadLetterStore store() {
        return store;
    }
}
