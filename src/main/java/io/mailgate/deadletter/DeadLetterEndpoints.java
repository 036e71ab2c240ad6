package io.mailgate.deadletter;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.mail.AcceptedMail;
import io.mailgate.platform.http.FidesQuery;
import io.mailgate.platform.Json;

/** GET /api/v1/dead-letters and the bookkeeping of POST /api/v1/dead-letters/{id}/replay. */
public class DeadLetterEndpoints {

    private static final int MAX_SIZE = 100;

    private final Json json;
    private final DeadLetterStore store;

    public DeadLetterEndpoints(Json json, DeadLetterStore store) {
        this.json = json;
        this.store = store;
    }

    /** ?source=&reason=&since=&until= (ISO-8601 instants) &page=1&size=50 → a fidesops page, newest first. */
    public String list(String rawQuery) {
        Map<String, String> query = FidesQuery.parse(rawQuery);
        int page = FidesQuery.positive(query, "page", 1, Integer.MAX_VALUE);
        int size = FidesQuery.positive(query, "size", 50, MAX_SIZE);
        DeadLetterStore.Filter filter = new DeadLetterStore.Filter(Optional.ofNullable(query.get("source")),
                Optional.ofNullable(query.get("reason")).filter(r -> !r.isEmpty()), instant(query, "since"), instant(query, "until"));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", store.page(filter, page, size).stream().map(DeadLetterEndpoints::view).toList());
        answer.put("total", store.count(filter));
        answer.put("page", page);
        answer.put("size", size);
        return json.write(answer);
    }

    public DeadLetter find(String id) {
        return store.find(id).orElseThrow(() -> new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No dead letter found with id " + id));
    }

    /** A replayed queue message was accepted this time. */
    public String replayedMessage(DeadLetter letter, AcceptedMail accepted) {
        store.replayed(letter.id(), "accepted as mail " + accepted.mail().id());
        return answer(letter, "replayed", Map.of("mail_id", accepted.mail().id()));
    }

    /** A webhook message queued to be sent again, or not (its endpoint was deleted, or it went out since). */
    public String requeuedWebhook(DeadLetter letter, boolean requeued) {
        if (!requeued) {
            store.replayed(letter.id(), "skipped: the message is no longer waiting (its endpoint was deleted?)");
            return answer(letter, "skipped", Map.of("reason", "the message is no longer waiting; its endpoint may be deleted"));
        }
        store.replayed(letter.id(), "webhook message queued to be sent again");
        return answer(letter, "replayed", Map.of("delivery_id", letter.properties().getOrDefault("delivery_id", "")));
    }

    /** A bounce mail read again: what became of it (recorded, duplicate, not a bounce, unknown mail). */
    public String replayedBounceMail(DeadLetter letter, String result) {
        store.replayed(letter.id(), "read again: " + result);
        return answer(letter, "replayed", Map.of("result", result));
    }

    /** A replayed queue message failed again: the same reason, no new dead letter, no loop. */
    public String replayFailed(DeadLetter letter, Exception failure) {
        String reason = failure.getMessage();
        store.replayed(letter.id(), "failed again: " + reason);
        return answer(letter, "failed", Map.of("reason", reason == null ? "unknown" : reason));
    }

    /** A failed mail went back on the delivery queue (its delivery decides the rest), or was no longer FAILED. */
    public String requeuedMail(DeadLetter letter, boolean requeued) {
        String mailId = letter.mailId().orElse(letter.payload());
        if (!requeued) {
            store.replayed(letter.id(), "skipped: the mail is no longer failed");
            return answer(letter, "skipped", Map.of("mail_id", mailId, "reason", "the mail is no longer failed"));
        }
        store.replayed(letter.id(), "mail queued for delivery again");
        return answer(letter, "replayed", Map.of("mail_id", mailId));
    }

    public String notReplayable(DeadLetter letter, String why) {
        throw new ApiException(ErrorCode.BAD_REQUEST, "Dead letter " + letter.id() + " cannot be replayed: " + why);
    }

    private String answer(DeadLetter letter, String status, Map<String, String> extra) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", letter.id());
        answer.put("status", status);
        answer.putAll(extra);
        return json.write(answer);
    }

    private static Optional<Long> instant(Map<String, String> query, String name) {
        String value = query.get(name);
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value).toEpochMilli());
        } catch (DateTimeParseException e) {
            throw ApiException.validation(List.of("query", name), name + " must be an ISO-8601 instant such as 2026-11-21T10:00:00Z");
        }
    }

    static Map<String, Object> view(DeadLetter letter) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", letter.id());
        view.put("source", letter.source());
        view.put("reason", letter.reason());
        view.put("payload", letter.payload());
        view.put("properties", letter.properties());
        view.put("mail_id", letter.mailId().orElse(null));
        view.put("replay_count", letter.replayCount());
        view.put("last_replay_at", letter.lastReplayAt().map(at -> Instant.ofEpochMilli(at).toString()).orElse(null));
        view.put("last_replay_result", letter.lastReplayResult().orElse(null));
        view.put("created_at", Instant.ofEpochMilli(letter.createdAt()).toString());
        return view;
    }
}
