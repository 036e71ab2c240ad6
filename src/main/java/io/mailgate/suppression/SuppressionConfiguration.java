package io.mailgate.suppression;

import io.mailgate.platform.Platform;

/** Wires the suppression list: its store, which delivery consults for every mail, and its API. */
public final class SuppressionConfiguration {

    private final SuppressionList list;

    public SuppressionConfiguration(Platform platform) {
        list = platform.bind(new SuppressionList(platform.jdbi(), platform.clock()));
        platform.bind(new SuppressionEndpoints(platform.json(), list));
    }

    public SuppressionList list() {
        return list;
    }
}
