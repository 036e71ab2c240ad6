package io.mailgate.webhook;

import io.mailgate.deadletter.DeadLetterStore;
import io.mailgate.feedback.Feedback;
import io.mailgate.platform.Platform;
import io.mailgate.security.SecretBox;

/** Wires webhooks out: the endpoints' API and store, the messages an event leaves for them, and their sender. */
public final class WebhookConfiguration {

    public WebhookConfiguration(Platform platform, SecretBox secretBox, Feedback feedback, DeadLetterStore deadLetters) {
        WebhookSettings settings = platform.settings().webhooks();
        WebhookStore store = platform.bind(new WebhookStore(platform.jdbi(), platform.json(), secretBox, platform.clock()));
        feedback.listen(store);
        platform.bind(new WebhookEndpoints(platform.json(), store, settings));
        WebhookSender sender = platform.bind(new WebhookSender(platform.jdbi(), store, settings, deadLetters, platform.meters(),
                platform.clock()));
        try {
            platform.context().addService(new io.mailgate.platform.Closer(sender), true, true);
        } catch (Exception e) {
            throw new IllegalStateException("The webhook sender could not be registered", e);
        }
    }
}
