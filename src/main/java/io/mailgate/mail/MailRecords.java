package io.mailgate.mail;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

import io.mailgate.platform.Ids;
import io.mailgate.platform.Json;
import io.mailgate.platform.db.GroupCommit;
import io.mailgate.platform.db.RqlSelect;
import io.mailgate.platform.db.Statements;
import io.mailgate.platform.db.UniqueViolation;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.rql.SqlQuery;
import io.mailgate.security.Secrets;

/** The record of every mail (API.md §2): stored once per idempotency key, found, listed with RQL, counted open, deleted. */
public class MailRecords {

    static final String COLUMNS = "m.id, m.creator_id, m.from_address, m.subject, m.body, m.template_id, "
            + "m.template_name, m.language, m.time_zone, m.content, m.views, m.status, m.provider, "
            + "m.provider_message_id, m.failure_reason, m.creation_timestamp, m.update_timestamp, m.waiting_parts, "
            + "m.attempts, m.next_attempt_at, m.last_error, m.recipients_pending, m.recipients_refused";
    private static final int MAX_KEY_ATTEMPTS = 5;
    /** Mails stored in one transaction at most, and transactions storing at the same time at most. */
    private static final int MAX_BATCH = 64;
    private static final int WRITERS = 2;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MailRecords.class);

    private final Jdbi jdbi;
    private final Json json;
    private final Clock clock;
    private final IdempotencyKeyStore idempotencyKeys;
    private final RecentMails recent;
    private final GroupCommit<StoreRequest, AcceptedMail> group = new GroupCommit<>(MAX_BATCH, WRITERS, this::storeBatch);

    MailRecords(Jdbi jdbi, Json json, Clock clock, IdempotencyKeyStore idempotencyKeys, RecentMails recent) {
        this.jdbi = jdbi;
        this.json = json;
        this.clock = clock;
        this.idempotencyKeys = idempotencyKeys;
        this.recent = recent;
    }

    /**
     * Stores a composed mail as QUEUED, with what delivery will need, in one transaction, shared with
     * the mails other callers store at the same moment (group commit): the caller returns once that
     * transaction committed. With an idempotency key the key is recorded in the same transaction: the
     * same key and body give back the first mail (created = false), another body is a 409. Two
     * concurrent requests with one key race on the key's primary key; the loser reads the winner's mail.
     */
    public AcceptedMail store(ComposedMail composed, String creatorId, String idempotencyKey) {
        return group.write(new StoreRequest(composed, creatorId, idempotencyKey));
    }

    /** What one caller asks to store. */
    private record StoreRequest(ComposedMail composed, String creatorId, String idempotencyKey) {
        String requestHash() {
            return idempotencyKey == null ? null : composed.request().requestHash();
        }
    }

    /** A batch in one transaction; when it fails as a whole (a key race, a bad row), each request on its own. */
    private List<GroupCommit.Outcome<AcceptedMail>> storeBatch(List<StoreRequest> requests) {
        if (requests.size() > 1) {
            try {
                return storeTogether(requests);
            } catch (RuntimeException e) {
                LOG.debug("A batch of {} mails failed as a whole; storing each on its own", requests.size());
            }
        }
        List<GroupCommit.Outcome<AcceptedMail>> outcomes = new ArrayList<>(requests.size());
        for (StoreRequest request : requests) {
            try {
                outcomes.add(storeAlone(request));
            } catch (RuntimeException e) {
                outcomes.add(GroupCommit.Outcome.failed(e));
            }
        }
        return outcomes;
    }

    private GroupCommit.Outcome<AcceptedMail> storeAlone(StoreRequest request) {
        for (int attempt = 1; ; attempt++) {
            try {
                return storeTogether(List.of(request)).get(0);
            } catch (RuntimeException e) {
                boolean keyRace = request.idempotencyKey() != null && (UniqueViolation.is(e) || UniqueViolation.isLockConflict(e));
                if (!keyRace) {
                    throw e;
                }
                if (attempt >= MAX_KEY_ATTEMPTS) {
                    throw new IllegalStateException("Idempotency key kept racing", e);
                }
            }
        }
    }

    /**
     * Stores the requests in one transaction: the keys they carry looked up in one query per client,
     * every new mail, its addresses, waiting parts and key written in one batch per table. A request
     * whose key an earlier request of the same batch carries waits for that one's commit.
     */
    private List<GroupCommit.Outcome<AcceptedMail>> storeTogether(List<StoreRequest> requests) {
        long now = clock.millis();
        List<GroupCommit.Outcome<AcceptedMail>> outcomes = new ArrayList<>(java.util.Collections.nCopies(requests.size(), null));
        List<Integer> later = new ArrayList<>();
        List<NewMail> created = new ArrayList<>();
        jdbi.useTransaction(handle -> {
            java.util.Collections.fill(outcomes, null);
            later.clear();
            created.clear();
            Map<String, Map<String, IdempotencyKeyStore.Earlier>> earlier = earlierKeys(handle, requests, later);
            Batches batches = new Batches(handle);
            for (int i = 0; i < requests.size(); i++) {
                if (later.contains(i)) {
                    continue;
                }
                StoreRequest request = requests.get(i);
                if (request.idempotencyKey() != null) {
                    try {
                        Optional<String> earlierMail = idempotencyKeys.resolve(handle, request.creatorId(), request.idempotencyKey(),
                                earlier.get(request.creatorId()).get(request.idempotencyKey()), request.requestHash(), now);
                        if (earlierMail.isPresent()) {
                            outcomes.set(i, GroupCommit.Outcome.of(new AcceptedMail(earlierMailRecord(handle, earlierMail.get()), false)));
                            continue;
                        }
                    } catch (ApiException refused) {
                        outcomes.set(i, GroupCommit.Outcome.failed(refused));
                        continue;
                    }
                }
                NewMail mail = newMail(request, now);
                batches.add(mail);
                created.add(mail);
                outcomes.set(i, GroupCommit.Outcome.of(new AcceptedMail(mail.mail(), true)));
            }
            batches.execute();
        });
        for (NewMail mail : created) {
            if (mail.request().composed().request().attachments().isEmpty()) {
                recent.put(new OutboundMail(mail.mail(), List.of(), mail.request().composed().rendering(), mail.waitingParts()), now);
            }
        }
        for (int i : later) {
            GroupCommit.Outcome<AcceptedMail> outcome;
            try {
                outcome = storeAlone(requests.get(i));
            } catch (RuntimeException e) {
                outcome = GroupCommit.Outcome.failed(e);
            }
            outcomes.set(i, outcome);
        }
        return outcomes;
    }

    /** The keys the requests carry that their clients used before, by client; a key a batch carries twice goes in {@code later}. */
    private Map<String, Map<String, IdempotencyKeyStore.Earlier>> earlierKeys(Handle handle, List<StoreRequest> requests,
                                                                               List<Integer> later) {
        Map<String, java.util.Set<String>> keysByClient = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            StoreRequest request = requests.get(i);
            if (request.idempotencyKey() != null && !keysByClient.computeIfAbsent(request.creatorId(),
                    client -> new java.util.LinkedHashSet<>()).add(request.idempotencyKey())) {
                later.add(i);
            }
        }
        Map<String, Map<String, IdempotencyKeyStore.Earlier>> earlier = new LinkedHashMap<>();
        keysByClient.forEach((client, keys) -> earlier.put(client, idempotencyKeys.earlier(handle, client, keys)));
        return earlier;
    }

    private static Mail earlierMailRecord(Handle handle, String mailId) {
        return read(handle, "m.id = ?", List.of(mailId)).stream().findFirst().map(StoredMail::mail)
                .orElseThrow(() -> new ApiException(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                        "The idempotency key belongs to a mail that was deleted"));
    }

    /** A mail about to be stored, as delivery will see it. */
    private record NewMail(StoreRequest request, Mail mail, String trackingHash, boolean waitingParts) {
    }

    private NewMail newMail(StoreRequest store, long now) {
        ComposedMail composed = store.composed();
        MailRequest request = composed.request();
        String id = Ids.newId(now);
        Optional<String> content = request.content().map(json::write);
        boolean waitingParts = composed.rendering().isPresent() || !request.attachments().isEmpty();
        Mail mail = new Mail(id, store.creatorId(), request.from(), request.replyTo(), request.recipients(), composed.subject(),
                request.body(), composed.templateId(), composed.templateName(), request.language(), request.timeZone(),
                content, 0, Mail.Status.QUEUED, Optional.empty(), Optional.empty(), Optional.empty(), now, now, Mail.Attempts.NONE);
        return new NewMail(store, mail, composed.trackingHash().map(Secrets::sha256).orElse(null), waitingParts);
    }

    /** One JDBC batch per table for the mails of one transaction. */
    private static final class Batches {
        private final Handle handle;
        private final PreparedBatch mails;
        private final PreparedBatch addresses;
        private final PreparedBatch keys;
        private final List<NewMail> withParts = new ArrayList<>();
        private int addressRows;
        private int keyRows;

        Batches(Handle handle) {
            this.handle = handle;
            mails = handle.prepareBatch("INSERT INTO mail (id, creator_id, from_address, subject, body, template_id, template_name, "
                    + "language, time_zone, content, views, status, creation_timestamp, update_timestamp, "
                    + "tracking_hash_sha, waiting_parts, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)");
            addresses = handle.prepareBatch("INSERT INTO mail_address (mail_id, kind, position, address) VALUES (?, ?, ?, ?)");
            keys = IdempotencyKeyStore.insertBatch(handle);
        }

        void add(NewMail added) {
            Mail mail = added.mail();
            long now = mail.creationTimestamp();
            mails.bind(0, mail.id()).bind(1, mail.creatorId()).bind(2, mail.from()).bind(3, mail.subject()).bind(4, mail.body())
                    .bind(5, mail.templateId().orElse(null)).bind(6, mail.templateName().orElse(null))
                    .bind(7, mail.language().orElse(null)).bind(8, mail.timeZone().orElse(null))
                    .bind(9, mail.contentJson().orElse(null)).bind(10, Mail.Status.QUEUED.wire()).bind(11, now).bind(12, now)
                    .bind(13, added.trackingHash()).bind(14, added.waitingParts()).bind(15, now)
                    .add();
            addressRows += addAll(addresses, mail.id(), "to", mail.recipients().to());
            addressRows += addAll(addresses, mail.id(), "cc", mail.recipients().cc());
            addressRows += addAll(addresses, mail.id(), "bcc", mail.recipients().bcc());
            addressRows += addAll(addresses, mail.id(), "reply_to", mail.replyTo());
            if (added.waitingParts()) {
                withParts.add(added);
            }
            StoreRequest request = added.request();
            if (request.idempotencyKey() != null) {
                IdempotencyKeyStore.add(keys, request.creatorId(), request.idempotencyKey(), request.requestHash(), mail.id(), now);
                keyRows++;
            }
        }

        /** Mails first: the other tables refer to them. */
        void execute() {
            if (mails.size() == 0) {
                return;
            }
            mails.execute();
            if (addressRows > 0) {
                addresses.execute();
            }
            for (NewMail mail : withParts) {
                WaitingParts.insert(handle, mail.mail().id(), mail.request().composed().rendering(),
                        mail.request().composed().request().attachments());
            }
            if (keyRows > 0) {
                keys.execute();
            }
        }
    }

    public Optional<Mail> find(String id) {
        return jdbi.withHandle(handle -> read(handle, "m.id = ?", List.of(id))).stream().findFirst().map(StoredMail::mail);
    }

    public void delete(String id) {
        Ids.require(id, "id");
        int deleted = jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM mail WHERE id = ?").bind(0, id).execute());
        if (deleted == 0) {
            throw new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No mail found with id " + id);
        }
    }

    /**
     * Counts one open of the template mail with this tracking hash. A single UPDATE, so concurrent
     * opens, on any number of instances, are all counted.
     *
     * @return 1, or 0 when no mail has the hash
     */
    public int countOpen(Object trackingHash) {
        if (!(trackingHash instanceof String hash) || hash.isEmpty() || hash.length() > 100) {
            return 0;
        }
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE mail SET views = views + 1 WHERE tracking_hash_sha = ?")
                .bind(0, Secrets.sha256(hash)).execute());
    }

    /** One page of mails matching the query, and the total when the query did not skip counting. */
    public Page list(SqlQuery query, boolean unsentOnly) {
        SqlQuery effective = unsentOnly ? query.and("m.status <> ?", List.of(Mail.Status.SENT.wire())) : query;
        return jdbi.withHandle(handle -> {
            List<StoredMail> rows = RqlSelect.page(handle, COLUMNS, "mail m", effective, MailRecords::row);
            Optional<Long> total = effective.skipCount() ? Optional.empty()
                    : Optional.of(RqlSelect.count(handle, "mail m", effective));
            return new Page(withAddresses(handle, rows).stream().map(StoredMail::mail).toList(), total);
        });
    }

    public record Page(List<Mail> mails, Optional<Long> total) {
    }

    /** The renderings of template mails still waiting for delivery, by mail id. */
    public Map<String, ComposedMail.Rendering> renderings(List<String> mailIds) {
        if (mailIds.isEmpty()) {
            return Map.of();
        }
        Map<String, ComposedMail.Rendering> renderings = new LinkedHashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("SELECT mail_id, html, text FROM mail_rendering WHERE mail_id IN (<ids>)")
                .bindList("ids", mailIds)
                .map((rows, context) -> Map.entry(rows.getString("mail_id"),
                        new ComposedMail.Rendering(rows.getString("html"), rows.getString("text"))))
                .forEach(entry -> renderings.put(entry.getKey(), entry.getValue())));
        return renderings;
    }

    /** A mail as stored, and whether it still has parts waiting for delivery. */
    record StoredMail(Mail mail, boolean waitingParts) {
    }

    /** The mails matching a condition on {@code mail m}, with their addresses. */
    static List<StoredMail> read(Handle handle, String where, List<Object> parameters) {
        return withAddresses(handle, Statements.bindAll(handle.createQuery("SELECT " + COLUMNS + " FROM mail m WHERE " + where),
                parameters).map(MailRecords::row).list());
    }

    private static StoredMail row(ResultSet rows, StatementContext context) throws SQLException {
        Mail mail = new Mail(rows.getString("id"), rows.getString("creator_id"), rows.getString("from_address"), List.of(),
                new MailRequest.Recipients(List.of(), List.of(), List.of()), rows.getString("subject"), rows.getString("body"),
                Optional.ofNullable(rows.getString("template_id")), Optional.ofNullable(rows.getString("template_name")),
                Optional.ofNullable(rows.getString("language")), Optional.ofNullable(rows.getString("time_zone")),
                Optional.ofNullable(rows.getString("content")), rows.getInt("views"),
                Mail.Status.valueOf(rows.getString("status").toUpperCase(Locale.ROOT)),
                Optional.ofNullable(rows.getString("provider")), Optional.ofNullable(rows.getString("provider_message_id")),
                Optional.ofNullable(rows.getString("failure_reason")), rows.getLong("creation_timestamp"),
                rows.getLong("update_timestamp"), attempts(rows));
        return new StoredMail(mail, rows.getBoolean("waiting_parts"));
    }

    private static Mail.Attempts attempts(ResultSet rows) throws SQLException {
        long next = rows.getLong("next_attempt_at");
        Optional<Long> nextAttemptAt = rows.wasNull() ? Optional.empty() : Optional.of(next);
        return new Mail.Attempts(rows.getInt("attempts"), nextAttemptAt, Optional.ofNullable(rows.getString("last_error")),
                RecipientLists.addresses(rows.getString("recipients_pending")),
                RecipientLists.refused(rows.getString("recipients_refused")));
    }

    /** Fills in recipients and reply-to addresses, for all the mails in one query. */
    private static List<StoredMail> withAddresses(Handle handle, List<StoredMail> rows) {
        if (rows.isEmpty()) {
            return rows;
        }
        Map<String, Map<String, List<String>>> byMail = new LinkedHashMap<>();
        handle.createQuery("SELECT mail_id, kind, address FROM mail_address WHERE mail_id IN (<ids>) "
                        + "ORDER BY mail_id, kind, position")
                .bindList("ids", rows.stream().map(row -> row.mail().id()).toList())
                .map((result, context) -> byMail.computeIfAbsent(result.getString("mail_id"), k -> new LinkedHashMap<>())
                        .computeIfAbsent(result.getString("kind"), k -> new ArrayList<>())
                        .add(result.getString("address")))
                .list();
        List<StoredMail> filled = new ArrayList<>(rows.size());
        for (StoredMail row : rows) {
            Map<String, List<String>> addresses = byMail.getOrDefault(row.mail().id(), Map.of());
            Mail m = row.mail();
            MailRequest.Recipients recipients = new MailRequest.Recipients(addresses.getOrDefault("to", List.of()),
                    addresses.getOrDefault("cc", List.of()), addresses.getOrDefault("bcc", List.of()));
            filled.add(new StoredMail(new Mail(m.id(), m.creatorId(), m.from(), addresses.getOrDefault("reply_to", List.of()),
                    recipients, m.subject(), m.body(), m.templateId(), m.templateName(), m.language(), m.timeZone(),
                    m.contentJson(), m.views(), m.status(), m.provider(), m.providerMessageId(), m.failureReason(),
                    m.creationTimestamp(), m.updateTimestamp(), m.attempts()), row.waitingParts()));
        }
        return filled;
    }

    private static int addAll(PreparedBatch batch, String id, String kind, List<String> addresses) {
        for (int i = 0; i < addresses.size(); i++) {
            batch.bind(0, id).bind(1, kind).bind(2, i).bind(3, addresses.get(i)).add();
        }
        return addresses.size();
    }
}
