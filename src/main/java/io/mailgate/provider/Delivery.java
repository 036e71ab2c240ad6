package io.mailgate.provider;

import java.util.ArrayList;
import java.util.List;

import io.mailgate.kamelet.EnvelopedMessage;
import io.mailgate.mail.DeliveryOutcome;
import io.mailgate.mail.OutboundMail;

/**
 * One delivery of a claimed mail: the providers it may go through, in order, the message built for the
 * current one, and what happened with each. deliver-mail carries it as the exchange property
 * {@value #PROPERTY}; the flows read it through {@link DeliveryPlanner}'s methods, not through OGNL
 * (Camel introspects the class of an object afresh for every OGNL call on a new instance).
 */
public final class Delivery implements DeliveryOutcome {

    public static final String PROPERTY = "delivery";

    private final OutboundMail outbound;
    private final List<Provider> providers;
    private final List<String> failures = new ArrayList<>();
    private int next;
    private Provider current;
    private EnvelopedMessage message;
    private String messageId;
    private boolean delivered;
    private boolean currentFailed;

    Delivery(OutboundMail outbound, List<Provider> providers) {
        this.outbound = outbound;
        this.providers = List.copyOf(providers);
    }

    /** Moves to the next provider; false when there is none left or the mail is delivered. */
    boolean advance() {
        if (delivered || next >= providers.size()) {
            return false;
        }
        current = providers.get(next++);
        currentFailed = false;
        message = null;
        return true;
    }

    Provider current() {
        return current;
    }

    EnvelopedMessage message() {
        return message;
    }

    void message(EnvelopedMessage message) {
        this.message = message;
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

    @Override
    public OutboundMail outbound() {
        return outbound;
    }

    @Override
    public boolean delivered() {
        return delivered;
    }

    @Override
    public String providerKey() {
        return current == null ? null : current.key();
    }

    @Override
    public String providerMessageId() {
        return messageId;
    }

    @Override
    public String failureReason() {
        return failures.isEmpty() ? "no provider could take the mail" : String.join("; ", failures);
    }
}
