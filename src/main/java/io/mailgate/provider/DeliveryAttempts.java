package io.mailgate.provider;

import java.util.ArrayList;
import java.util.List;

/**
 * The providers one delivery may use, in order, and what happened with each: the state the
 * dynamic router of deliver-mail walks through. The flows read it through the plain exchange
 * properties {@link DeliveryPlanner} sets, not through OGNL: Camel introspects the class of an
 * object afresh for every OGNL call on a new instance.
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

    Provider current() {
        return current;
    }

    boolean delivered() {
        return delivered;
    }

    String messageId() {
        return messageId;
    }

    /** Why each provider failed, in order. */
    String failureReason() {
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
