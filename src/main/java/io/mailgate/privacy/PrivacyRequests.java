package io.mailgate.privacy;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.http.FidesQuery;
import io.mailgate.security.Secrets;
import io.mailgate.platform.Json;

/**
 * Privacy requests (API.md §6): creation, identity verification, review, and the notices each
 * step sends. Each step answers an Outcome; the flows send its notices and run approved requests.
 */
public class PrivacyRequests {

    private static final SecureRandom RANDOM = new SecureRandom();
    static final int MAX_BULK = 50;
    private static final Pattern CODE = Pattern.compile("[0-9]{6}");

    private final Json json;
    private final PrivacyRequestStore store;
    private final PolicyStore policies;
    private final PrivacySettings settings;
    private final java.util.function.BooleanSupplier validEmailConfig;

    /** @param validEmailConfig whether mail can reach a real mailbox: a usable email config, or SMTP configured */
    public PrivacyRequests(Json json, PrivacyRequestStore store, PolicyStore policies, PrivacySettings settings,
                           java.util.function.BooleanSupplier validEmailConfig) {
        this.json = json;
        this.store = store;
        this.policies = policies;
        this.settings = settings;
        this.validEmailConfig = validEmailConfig;
    }

    /** POST /api/v1/privacy-request (public): up to 50 requests. */
    public Outcome create(Object body) {
        JsonNode items = Bodies.json(json.mapper(), body);
        if (!items.isArray() || items.size() > MAX_BULK) {
            throw ApiException.validation(List.of("body"), "value is not a valid list of at most " + MAX_BULK + " requests");
        }
        BulkAnswer answer = new BulkAnswer();
        List<Notice> notices = new ArrayList<>();
        List<PrivacyRequest> approved = new ArrayList<>();
        for (JsonNode item : items) {
            String problem = PrivacyRequestBodies.problem(item, settings.identityVerificationRequired());
            Optional<Policy> policy = Optional.ofNullable(item.path("policy_key").asText(null)).flatMap(policies::find);
            if (problem == null && policy.isEmpty()) {
                problem = "Policy with key " + item.path("policy_key").asText() + " does not exist";
            }
            if (problem != null) {
                answer.failed(problem, item);
                continue;
            }
            Map<String, String> identity = new LinkedHashMap<>();
            item.get("identity").fields().forEachRemaining(e -> identity.put(e.getKey(), e.getValue().asText()));
            String status = settings.identityVerificationRequired() ? PrivacyRequest.UNVERIFIED : PrivacyRequest.PENDING;
            String id = store.create(item.path("external_id").asText(null), status, policy.get().key(), identity,
                    item.path("language").asText(null), PrivacyRequestBodies.requestedAt(item));
            PrivacyRequest request = store.find(id).orElseThrow();
            if (settings.identityVerificationRequired()) {
                notices.add(verificationNotice(request));
            } else {
                notices.addAll(afterVerification(request, policy.get(), approved));
            }
            answer.succeeded(view(store.find(id).orElseThrow(), policy.get(), null));
        }
        return new Outcome(json.write(answer.toMap()), notices, approved);
    }

    /** POST /{id}/verify {"code"}: 404 unknown, 400 wrong status or no valid code, 403 wrong code. */
    public Outcome verify(String id, Object body) {
        PrivacyRequest request = store.find(id).orElseThrow(() -> unknown(id));
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        String code = root.path("code").asText("");
        if (!request.status().equals(PrivacyRequest.UNVERIFIED)) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "Privacy request " + id + " is " + request.status()
                    + ", not identity_unverified");
        }
        Optional<PrivacyRequestStore.CodeState> state = store.codeState(id);
        if (state.isEmpty() || state.get().expiresAt() < System.currentTimeMillis()
                || state.get().attempts() >= PrivacySettings.MAX_CODE_ATTEMPTS) {
            store.deleteCode(id);
            throw new ApiException(ErrorCode.BAD_REQUEST, "The identity verification code has expired or was used up");
        }
        if (!CODE.matcher(code).matches() || !Secrets.constantTimeEquals(state.get().hash(), Secrets.sha256(id + ":" + code))) {
            int attempts = store.failAttempt(id);
            if (attempts >= PrivacySettings.MAX_CODE_ATTEMPTS) {
                store.deleteCode(id);
            }
            throw new ApiException(ErrorCode.NO_PERMISSION, "Incorrect identification code");
        }
        store.deleteCode(id);
        if (!store.transition(id, PrivacyRequest.UNVERIFIED, PrivacyRequest.PENDING, null)) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "Privacy request " + id + " was verified meanwhile");
        }
        Policy policy = policies.find(request.policyKey()).orElseThrow();
        List<PrivacyRequest> approved = new ArrayList<>();
        List<Notice> notices = afterVerification(store.find(id).orElseThrow(), policy, approved);
        return new Outcome(json.write(view(store.find(id).orElseThrow(), policy, null)), notices, approved);
    }

    /** PATCH administrate/approve {"request_ids"}: each approved one gets the review notice and is then run. */
    public Outcome approve(Object body) {
        BulkAnswer answer = new BulkAnswer();
        List<Notice> notices = new ArrayList<>();
        List<PrivacyRequest> approved = new ArrayList<>();
        for (String id : PrivacyRequestBodies.requestIds(json, body)) {
            Optional<PrivacyRequest> request = store.find(id);
            if (request.isEmpty()) {
                answer.failed("No privacy request found with id " + id, Map.of("id", id));
            } else if (!store.transition(id, PrivacyRequest.PENDING, PrivacyRequest.APPROVED, null)) {
                answer.failed("Cannot approve privacy request " + id + " with status " + request.get().status(), Map.of("id", id));
            } else {
                PrivacyRequest now = store.find(id).orElseThrow();
                reviewNotice(now, "privacy_request_review_approve", Map.of()).ifPresent(notices::add);
                approved.add(now);
                answer.succeeded(view(now, policies.find(now.policyKey()).orElseThrow(), null));
            }
        }
        return new Outcome(json.write(answer.toMap()), notices, approved);
    }

    /** PATCH administrate/deny {"request_ids","reason"}: each denied one gets the review notice with the reason. */
    public Outcome deny(Object body) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        String reason = root.hasNonNull("reason") ? root.get("reason").asText() : null;
        BulkAnswer answer = new BulkAnswer();
        List<Notice> notices = new ArrayList<>();
        for (String id : PrivacyRequestBodies.requestIds(json, body)) {
            Optional<PrivacyRequest> request = store.find(id);
            if (request.isEmpty()) {
                answer.failed("No privacy request found with id " + id, Map.of("id", id));
            } else if (!store.transition(id, PrivacyRequest.PENDING, PrivacyRequest.DENIED, reason)) {
                answer.failed("Cannot deny privacy request " + id + " with status " + request.get().status(), Map.of("id", id));
            } else {
                PrivacyRequest now = store.find(id).orElseThrow();
                Map<String, Object> params = reason == null ? Map.of() : Map.of("reason", reason);
                reviewNotice(now, "privacy_request_review_deny", params).ifPresent(notices::add);
                answer.succeeded(view(now, policies.find(now.policyKey()).orElseThrow(), null));
            }
        }
        return new Outcome(json.write(answer.toMap()), notices, List.of());
    }

    /** After an approved request ran: complete, and the completion notice for a deletion. */
    public List<Notice> complete(PrivacyRequest request) {
        Policy policy = policies.find(request.policyKey()).orElseThrow();
        if (!policy.erases()) {
            // Access packages are not produced by Mailgate: their completion notice, with the links and
            // their expiry, is sent through POST /api/v1/email/send or the mailgate.privacy.email queue.
            return List.of();
        }
        store.transition(request.id(), PrivacyRequest.APPROVED, PrivacyRequest.COMPLETE, null);
        if (!settings.sendCompletion() || request.email().isEmpty()) {
            return List.of();
        }
        return List.of(new Notice(request.id(), "privacy_request_complete_deletion", request.email().get(),
                request.language().orElse(null), Map.of(), "privacy:" + request.id() + ":complete"));
    }

    public void recordFailure(PrivacyRequest request, Exception failure) {
        store.addFailure(request.id(), failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage());
    }

    /** GET /api/v1/privacy-request?request_id=&status=&page=&size= with the mails sent for each. */
    public String list(String rawQuery) {
        Map<String, String> query = FidesQuery.parse(rawQuery);
        int page = FidesQuery.positive(query, "page", 1, Integer.MAX_VALUE);
        int size = FidesQuery.positive(query, "size", 50, 100);
        Optional<String> id = Optional.ofNullable(query.get("request_id")).filter(v -> !v.isEmpty());
        Optional<String> status = Optional.ofNullable(query.get("status")).filter(v -> !v.isEmpty());
        List<PrivacyRequest> requests = store.page(id, status, page, size);
        Map<String, List<Map<String, Object>>> mails = store.mails(requests.stream().map(PrivacyRequest::id).toList());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", requests.stream().map(r -> view(r, policies.find(r.policyKey()).orElse(null), mails.get(r.id())))
                .toList());
        answer.put("total", store.count(id, status));
        answer.put("page", page);
        answer.put("size", size);
        return json.write(answer);
    }

    public String verificationConfig() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("identity_verification_required", settings.identityVerificationRequired());
        answer.put("valid_email_config_exists", validEmailConfig.getAsBoolean());
        return json.write(answer);
    }

    private List<Notice> afterVerification(PrivacyRequest request, Policy policy, List<PrivacyRequest> approved) {
        List<Notice> notices = new ArrayList<>();
        if (settings.sendReceipt() && request.email().isPresent()) {
            notices.add(new Notice(request.id(), "privacy_request_receipt", request.email().get(), request.language().orElse(null),
                    Map.of("request_types", policy.requestTypes()), "privacy:" + request.id() + ":receipt"));
        }
        if (!settings.manualApprovalRequired() && store.transition(request.id(), PrivacyRequest.PENDING, PrivacyRequest.APPROVED, null)) {
            approved.add(store.find(request.id()).orElseThrow());
        }
        return notices;
    }

    private Notice verificationNotice(PrivacyRequest request) {
        String code = String.format("%06d", RANDOM.nextInt(1_000_000));
        store.saveCode(request.id(), Secrets.sha256(request.id() + ":" + code),
                System.currentTimeMillis() + settings.codeTtlSeconds() * 1000);
        Map<String, Object> params = Map.of("code", code, "minutes", Math.max(1, settings.codeTtlSeconds() / 60));
        return new Notice(request.id(), "subject_identity_verification", request.email().orElseThrow(),
                request.language().orElse(null), params, null);
    }

    private Optional<Notice> reviewNotice(PrivacyRequest request, String kind, Map<String, Object> params) {
        if (!settings.sendReview() || request.email().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Notice(request.id(), kind, request.email().get(), request.language().orElse(null), params,
                "privacy:" + request.id() + ":" + kind));
    }

    private static ApiException unknown(String id) {
        return new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No privacy request found with id " + id);
    }

    private static Map<String, Object> view(PrivacyRequest request, Policy policy, List<Map<String, Object>> mails) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", request.id());
        view.put("external_id", request.externalId());
        view.put("status", request.status());
        view.put("policy", policy == null ? Map.of("key", request.policyKey()) : Map.of("key", policy.key(), "name", policy.name()));
        view.put("created_at", Instant.ofEpochMilli(request.createdAt()).toString());
        view.put("reviewed_at", request.reviewedAt().map(at -> Instant.ofEpochMilli(at).toString()).orElse(null));
        view.put("finished_at", request.finishedAt().map(at -> Instant.ofEpochMilli(at).toString()).orElse(null));
        request.denyReason().ifPresent(reason -> view.put("reason", reason));
        view.put("failures", request.failures());
        if (mails != null) {
            view.put("emails", mails);
        }
        return view;
    }
}
