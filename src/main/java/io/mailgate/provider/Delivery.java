package io.mailgate.provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;

import io.mailgate.kamelet.EnvelopedMessage;
import io.mailgate.mail.DeliveryOutcome;
import io.mailgate.mail.Mail;
import io.mailgate.mail.MailRequest;
import io.mailgate.mail.OutboundMail;

/**
 * One delivery attempt of a claimed mail: the providers it may go through, in order, the message built
 * for the current one, and what happened with each — per recipient, since an SMTP server may accept
 * some recipients and refuse others. The recipients still to deliver go to the next provider; those
 * refused for good are recorded and dropped. deliver-mail carries it as the exchange property
 * {@value #PROPERTY}; the flows read it through {@link DeliveryPlanner}'s methods, not through OGNL
 * (Camel introspects the class of an object afresh for every OGNL call on a new instance).
 */
public final class Delivery implements DeliveryOutcome {

    public static final String PROPERTY = "delivery";

    private final OutboundMail outbound;
    private final List<Provider> providers;
    private final List<String> failures = new ArrayList<>();
    /** Lower-cased address → address, in envelope order: the recipients still to deliver. */
    private final Map<String, String> remaining = new LinkedHashMap<>();
    /** Lower-cased address → refusal: for good (kept from earlier attempts too) or, this attempt, for now. */
    private final Map<String, Mail.RefusedRecipient> refused = new LinkedHashMap<>();
    private boolean deliveredToSomeone;
    private boolean anyTransient;
    private long retryAfterMillis;
    private int next;
    private Provider current;
    private String deliveredBy;
    private EnvelopedMessage message;
    private String messageId;
    private String messageRefusal;
    private boolean currentFailed;
    private String expiredReason;
    private long callStartedNanos;
    /** Lower-cased address → why it is suppressed: recipients taken out before any provider. */
    private final Map<String, String> suppressed = new LinkedHashMap<>();

    Delivery(OutboundMail outbound, List<Provider> providers) {
        this(outbound, providers, Map.of());
    }

    /** @param suppressedReasons lower-cased address → reason, of the mail's recipients on the suppression list */
    Delivery(OutboundMail outbound, List<Provider> providers, Map<String, String> suppressedReasons) {
        this.outbound = outbound;
        this.providers = List.copyOf(providers);
        if (outbound != null) {
            Mail.Attempts attempts = outbound.mail().attempts();
            List<String> all = envelope(outbound.mail().recipients());
            List<String> start = attempts.pending().isEmpty() ? all : attempts.pending();
            start.forEach(address -> remaining.put(key(address), address));
            attempts.refused().stream().filter(Mail.RefusedRecipient::permanent)
                    .forEach(refusal -> refused.put(key(refusal.address()), refusal));
            // Some went out on an earlier attempt when neither pending nor refused for good names them all.
            deliveredToSomeone = all.stream().map(Delivery::key)
                    .anyMatch(address -> !remaining.containsKey(address) && !refused.containsKey(address));
            // A suppressed recipient goes to no provider: refused for good, by the suppression list.
            for (String address : List.copyOf(remaining.keySet())) {
                String reason = suppressedReasons.get(address);
                if (reason != null) {
                    String original = remaining.remove(address);
                    suppressed.put(address, reason);
                    refused.put(address, new Mail.RefusedRecipient(original, 0, "suppressed: " + reason, true));
                }
            }
        }
    }

    /** Moves to the next provider; false when no recipient is left to deliver or every provider was tried. */
    boolean advance() {
        if (remaining.isEmpty() || next >= providers.size()) {
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

    /** The recipients this provider is to deliver to: those left, comma separated. */
    String envelopeTo() {
        return String.join(",", remaining.values());
    }

    /** The provider route's last step; after a failure it is reached too (routing continues), and ignored. */
    void succeeded(String providerMessageId) {
        if (currentFailed) {
            return;
        }
        remaining.keySet().forEach(refused::remove);
        remaining.clear();
        deliveredToSomeone = true;
        deliveredBy = current.key();
        messageId = providerMessageId;
    }

    /** Some recipients were delivered, some refused (for good or for now): the message went out to the first. */
    void partlyDelivered(RecipientRefusals outcome) {
        currentFailed = true;
        for (String address : outcome.delivered()) {
            remaining.remove(key(address));
            refused.remove(key(address));
        }
        if (!outcome.delivered().isEmpty()) {
            deliveredToSomeone = true;
            deliveredBy = current.key();
            messageId = messageIdHeader();
        }
        for (Mail.RefusedRecipient refusal : outcome.refused()) {
            refused.put(key(refusal.address()), refusal);
            if (refusal.permanent()) {
                remaining.remove(key(refusal.address()));
            } else {
                anyTransient = true;
            }
            failures.add(current.key() + ": " + refusal.address() + " refused: " + refusal.code() + " " + refusal.response());
        }
    }

    void failed(ProviderErrors.Failure failure) {
        currentFailed = true;
        // Only SMTP has permanent failures with a 5xx code (HTTP 5xx are transient).
        if (!failure.isTransient() && failure.code() >= 500 && failure.code() < 600) {
            messageRefusal = failure.code() + " " + failure.description().replaceFirst("^permanent: ", "")
                    .replaceFirst("^SMTPSendFailedException: ", "");
        }
        failures.add(current.key() + ": " + failure.description());
        if (failure.isTransient()) {
            anyTransient = true;
            retryAfterMillis = Math.max(retryAfterMillis, failure.retryAfterMillis());
        }
    }

    /** The provider's circuit is open: it is known to be down, so it is not called. */
    void skipped(String reason) {
        currentFailed = true;
        anyTransient = true;
        failures.add(current.key() + ": transient: " + reason);
    }

    boolean currentFailed() {
        return currentFailed;
    }

    /** The current provider is being called now. */
    void calling() {
        callStartedNanos = System.nanoTime();
    }

    long callStartedNanos() {
        return callStartedNanos;
    }

    int attempt() {
        return Math.max(1, outbound.mail().attempts().count());
    }

    @Override
    public OutboundMail outbound() {
        return outbound;
    }

    @Override
    public Result result() {
        if (expiredReason != null) {
            return Result.FAILED;
        }
        if (remaining.isEmpty()) {
            if (deliveredToSomeone) {
                return Result.SENT;
            }
            boolean onlySuppressed = !suppressed.isEmpty() && refused.keySet().stream().allMatch(suppressed::containsKey);
            return onlySuppressed ? Result.SUPPRESSED : Result.FAILED;
        }
        return anyTransient ? Result.DEFERRED : Result.FAILED;
    }

    @Override
    public String messageRefusal() {
        return result() == Result.FAILED ? messageRefusal : null;
    }

    @Override
    public String providerKey() {
        return deliveredBy != null ? deliveredBy : current == null ? null : current.key();
    }

    @Override
    public String providerMessageId() {
        return messageId;
    }

    @Override
    public String failureReason() {
        if (expiredReason != null) {
            return expiredReason;
        }
        if (failures.isEmpty() && !suppressed.isEmpty()) {
            List<String> why = new ArrayList<>();
            suppressed.forEach((address, reason) -> why.add(address + " (" + reason + ")"));
            return "suppressed: " + String.join(", ", why);
        }
        return failures.isEmpty() ? "no provider could take the mail" : String.join("; ", failures);
    }

    @Override
    public List<String> pending() {
        return List.copyOf(remaining.values());
    }

    @Override
    public List<Mail.RefusedRecipient> refused() {
        return List.copyOf(refused.values());
    }

    @Override
    public long retryAfterMillis() {
        return retryAfterMillis;
    }

    @Override
    public void expire(String reason) {
        expiredReason = reason;
    }

    private String messageIdHeader() {
        try {
            return message == null ? null : message.getMessageID();
        } catch (MessagingException e) {
            return null;
        }
    }

    private static String key(String address) {
        return address.toLowerCase(Locale.ROOT);
    }

    /** Every recipient's address, blind ones included: the envelope of a first attempt. */
    static List<String> envelope(MailRequest.Recipients recipients) {
        List<String> addresses = new ArrayList<>(recipients.count());
        for (List<String> list : List.of(recipients.to(), recipients.cc(), recipients.bcc())) {
            for (String address : list) {
                try {
                    addresses.add(new InternetAddress(address, true).getAddress());
                } catch (MessagingException e) {
                    addresses.add(address);
                }
            }
        }
        return addresses;
    }
}
