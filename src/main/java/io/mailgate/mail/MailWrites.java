package io.mailgate.mail;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

import io.mailgate.platform.Ids;
import io.mailgate.platform.Json;
import io.mailgate.platform.db.GroupCommit;
import io.mailgate.platform.db.UniqueViolation;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.security.Secrets;

/**
 * Writes accepted mails for {@link MailRecords#store}: the batches its group commit hands over, each in
 * one transaction (the idempotency keys looked up in one query per client, one JDBC batch per table),
 * and one transaction per mail when a batch fails as a whole, so that every caller gets its own answer.
 */
final class MailWrites {

    private static final int MAX_KEY_ATTEMPTS = 5;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MailWrites.class);

    private final Jdbi jdbi;
    private final Json json;
    private final Clock clock;
    private final IdempotencyKeyStore idempotencyKeys;
    private final RecentMails recent;

    MailWrites(Jdbi jdbi, Json json, Clock clock, IdempotencyKeyStore idempotencyKeys, RecentMails recent) {
        this.jdbi = jdbi;
        this.json = json;
        this.clock = clock;
        this.idempotencyKeys = idempotencyKeys;
        this.recent = recent;
    }

    /** What one caller asks to store. */
    record StoreRequest(ComposedMail composed, String creatorId, String idempotencyKey) {
        String requestHash() {
            return idempotencyKey == null ? null : composed.request().requestHash();
        }
    }

    /** A batch in one transaction; when it fails as a whole (a key race, a bad row), each request on its own. */
    List<GroupCommit.Outcome<AcceptedMail>> storeBatch(List<StoreRequest> requests) {
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
        return MailRecords.read(handle, "m.id = ?", List.of(mailId)).stream().findFirst().map(MailRecords.StoredMail::mail)
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
                content, 0, Mail.Status.QUEUED, Optional.empty(), Optional.empty(), Optional.empty(), now, now, Mail.Attempts.NONE,
                request.options());
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
                    + "tracking_hash_sha, waiting_parts, due_at, list_unsubscribe, ignore_suppression) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)");
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
                    .bind(16, mail.options().listUnsubscribe()).bind(17, mail.options().ignoreSuppression())
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


    private static int addAll(PreparedBatch batch, String id, String kind, List<String> addresses) {
        for (int i = 0; i < addresses.size(); i++) {
            batch.bind(0, id).bind(1, kind).bind(2, i).bind(3, addresses.get(i)).add();
        }
        return addresses.size();
    }
}
