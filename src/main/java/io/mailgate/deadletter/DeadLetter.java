package io.mailgate.deadletter;

import java.util.Map;
import java.util.Optional;

/** Something Mailgate could not process, kept with its payload so that it can be looked at and replayed. */
public record DeadLetter(
        String id,
        String source,
        String reason,
        String payload,
        Map<String, String> properties,
        Optional<String> mailId,
        int replayCount,
        Optional<Long> lastReplayAt,
        Optional<String> lastReplayResult,
        long createdAt) {

    /** A queue message that could not be parsed or validated. */
    public static final String FROM_QUEUE = "receive-mail";
    /** The send queue's consumer of large messages: its dead letters are recorded as {@link #FROM_QUEUE}'s. */
    static final String FROM_LARGE_QUEUE = "receive-large-mail";
    /** A mail that failed on every provider. */
    public static final String FROM_DELIVERY = "deliver-mail";
    /** A message the broker gave up redelivering. */
    public static final String FROM_BROKER = "broker";

    public DeadLetter {
        properties = Map.copyOf(properties);
    }
}
