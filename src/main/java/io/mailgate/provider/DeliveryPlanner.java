package io.mailgate.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import jakarta.mail.MessagingException;

import org.apache.camel.CamelContext;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgate.kamelet.EnvelopedMessage;
import io.mailgate.mail.MimeMessageBuilder;
import io.mailgate.mail.OutboundMail;

/**
 * Decides which providers may deliver a mail, in which order, and answers deliver-mail's questions
 * about the {@link Delivery} it carries. The providers are the enabled email configs that have their
 * secrets (outbox needs none), by priority; when there is none, the provider configured in the file
 * (SMTP or the outbox). A provider whose circuit is open is skipped. A config change applies to the
 * next mail (one made through another instance, within a second: see {@link EmailConfigStore#enabledInOrder()}).
 */
public class DeliveryPlanner {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryPlanner.class);

    private final CamelContext context;
    private final EmailConfigStore store;
    private final ProviderRoutes routes;
    private final Provider fallback;
    private final MimeMessageBuilder messages;
    private final ProviderCircuits circuits;
    private final io.mailgate.suppression.SuppressionList suppressions;
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    /** The suppressions of claimed mails, looked up per batch, by mail id; taken when the mail's delivery is planned. */
    private final Map<String, Map<String, String>> prefetched = new ConcurrentHashMap<>();

    /** The return path of mails sent over SMTP, tagged with the mail id (VERP); blank: the sender's address. */
    private final String bounceAddress;

    public DeliveryPlanner(CamelContext context, EmailConfigStore store, ProviderRoutes routes, Provider fallback,
                           MimeMessageBuilder messages, ProviderCircuits circuits,
                           io.mailgate.suppression.SuppressionList suppressions, String bounceAddress) {
        this.bounceAddress = bounceAddress == null ? "" : bounceAddress.trim();
        this.context = context;
        this.store = store;
        this.routes = routes;
        this.fallback = fallback;
        this.messages = messages;
        this.circuits = circuits;
        this.suppressions = suppressions;
    }

    /** The provider of an email config that can deliver (enabled or not), or of the configuration file by its key. */
    Optional<Provider> provider(String key) {
        if (key != null && key.equals(fallback.key())) {
            return Optional.of(fallback);
        }
        return (key == null || key.length() > 255 ? Optional.<EmailConfig>empty() : store.find(key))
                .filter(config -> !config.type().needsSecrets() || config.encryptedSecrets().isPresent())
                .map(config -> {
                    routes.prepare(config);
                    String endpoint = "kamelet:" + config.type().kamelet() + "/" + config.routeId();
                    ensureStarted(endpoint, config.routeId());
                    return new Provider(config.key(), endpoint, config.rateLimit().orElse(Provider.UNLIMITED), config.detail("from_address"));
                });
    }

    /** The sender of mails that name none. */
    String defaultFrom() {
        return messages.defaultFrom();
    }

    /**
     * The message one provider sends for a mail (its sender, its return path), to every recipient. Over
     * SMTP the bounces come back to the return path: one that names the mail (SES and Mailgun report theirs).
     */
    EnvelopedMessage messageFor(OutboundMail outbound, Provider provider) throws MessagingException {
        EnvelopedMessage message = messages.build(outbound, provider.fromAddress());
        String returnPath = !bounceAddress.isEmpty() && provider.smtp()
                ? io.mailgate.feedback.Verp.address(bounceAddress, outbound.mail().id()) : message.getEnvelopeFrom();
        message.setEnvelope(returnPath, message.getEnvelopeTo());
        return message;
    }

    /** The delivery of a claimed mail, with the providers it may go through. */
    public Delivery plan(OutboundMail outbound) {
        List<Provider> providers = new ArrayList<>();
        for (EmailConfig config : store.enabledInOrder()) {
            if (config.usable()) {
                routes.prepare(config);
                String endpoint = "kamelet:" + config.type().kamelet() + "/" + config.routeId();
                ensureStarted(endpoint, config.routeId());
                providers.add(new Provider(config.key(), endpoint, config.rateLimit().orElse(Provider.UNLIMITED),
                        config.detail("from_address")));
            }
        }
        if (providers.isEmpty()) {
            ensureStarted(fallback.endpoint(), fallback.endpoint().substring(fallback.endpoint().indexOf('/') + 1));
            providers.add(fallback);
        }
        return new Delivery(outbound, providers, suppressed(outbound));
    }

    /**
     * Looks the suppressions of a claimed batch up in one query, so that each mail's plan need not ask
     * again (a claim takes up to 64 mails; one lookup each was a query per delivery).
     */
    public void prefetchSuppressions(List<OutboundMail> batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (prefetched.size() > 10_000) {
            prefetched.clear(); // deliveries that never planned (a crash of their exchange) leave nothing behind for long
        }
        Set<String> clients = new java.util.HashSet<>();
        Set<String> addresses = new java.util.HashSet<>();
        for (OutboundMail outbound : batch) {
            clients.add(outbound.mail().creatorId());
            Delivery.envelope(outbound.mail().recipients()).forEach(address -> addresses.add(address.toLowerCase(java.util.Locale.ROOT)));
        }
        List<io.mailgate.suppression.Suppression> found = suppressions.matchingAny(clients, addresses);
        for (OutboundMail outbound : batch) {
            Map<String, String> reasons = new java.util.HashMap<>();
            Set<String> mine = new java.util.HashSet<>();
            Delivery.envelope(outbound.mail().recipients()).forEach(address -> mine.add(address.toLowerCase(java.util.Locale.ROOT)));
            for (io.mailgate.suppression.Suppression suppression : found) {
                boolean holds = suppression.global() || suppression.clientId().equals(outbound.mail().creatorId());
                if (holds && mine.contains(suppression.email())) {
                    reasons.putIfAbsent(suppression.email(), suppression.reason());
                }
            }
            prefetched.put(outbound.mail().id(), reasons);
        }
    }

    /**
     * The mail's recipients on its client's (or the global) suppression list, lower-cased, with the reason
     * (looked up with its batch, else now); none for a critical mail sent with ignore_suppression.
     */
    private Map<String, String> suppressed(OutboundMail outbound) {
        Map<String, String> known = prefetched.remove(outbound.mail().id());
        if (outbound.mail().options().ignoreSuppression()) {
            return Map.of();
        }
        if (known != null) {
            return known;
        }
        List<String> addresses = Delivery.envelope(outbound.mail().recipients());
        Map<String, String> reasons = new java.util.HashMap<>();
        suppressions.matching(outbound.mail().creatorId(), addresses)
                .forEach((address, suppression) -> reasons.put(address, suppression.reason()));
        return reasons;
    }

    /** The loop's condition: moves to the next provider; false once no recipient is left or every provider was tried. */
    public boolean nextProvider(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) {
        return delivery.advance();
    }

    /**
     * Whether the current provider may be called: its circuit is closed, or half-open and this is the
     * probe. When it is open the provider is skipped, as a transient failure, at once.
     */
    public boolean callable(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) {
        String provider = delivery.current().key();
        if (circuits.permits(provider, delivery.current().endpoint())) {
            delivery.calling();
            return true;
        }
        delivery.skipped("circuit open, provider skipped (its last failure: " + circuits.lastError(provider) + ")");
        LOG.info("Mail {} attempt {}: provider {} skipped, its circuit is open", delivery.outbound().mail().id(),
                delivery.attempt(), provider);
        return false;
    }

    public boolean rateLimited(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) {
        return delivery.current().rateLimit() > 0;
    }

    /** The kamelet endpoint of the current provider. */
    public String endpoint(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) {
        return delivery.current().endpoint();
    }

    /**
     * The message for the current provider (its from_address may replace the default sender), built once
     * per provider, addressed to the recipients still to deliver.
     */
    public EnvelopedMessage message(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) throws MessagingException {
        if (delivery.message() == null) {
            EnvelopedMessage message = messageFor(delivery.outbound(), delivery.current());
            message.setEnvelope(message.getEnvelopeFrom(), delivery.envelopeTo());
            delivery.message(message);
        }
        return delivery.message();
    }

    /** The envelope's sender: MailEnvelopeFrom. */
    public String envelopeFrom(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) throws MessagingException {
        return message(delivery).getEnvelopeFrom();
    }

    /** The recipients still to deliver, blind ones included: MailEnvelopeTo. */
    public String envelopeTo(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) throws MessagingException {
        return message(delivery).getEnvelopeTo();
    }

    /** The Mailgate mail id, for the kamelets that pass it on to the provider (MailgateId). */
    public String mailId(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) {
        return delivery.outbound().mail().id();
    }

    /** The provider took the mail; its message id is in the ProviderMessageId header every kamelet sets. */
    public void succeeded(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery,
                          @Header("ProviderMessageId") String providerMessageId) {
        if (delivery.currentFailed()) {
            return;
        }
        circuits.answered(delivery.current().key(), delivery.callStartedNanos());
        delivery.succeeded(providerMessageId);
    }

    /**
     * The provider failed or refused some recipients. A refusal per recipient means the provider is up;
     * a transient failure counts against its circuit. Logged with the mail id, provider and attempt, and
     * no value of the mail or of the server's answer.
     */
    public void failed(Delivery delivery, Throwable failure) {
        String provider = delivery.current().key();
        String mailId = delivery.outbound().mail().id();
        RecipientRefusals refusals = RecipientRefusals.of(failure);
        if (refusals != null) {
            circuits.answered(provider, delivery.callStartedNanos());
            delivery.partlyDelivered(refusals);
            LOG.info("Mail {} attempt {} via {}: {} recipient(s) delivered, {} refused for good, {} for now", mailId,
                    delivery.attempt(), provider, refusals.delivered().size(),
                    refusals.refused().stream().filter(r -> r.permanent()).count(),
                    refusals.refused().stream().filter(r -> !r.permanent()).count());
            return;
        }
        ProviderErrors.Failure classified = ProviderErrors.classify(failure);
        if (classified.isTransient()) {
            circuits.failed(provider, delivery.callStartedNanos(), classified, failure);
        } else {
            circuits.answered(provider, delivery.callStartedNanos());
        }
        delivery.failed(classified);
        LOG.warn("Mail {} attempt {} via {} failed: {}{} ({})", mailId, delivery.attempt(), provider,
                classified.kind().name().toLowerCase(java.util.Locale.ROOT),
                classified.code() > 0 ? " " + classified.code() : "", failure.getClass().getSimpleName());
    }

    /**
     * A provider's kamelet route is made on first use. Made here, once, under a lock, and waited for
     * until it runs: otherwise concurrent deliveries reach it while it is still starting.
     */
    private void ensureStarted(String endpoint, String routeId) {
        if (started.contains(routeId)) {
            return;
        }
        synchronized (started) {
            if (started.contains(routeId)) {
                return;
            }
            context.getEndpoint(endpoint);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!ServiceStatus.Started.equals(context.getRouteController().getRouteStatus(routeId))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The provider route " + routeId + " did not start");
                }
                LockSupport.parkNanos(5_000_000L);
            }
            started.add(routeId);
        }
    }
}
