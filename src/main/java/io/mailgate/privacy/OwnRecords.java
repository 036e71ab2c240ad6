package io.mailgate.privacy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import com.fasterxml.jackson.core.type.TypeReference;

import io.mailgate.mail.Mail;
import io.mailgate.mail.MailRecords;
import io.mailgate.platform.Json;
import io.mailgate.platform.db.LikePatterns;

/**
 * What Mailgate itself holds of a data subject, for their access package and their erasure: the mails
 * to, from or replying to them, the notices of their privacy requests (the erasure emails to third
 * parties name them), mails whose subject, body or inputs name them, those mails' dead letters, and
 * the privacy requests themselves.
 *
 * <p>Erasure masks each delivered (or given up) mail of the subject with the policy's strategy:
 * subject, body, inputs, failure reason, the subject's addresses and tracking, the recipient and
 * diagnostic of its events (and the webhook messages quoting them); it deletes waiting
 * attachments and renderings and the idempotency keys that point at them; the mail rows stay, so
 * counts stay. Mails still on their way - the completion notice at least - are masked by the sweep
 * once delivered, and then the subject's finished requests lose their identity too.
 */
public class OwnRecords {

    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };
    private static final int MAX_ADDRESS = 320;
    private static final int MAX_SUBJECT = 1000;
    private static final int MAX_REASON = 2000;
    private static final int MAX_TEXT = 100_000;
    private static final List<String> FINISHED_REQUESTS = List.of(PrivacyRequest.COMPLETE, PrivacyRequest.DENIED, "canceled");
    private static final String COMPLETION_NOTICE = "privacy_request_complete_deletion";
    /** How long after completion the sweep waits for the completion notice to be stored, should storing it have failed. */
    private static final long NOTICE_GRACE_MS = 10 * 60_000L;

    private final Jdbi jdbi;
    private final Json json;
    private final MailRecords mails;
    private final PrivacyRequestStore requests;
    private final PolicyStore policies;
    private final Taxonomy taxonomy;
    private final boolean completionNotices;
    private final Clock clock;

    /** @param completionNotices whether a completed request mails its subject a notice (which the sweep then waits for) */
    public OwnRecords(Jdbi jdbi, Json json, MailRecords mails, PrivacyRequestStore requests, PolicyStore policies, Taxonomy taxonomy,
                      boolean completionNotices, Clock clock) {
        this.completionNotices = completionNotices;
        this.taxonomy = taxonomy;
        this.jdbi = jdbi;
        this.json = json;
        this.mails = mails;
        this.requests = requests;
        this.policies = policies;
        this.clock = clock;
    }

    /**
     * The subject's records, per "dataset:collection" as fidesops keys access results, keeping the
     * fields whose data category an access target covers (and, with them, the record's own fields).
     */
    public Map<String, List<Map<String, Object>>> collect(PrivacyRequest request, Predicate<String> covered) {
        Map<String, List<Map<String, Object>>> records = new LinkedHashMap<>();
        List<PrivacyRequest> subjectRequests = subjectRequests(request);
        List<String> mailIds = mailIds(request.email(), subjectRequests);
        List<Map<String, Object>> mailRecords = new ArrayList<>();
        for (String id : mailIds) {
            mails.find(id).map(mail -> mailRecord(mail, covered)).ifPresent(mailRecords::add);
        }
        records.put("mailgate:mail", mailRecords);
        records.put("mailgate:privacy_request", subjectRequests.stream().map(r -> requestRecord(r, covered))
                .filter(r -> !r.isEmpty()).toList());
        records.put("mailgate:dead_letter", covered.test("system.operations") || !mailRecords.isEmpty()
                ? deadLetters(mailIds) : List.of());
        return records;
    }

    /** Masks what can be masked now and, if the subject still has mails on their way, leaves the rest to the sweep. */
    public void erase(PrivacyRequest request) {
        pass(requests.find(request.id()).orElse(request));
    }

    /** Finishes the erasures whose subject had mails on their way: each pass masks those delivered since. */
    public void sweep() {
        for (String id : jdbi.withHandle(handle -> handle.createQuery("SELECT id FROM privacy_request "
                        + "WHERE own_erasure_due = TRUE AND status = ? ORDER BY id")
                .bind(0, PrivacyRequest.COMPLETE).mapTo(String.class).list())) {
            requests.find(id).ifPresent(this::pass);
        }
    }

    /**
     * Whether the request is complete and its completion notice - the subject's last mail - is stored, so
     * that no mail of the subject can still appear: the request ends complete a moment before its notice
     * is accepted, and a sweep in between must not call the masking finished.
     */
    private boolean completeWithNotice(PrivacyRequest request) {
        if (!request.status().equals(PrivacyRequest.COMPLETE)) {
            return false;
        }
        if (!completionNotices || request.finishedAt().map(at -> clock.millis() - at > NOTICE_GRACE_MS).orElse(true)) {
            return true;
        }
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM privacy_request_mail WHERE request_id = ? AND kind = ?")
                .bind(0, request.id()).bind(1, COMPLETION_NOTICE).mapTo(Integer.class).one()) > 0;
    }

    /** Which of Mailgate's fields an erasure's targets cover, by their data categories. */
    private record Coverage(boolean addresses, boolean content, boolean behavior, boolean phone) {
        boolean any() {
            return addresses || content || behavior || phone;
        }
    }

    private Coverage coverage(Optional<Policy> policy) {
        List<String> targets = policy.map(Policy::erasureCategories).orElse(List.of());
        Predicate<String> covered = category -> targets.stream().anyMatch(target -> taxonomy.covers(target, category));
        return new Coverage(covered.test("user.contact.email"), covered.test("user.content.private"), covered.test("user.behavior"),
                covered.test("user.contact.phone_number"));
    }

    /** Whether the request's erasure covers any of Mailgate's own fields (its packages go with them). */
    public boolean erasesOwnRecords(PrivacyRequest request) {
        Coverage coverage = coverage(policies.find(request.policyKey()));
        return coverage.addresses() || coverage.content();
    }

    private void pass(PrivacyRequest request) {
        Optional<Policy> policy = policies.find(request.policyKey());
        Masking masking = Masking.of(policy.map(Policy::erasureMasking).orElse(null));
        Coverage coverage = coverage(policy);
        List<PrivacyRequest> subjectRequests = subjectRequests(request);
        List<String> ids = mailIds(request.email(), subjectRequests);
        String email = request.email().map(e -> e.toLowerCase(Locale.ROOT)).orElse(null);
        Map<String, Integer> counts = new LinkedHashMap<>();
        int waiting = 0;
        for (String id : ids) {
            Optional<Mail> mail = mails.find(id);
            if (mail.isEmpty()) {
                continue;
            }
            if (mail.get().status() == Mail.Status.QUEUED || mail.get().status() == Mail.Status.SENDING) {
                waiting++;
                continue;
            }
            if (coverage.any()) {
                jdbi.useTransaction(handle -> maskMail(handle, mail.get(), email, masking, coverage, counts));
            }
        }
        if (email != null && (coverage.addresses() || coverage.content())) {
            add(counts, "dead_letters", jdbi.withHandle(handle -> handle.createUpdate("UPDATE dead_letter SET payload = NULL, "
                            + "properties = NULL WHERE payload IS NOT NULL AND (LOWER(payload) LIKE ?" + LikePatterns.ESCAPE
                            + " OR LOWER(properties) LIKE ?" + LikePatterns.ESCAPE + ")")
                    .bind(0, LikePatterns.containing(email)).bind(1, LikePatterns.containing(email)).execute()));
        }
        boolean finished = waiting == 0 && requests.find(request.id()).map(this::completeWithNotice).orElse(false);
        if (finished) {
            for (PrivacyRequest subjectRequest : subjectRequests) {
                String status = requests.find(subjectRequest.id()).map(PrivacyRequest::status).orElse("");
                Map<String, String> masked = maskIdentity(subjectRequest.identity(), masking, coverage);
                if (FINISHED_REQUESTS.contains(status) && !masked.equals(subjectRequest.identity())) {
                    requests.replaceIdentity(subjectRequest.id(), masked);
                    add(counts, "privacy_requests", 1);
                }
            }
        }
        record(request, masking, counts, waiting, !finished);
    }

    /**
     * Masks one delivered mail, field by field as the erasure covers it: the subject's addresses (and a
     * failure reason, the last error and the per-recipient results, which may quote them), the content (subject, body, inputs; waiting renderings and
     * attachments are deleted), the open tracking. Idempotency keys and dead-letter payloads carry both
     * addresses and content: they go with either.
     */
    private void maskMail(Handle handle, Mail mail, String email, Masking masking, Coverage coverage, Map<String, Integer> counts) {
        long now = clock.millis();
        boolean fromSubject = email != null && address(mail.from()).equals(email);
        String from = coverage.addresses() && fromSubject ? masking.maskRequired(mail.from(), MAX_ADDRESS) : mail.from();
        boolean content = coverage.content();
        boolean reasons = coverage.addresses() || content;
        // The per-recipient results name addresses and quote servers' answers: they go with the addresses.
        handle.createUpdate("UPDATE mail SET from_address = ?, subject = ?, body = ?, "
                        + (content ? "content = NULL, " : "") + "failure_reason = ?, last_error = ?, "
                        + (coverage.addresses() ? "recipients_refused = NULL, recipients_pending = NULL, " : "")
                        + (coverage.behavior() ? "tracking_hash_sha = NULL, " : "") + "update_timestamp = ? WHERE id = ?")
                .bind(0, from)
                .bind(1, content ? masking.mask(mail.subject(), MAX_SUBJECT) : mail.subject())
                .bind(2, content ? masking.mask(mail.body(), MAX_TEXT) : mail.body())
                .bind(3, reasons ? masking.mask(mail.failureReason().orElse(null), MAX_REASON) : mail.failureReason().orElse(null))
                .bind(4, reasons ? masking.mask(mail.attempts().lastError().orElse(null), MAX_REASON)
                        : mail.attempts().lastError().orElse(null))
                .bind(5, now).bind(6, mail.id())
                .execute();
        add(counts, "mails", 1);
        if (email != null && coverage.addresses()) {
            int addresses = 0;
            for (var address : handle.createQuery("SELECT kind, position, address FROM mail_address WHERE mail_id = ?")
                    .bind(0, mail.id()).mapToMap().list()) {
                if (address(String.valueOf(address.get("address"))).equals(email)) {
                    addresses += handle.createUpdate("UPDATE mail_address SET address = ? WHERE mail_id = ? AND kind = ? AND position = ?")
                            .bind(0, masking.maskRequired(String.valueOf(address.get("address")), MAX_ADDRESS)).bind(1, mail.id())
                            .bind(2, String.valueOf(address.get("kind"))).bind(3, ((Number) address.get("position")).intValue())
                            .execute();
                }
            }
            add(counts, "addresses", addresses + (fromSubject ? 1 : 0));
            // The messages for the application's webhooks quote the events: those not sent yet go unsent.
            add(counts, "webhook_messages", handle.createUpdate("DELETE FROM webhook_delivery WHERE event_id IN "
                    + "(SELECT id FROM mail_event WHERE mail_id = ?)").bind(0, mail.id()).execute());
            // The mail's events name their recipient; a bounce's diagnostic may quote the address.
            add(counts, "events", handle.createUpdate("UPDATE mail_event SET recipient = ?, detail = NULL WHERE mail_id = ? "
                            + "AND LOWER(recipient) = ?")
                    .bind(0, masking.maskRequired(email, MAX_ADDRESS)).bind(1, mail.id()).bind(2, email).execute());
        }
        if (reasons) {
            handle.createUpdate("UPDATE mail_event SET detail = NULL WHERE mail_id = ? AND detail IS NOT NULL").bind(0, mail.id()).execute();
        }
        if (content) {
            add(counts, "attachments", handle.createUpdate("DELETE FROM mail_attachment WHERE mail_id = ?").bind(0, mail.id())
                    .execute());
            add(counts, "renderings", handle.createUpdate("DELETE FROM mail_rendering WHERE mail_id = ?").bind(0, mail.id())
                    .execute());
            handle.createUpdate("UPDATE mail SET waiting_parts = FALSE WHERE id = ?").bind(0, mail.id()).execute();
        }
        if (content || coverage.addresses()) {
            add(counts, "idempotency_keys", handle.createUpdate("DELETE FROM idempotency_key WHERE mail_id = ?").bind(0, mail.id())
                    .execute());
            add(counts, "dead_letters", handle.createUpdate("UPDATE dead_letter SET payload = NULL, properties = NULL "
                    + "WHERE mail_id = ? AND payload IS NOT NULL").bind(0, mail.id()).execute());
        }
    }

    /** The address of "Name <address>" or of a bare address, in lower case. */
    private static String address(String text) {
        return io.mailgate.mail.Addresses.bare(text).toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> maskIdentity(Map<String, String> identity, Masking masking, Coverage coverage) {
        Map<String, String> masked = new LinkedHashMap<>();
        identity.forEach((name, value) -> {
            boolean covered = name.equals("phone_number") ? coverage.phone() : coverage.addresses();
            String replaced = covered ? masking.mask(value, MAX_ADDRESS) : value;
            if (replaced != null) {
                masked.put(name, replaced);
            }
        });
        return masked;
    }

    /** Adds this pass's counts to the request's results.erasure, and whether mails are still to be masked. */
    @SuppressWarnings("unchecked")
    private void record(PrivacyRequest request, Masking masking, Map<String, Integer> counts, int waiting, boolean due) {
        Object earlier = requests.find(request.id()).map(r -> r.results().get("erasure")).orElse(null);
        Map<String, Object> erasure = new LinkedHashMap<>();
        erasure.put("strategy", masking.strategy());
        for (String name : List.of("mails", "addresses", "events", "webhook_messages", "attachments", "renderings", "idempotency_keys", "dead_letters",
                "privacy_requests")) {
            int before = earlier instanceof Map<?, ?> map && map.get(name) instanceof Number n ? n.intValue() : 0;
            erasure.put(name, before + counts.getOrDefault(name, 0));
        }
        erasure.put("mails_on_their_way", waiting);
        requests.addResult(request.id(), "erasure", erasure);
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE privacy_request SET own_erasure_due = ? WHERE id = ?")
                .bind(0, due).bind(1, request.id()).execute());
    }

    private static void add(Map<String, Integer> counts, String name, int count) {
        counts.merge(name, count, Integer::sum);
    }

    /** This request and every other one of the same subject (by email). */
    private List<PrivacyRequest> subjectRequests(PrivacyRequest request) {
        List<PrivacyRequest> all = new ArrayList<>();
        all.add(request);
        request.email().ifPresent(email -> requests.withEmail(email).stream()
                .filter(other -> !other.id().equals(request.id())).forEach(all::add));
        return all;
    }

    private List<String> mailIds(Optional<String> email, List<PrivacyRequest> subjectRequests) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        List<String> requestIds = subjectRequests.stream().map(PrivacyRequest::id).toList();
        jdbi.useHandle(handle -> {
            ids.addAll(handle.createQuery("SELECT mail_id FROM privacy_request_mail WHERE request_id IN (<ids>) ORDER BY created_at")
                    .bindList("ids", requestIds).mapTo(String.class).list());
            if (email.isPresent()) {
                String lower = email.get().toLowerCase(Locale.ROOT);
                String like = LikePatterns.containing(lower);
                String named = "%<" + LikePatterns.startingWith(lower).replaceAll("%$", "") + ">";
                ids.addAll(handle.createQuery("SELECT id FROM mail WHERE LOWER(from_address) = ? OR LOWER(from_address) LIKE ?"
                                + LikePatterns.ESCAPE
                                + " OR id IN (SELECT mail_id FROM mail_address WHERE LOWER(address) = ? OR LOWER(address) LIKE ?"
                                + LikePatterns.ESCAPE + ") "
                                + "OR LOWER(subject) LIKE ?" + LikePatterns.ESCAPE + " OR LOWER(body) LIKE ?" + LikePatterns.ESCAPE
                                + " OR LOWER(content) LIKE ?" + LikePatterns.ESCAPE + " ORDER BY creation_timestamp, id")
                        .bind(0, lower).bind(1, named).bind(2, lower).bind(3, named).bind(4, like).bind(5, like).bind(6, like)
                        .mapTo(String.class).list());
            }
        });
        return new ArrayList<>(ids);
    }

    private Map<String, Object> mailRecord(Mail mail, Predicate<String> covered) {
        Map<String, Object> record = new LinkedHashMap<>();
        boolean personal = false;
        if (covered.test("user.contact.email")) {
            record.put("to", mail.recipients().to());
            record.put("cc", mail.recipients().cc());
            record.put("bcc", mail.recipients().bcc());
            record.put("reply_to", mail.replyTo());
            personal = true;
        }
        if (covered.test("user.content.private")) {
            record.put("subject", mail.subject());
            record.put("body", mail.body());
            record.put("content", mail.contentJson().map(content -> (Object) json.read(content, OBJECT)).orElse(null));
            personal = true;
        }
        if (covered.test("user.behavior")) {
            record.put("views", mail.views());
            personal = true;
        }
        if (!personal && !covered.test("system.operations")) {
            return null;
        }
        Map<String, Object> full = new LinkedHashMap<>();
        full.put("id", mail.id());
        full.put("from", mail.from());
        full.putAll(record);
        full.put("template_name", mail.templateName().orElse(null));
        full.put("language", mail.language().orElse(null));
        full.put("status", mail.status().wire());
        full.put("provider", mail.provider().orElse(null));
        full.put("failure_reason", mail.failureReason().orElse(null));
        full.put("creation_timestamp", mail.creationTimestamp());
        full.put("update_timestamp", mail.updateTimestamp());
        return full;
    }

    private static Map<String, Object> requestRecord(PrivacyRequest request, Predicate<String> covered) {
        Map<String, Object> identity = new LinkedHashMap<>();
        request.identity().forEach((name, value) -> {
            if (covered.test(name.equals("phone_number") ? "user.contact.phone_number" : "user.contact.email")) {
                identity.put(name, value);
            }
        });
        if (identity.isEmpty() && !covered.test("system.operations")) {
            return Map.of();
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("id", request.id());
        record.put("external_id", request.externalId());
        record.put("status", request.status());
        record.put("policy_key", request.policyKey());
        record.put("identity", identity);
        record.put("created_at", request.createdAt());
        record.put("finished_at", request.finishedAt().orElse(null));
        return record;
    }

    private List<Map<String, Object>> deadLetters(List<String> mailIds) {
        if (mailIds.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(handle -> handle.createQuery("SELECT id, source, reason, mail_id, created_at FROM dead_letter "
                        + "WHERE mail_id IN (<ids>) ORDER BY created_at")
                .bindList("ids", mailIds)
                .map((rows, context) -> {
                    Map<String, Object> record = new LinkedHashMap<>();
                    record.put("id", rows.getString("id"));
                    record.put("source", rows.getString("source"));
                    record.put("reason", rows.getString("reason"));
                    record.put("mail_id", rows.getString("mail_id"));
                    record.put("created_at", rows.getLong("created_at"));
                    return record;
                })
                .list());
    }
}
