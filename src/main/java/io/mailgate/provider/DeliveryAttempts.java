package io.mailgate.provider;

import java.util.ArrayList;
import java.util.List;

/**
 * The providers one delivery may use, in order, and what happened with each: the state the
 * dynamic router of deliver-mail walks through.
 */
public class DeliveryAttempts {

    private final List<Provider> providers;
    private final List<String> failures = new ArrayList<>();
    private int next;
    private Provider current;
    private String messageId;
    private boolean delivered;
    private boolean currentFailed;

    public DeliveryAttempts(List<Provider> providers) {
        this.providers = List.copyOf(providers);
    }

    /** Moves to the next provider; false when there is none left or the mail is delivered. */
    boolean advance() {
        if (delivered || next >= providers.size()) {
            return false;
        }
        current = providers.get(next++);
        currentFailed = false;
        return true;
    }

    public Provider getCurrent() {
        return current;
    }

    public boolean isDelivered() {
        return delivered;
    }

    public String getMessageId() {
        return messageId;
    }

    /** The provider that delivered, or the last one tried. */
    public String getProviderKey() {
        return current == null ? null : current.key();
    }

    /** Why each provider failed, in order. */
    public String getFailureReason() {
        return failures.isEmpty() ? "no provider could take the mail" : String.join("; ", failures);
    }

    /** The provider route's last step; after a failure it is reached too (routing continues), and ignored. */
    void succeeded(String providerMessageId) {
        if (!currentFailed) {
            delivered = true;
            messageId = providerMessageId;
        }
    }

    void failed(String reason) {
        currentFailed = true;
        failures.add(current.key() + ": " + reason);
    }
}
