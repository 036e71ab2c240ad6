package io.mailgate.privacy;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.http.FidesQuery;
import io.mailgate.security.Principal;
import io.mailgate.security.Secrets;

/**
 * Privacy requests as fidesops 1.8.2 handles them (API.md §6): creation, identity verification,
 * review, carrying them out (in_processing → complete, or error with its failures), retry after an
 * error, and the notices each step sends. Each step answers an Outcome; the flows send its notices
 * and run the requests it lets go.
 */
public class PrivacyRequests {

    private static final SecureRandom RANDOM = new SecureRandom();
    static final int MAX_BULK = 50;
    private static final Pattern CODE = Pattern.compile("[0-9]{6}");

    private final io.mailgate.security.LoginThrottle throttle;
    private final Json json;
    private final PrivacyRequestStore store;
    private final PolicyStore policies;
    private final PrivacySettings settings;
    private final java.util.function.BooleanSupplier validEmailConfig;
    private final Function<String, Optional<String>> usernames;
    private final Function<Policy, Map<String, Object>> policyViews;

    /**
     * @param validEmailConfig whether mail can reach a real mailbox: a usable email config, or SMTP configured
     * @param usernames a reviewer's user name by user id, for the {@code reviewer} of an answer
     * @param policyViews a policy as fidesops answers it, rules included
     */
    public PrivacyRequests(Json json, PrivacyRequestStore store, PolicyStore policies, PrivacySettings settings,
                           java.util.function.BooleanSupplier validEmailConfig, Function<String, Optional<String>> usernames,
                           Function<Policy, Map<String, Object>> policyViews, io.mailgate.security.LoginThrottle throttle) {
        this.policyViews = policyViews;
        this.throttle = throttle;
        this.json = json;
        this.store = store;
        this.policies = policies;
        this.settings = settings;
        this.validEmailConfig = validEmailConfig;
        this.usernames = usernames;
    }

    /**
     * POST /api/v1/privacy-request (public): up to 50 requests. Public, so limited: an address that made
     * too many requests waits (429), and an identity gets at most three verification mails an hour (the
     * item fails, no mail goes out), so that no one can mail-bomb an address through Mailgate.
     */
    public Outcome create(Object body, Object remote) {
        String address = io.mailgate.security.LoginThrottle.address(remote);
        throttle.check(address);
        JsonNode items = Bodies.json(json.mapper(), body);
        PrivacyRequestBodies.checkCreate(items, settings.identityVerificationRequired());
        throttle.failed(address);
        BulkAnswer answer = new BulkAnswer();
        List<Notice> notices = new ArrayList<>();
        List<PrivacyRequest> toRun = new ArrayList<>();
        for (JsonNode item : items) {
            Map<String, String> identity = PrivacyRequestBodies.identity(item);
            if (identity.isEmpty()) {
                answer.failed("You must provide at least one identity to process", item);
                continue;
            }
            Optional<Policy> policy = policies.find(item.get("policy_key").asText());
            if (policy.isEmpty()) {
                answer.failed("Policy with key " + item.get("policy_key").asText() + " does not exist", item);
                continue;
            }
            if (settings.identityVerificationRequired() && !identity.containsKey("email")) {
                answer.failed("Identity verification needs an email to send the code to", item);
                continue;
            }
            String mailed = identity.get("email") == null ? null : io.mailgate.security.LoginThrottle.identity(identity.get("email"));
            if (mailed != null && throttle.blocked(mailed)) {
                answer.failed("Too many privacy requests for this identity; try again later", item);
                continue;
            }
            String status = settings.identityVerificationRequired() ? PrivacyRequest.UNVERIFIED : PrivacyRequest.PENDING;
            String id = store.create(item.hasNonNull("external_id") ? item.get("external_id").asText() : null, status,
                    policy.get().key(), identity, item.hasNonNull("language") ? item.get("language").asText() : null,
                    PrivacyRequestBodies.requestedAt(item));
            PrivacyRequest request = store.find(id).orElseThrow();
            if (settings.identityVerificationRequired() && !validEmailConfig.getAsBoolean()) {
                // fidesops: the code cannot be mailed without an email config; the request stays unverified.
                Map<String, Object> data = new LinkedHashMap<>(json.mapper().convertValue(item, Map.class));
                data.put("status", PrivacyRequest.UNVERIFIED);
                data.put("privacy_request_id", id);
                answer.failed("Verification email could not be sent.", data);
                continue;
            }
            if (mailed != null) {
                throttle.failed(mailed);
            }
            if (settings.identityVerificationRequired()) {
                notices.add(verificationNotice(request));
            } else {
                notices.addAll(afterVerification(request, policy.get(), toRun));
            }
            answer.succeeded(view(request, policy.get(), null, false));
        }
        return new Outcome(json.write(answer.toMap()), notices, toRun);
    }

    /** POST /{id}/verify {"code"}: 404 unknown, 400 wrong status or no valid code, 403 wrong code. */
    public Outcome verify(String id, Object body, Object remote) {
        String address = io.mailgate.security.LoginThrottle.address(remote);
        throttle.check(address);
        PrivacyRequest request = find(id);
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        if (!root.path("code").isTextual() && !root.path("code").isNumber()) {
            throw ApiException.validation(List.of("body", "code"), "field required");
        }
        String code = root.get("code").asText();
        if (!request.status().equals(PrivacyRequest.UNVERIFIED)) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "Invalid identity verification request. Privacy request '" + id
                    + "' status = " + request.status() + ".");
        }
        Optional<PrivacyRequestStore.CodeState> state = store.codeState(id);
        if (state.isEmpty() || state.get().expiresAt() < System.currentTimeMillis()
                || state.get().attempts() >= PrivacySettings.MAX_CODE_ATTEMPTS) {
            store.deleteCode(id);
            throw new ApiException(ErrorCode.BAD_REQUEST, "Identification code expired for " + id + ".");
        }
        if (!CODE.matcher(code).matches() || !Secrets.constantTimeEquals(state.get().hash(), Secrets.sha256(id + ":" + code))) {
            throttle.failed(address);
            int attempts = store.failAttempt(id);
            if (attempts >= PrivacySettings.MAX_CODE_ATTEMPTS) {
                store.deleteCode(id);
            }
            throw new ApiException(ErrorCode.FORBIDDEN, "Incorrect identification code for '" + id + "'");
        }
        store.deleteCode(id);
        if (!store.verified(id)) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "Invalid identity verification request. Privacy request '" + id
                    + "' status = " + find(id).status() + ".");
        }
        Policy policy = policies.find(request.policyKey()).orElseThrow();
        List<PrivacyRequest> toRun = new ArrayList<>();
        PrivacyRequest verified = find(id);
        List<Notice> notices = afterVerification(verified, policy, toRun);
        return new Outcome(json.write(view(verified, policy, null, false)), notices, toRun);
    }

    /** PATCH administrate/approve {"request_ids"}: each approved one gets the review notice and is then run. */
    public Outcome approve(Object body, Principal reviewer) {
        BulkAnswer answer = new BulkAnswer();
        List<Notice> notices = new ArrayList<>();
        List<PrivacyRequest> toRun = new ArrayList<>();
        for (String id : PrivacyRequestBodies.requestIds(json, body, false)) {
            Optional<PrivacyRequest> request = review(id, PrivacyRequest.APPROVED, reviewer, null, answer);
            request.ifPresent(now -> {
                reviewNotice(now, "privacy_request_review_approve", Map.of()).ifPresent(notices::add);
                toRun.add(now);
            });
        }
        return new Outcome(json.write(answer.toMap()), notices, toRun);
    }

    /** PATCH administrate/deny {"request_ids","reason"}: each denied one gets the review notice with the reason. */
    public Outcome deny(Object body, Principal reviewer) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        String reason = root.hasNonNull("reason") ? root.get("reason").asText() : null;
        BulkAnswer answer = new BulkAnswer();
        List<Notice> notices = new ArrayList<>();
        for (String id : PrivacyRequestBodies.requestIds(json, body, true)) {
            Optional<PrivacyRequest> request = review(id, PrivacyRequest.DENIED, reviewer, reason, answer);
            request.ifPresent(now -> {
                Map<String, Object> params = reason == null ? Map.of() : Map.of("reason", reason);
                reviewNotice(now, "privacy_request_review_deny", params).ifPresent(notices::add);
            });
        }
        return new Outcome(json.write(answer.toMap()), notices, List.of());
    }

    private Optional<PrivacyRequest> review(String id, String status, Principal reviewer, String reason, BulkAnswer answer) {
        Optional<PrivacyRequest> request = store.find(id);
        if (request.isEmpty()) {
            answer.failed("No privacy request found with id '" + id + "'", Map.of("privacy_request_id", id));
            return Optional.empty();
        }
        if (!store.reviewed(id, status, reviewer.userId(), reason)) {
            PrivacyRequest current = find(id);
            answer.failed("Cannot transition status", view(current, policies.find(current.policyKey()).orElse(null), null, false));
            return Optional.empty();
        }
        PrivacyRequest now = find(id);
        answer.succeeded(view(now, policies.find(now.policyKey()).orElse(null), null, false));
        return Optional.of(now);
    }

    /** POST /{id}/retry: a request that ended in error runs again; what it already mailed is not mailed twice. */
    public Outcome retry(String id) {
        PrivacyRequest request = find(id);
        if (!request.status().equals(PrivacyRequest.ERROR)) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "Cannot restart privacy request from failure: privacy request '" + id
                    + "' status = " + request.status() + ".");
        }
        if (request.failures().isEmpty()) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "Cannot restart privacy request from failure '" + id
                    + "'; no failed step or collection.");
        }
        if (!store.started(id)) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "Cannot restart privacy request from failure: privacy request '" + id
                    + "' status = " + find(id).status() + ".");
        }
        PrivacyRequest restarted = find(id);
        return new Outcome(json.write(view(restarted, policies.find(restarted.policyKey()).orElse(null), null, false)), List.of(),
                List.of(restarted));
    }

    /**
     * Starts carrying out a request (in_processing); null when another run has it, or it is no longer
     * to be run. A retry was started by {@link #retry} already.
     */
    public PrivacyRequest start(PrivacyRequest request) {
        PrivacyRequest current = find(request.id());
        if (current.status().equals(PrivacyRequest.IN_PROCESSING)) {
            return current;
        }
        return store.started(request.id()) ? find(request.id()) : null;
    }

    public boolean accesses(PrivacyRequest request) {
        return policies.find(request.policyKey()).map(Policy::accesses).orElse(false);
    }

    public boolean erases(PrivacyRequest request) {
        return policies.find(request.policyKey()).map(Policy::erases).orElse(false);
    }

    /**
     * After a request ran: complete (with its completion notices) when nothing failed, else error, and
     * no notice: the subject hears once all is done, after a retry if need be.
     */
    public List<Notice> finish(PrivacyRequest request) {
        PrivacyRequest current = find(request.id());
        if (!current.failures().isEmpty()) {
            store.finished(request.id(), PrivacyRequest.ERROR);
            return List.of();
        }
        if (settings.sendCompletion() && (current.email().isEmpty() || !validEmailConfig.getAsBoolean())) {
            // fidesops: a completion email that cannot be sent leaves the request in error. A retry, once an
            // email config exists, sends it (the step after the erasure emails in fidesops' order).
            store.addFailure(request.id(), current.email().isEmpty()
                    ? "Identity email was not found, so request completion email could not be sent."
                    : "No email config exists, so request completion email could not be sent.");
            store.addResult(request.id(), "failed_step", "post_webhooks");
            store.finished(request.id(), PrivacyRequest.ERROR);
            return List.of();
        }
        if (!store.finished(request.id(), PrivacyRequest.COMPLETE) || !settings.sendCompletion()) {
            return List.of();
        }
        Policy policy = policies.find(request.policyKey()).orElseThrow();
        List<Notice> notices = new ArrayList<>();
        Object access = current.results().get("access");
        if (policy.accesses() && access instanceof Map<?, ?> package_) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("download_links", package_.get("download_links"));
            params.put("days", package_.get("days"));
            notices.add(new Notice(request.id(), "privacy_request_complete_access", current.email().get(),
                    current.language().orElse(null), params, "privacy:" + request.id() + ":complete:access"));
        }
        if (policy.erases()) {
            notices.add(new Notice(request.id(), "privacy_request_complete_deletion", current.email().get(),
                    current.language().orElse(null), Map.of(), "privacy:" + request.id() + ":complete"));
        }
        return notices;
    }

    /**
     * Records a failed step (fidesops' CurrentStep: access, erasure, erasure_email_post_send): the request
     * ends in error, answers it as action_required_details, and a retry runs it again.
     */
    public void recordFailure(PrivacyRequest request, String step, Exception failure) {
        store.addFailure(request.id(), failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage());
        store.addResult(request.id(), "failed_step", step);
    }

    /**
     * GET /api/v1/privacy-request with fidesops' filters: request_id and external_id (prefixes), status
     * (any of several), identity, created/started/completed/errored _lt and _gt, include_identities.
     */
    public String list(String rawQuery) {
        Map<String, String> query = FidesQuery.parse(rawQuery);
        int page = FidesQuery.positive(query, "page", 1, Integer.MAX_VALUE / 100);
        int size = FidesQuery.positive(query, "size", 50, 100);
        List<String> statuses = FidesQuery.parseAll(rawQuery).getOrDefault("status", List.of());
        statuses.forEach(status -> FidesQuery.oneOf(status, "status", PrivacyRequest.STATUSES));
        boolean identities = FidesQuery.bool(query, "include_identities", false);
        boolean verbose = FidesQuery.bool(query, "verbose", false);
        Map<String, Long> times = new LinkedHashMap<>();
        for (String name : List.of("created_lt", "created_gt", "started_lt", "started_gt", "completed_lt", "completed_gt",
                "errored_lt", "errored_gt")) {
            times.put(name, PrivacyRequestBodies.time(query.get(name), name));
        }
        if ((times.get("completed_lt") != null || times.get("completed_gt") != null)
                && (times.get("errored_lt") != null || times.get("errored_gt") != null)) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "Cannot specify both succeeded and failed query params.");
        }
        for (String field : List.of("created", "completed", "errored", "started")) {
            Long before = times.get(field + "_lt");
            Long after = times.get(field + "_gt");
            if (before != null && after != null && before < after) {
                throw new ApiException(ErrorCode.BAD_REQUEST, "Value specified for " + field + "_lt: " + pythonTime(before)
                        + " must be after " + field + "_gt: " + pythonTime(after) + ".");
            }
        }
        PrivacyRequestStore.Filter filter = new PrivacyRequestStore.Filter(emptyToNull(query.get("request_id")),
                emptyToNull(query.get("external_id")), statuses, emptyToNull(query.get("identity")), times.get("created_lt"),
                times.get("created_gt"), times.get("started_lt"), times.get("started_gt"), times.get("completed_lt"),
                times.get("completed_gt"), times.get("errored_lt"), times.get("errored_gt"));
        List<PrivacyRequest> requests = store.page(filter, page, size);
        Map<String, List<Map<String, Object>>> mails = store.mails(requests.stream().map(PrivacyRequest::id).toList());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", requests.stream().map(r -> {
            Map<String, Object> view = view(r, policies.find(r.policyKey()).orElse(null), mails.getOrDefault(r.id(), List.of()),
                    identities);
            if (verbose) {
                view.put("results", results(r));
            }
            return view;
        }).toList());
        answer.put("total", store.count(filter));
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

    private List<Notice> afterVerification(PrivacyRequest request, Policy policy, List<PrivacyRequest> toRun) {
        List<Notice> notices = new ArrayList<>();
        if (settings.sendReceipt() && request.email().isPresent()) {
            notices.add(new Notice(request.id(), "privacy_request_receipt", request.email().get(), request.language().orElse(null),
                    Map.of("request_types", policy.requestTypes()), "privacy:" + request.id() + ":receipt"));
        }
        if (!settings.manualApprovalRequired()) {
            toRun.add(request);
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

    private PrivacyRequest find(String id) {
        return store.find(id).orElseThrow(() -> new ApiException(ErrorCode.RESOURCE_UNKNOWN,
                "No privacy request found with id '" + id + "'."));
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** fidesops' PrivacyRequestResponse; a list adds the mails sent for each request (API.md §6). */
    private Map<String, Object> view(PrivacyRequest request, Policy policy, List<Map<String, Object>> mails, boolean identities) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", request.id());
        view.put("created_at", time(request.createdAt()));
        view.put("started_processing_at", request.startedProcessingAt().map(PrivacyRequests::time).orElse(null));
        view.put("reviewed_at", request.reviewedAt().map(PrivacyRequests::time).orElse(null));
        view.put("reviewed_by", request.reviewedBy().orElse(null));
        view.put("reviewer", request.reviewedBy().flatMap(id -> usernames.apply(id).map(name -> Map.of("id", id, "username", name)))
                .orElse(null));
        view.put("finished_processing_at", request.finishedAt().map(PrivacyRequests::time).orElse(null));
        view.put("identity_verified_at", request.identityVerifiedAt().map(PrivacyRequests::time).orElse(null));
        view.put("paused_at", null);
        view.put("status", request.status());
        view.put("external_id", request.externalId());
        view.put("identity", identities ? request.identity() : null);
        Map<String, Object> policyView = new LinkedHashMap<>();
        if (policy != null) {
            policyView.putAll(policyViews.apply(policy));
        } else {
            policyView.put("name", null);
            policyView.put("key", request.policyKey());
            policyView.put("drp_action", null);
            policyView.put("execution_timeframe", null);
            policyView.put("rules", List.of());
        }
        view.put("policy", policyView);
        boolean error = request.status().equals(PrivacyRequest.ERROR);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("step", request.results().getOrDefault("failed_step", "erasure_email_post_send"));
        details.put("collection", null);
        details.put("action_needed", null);
        view.put("action_required_details", error ? details : null);
        view.put("resume_endpoint", error ? "/privacy-request/" + request.id() + "/retry" : null);
        view.put("days_left", null);
        if (mails != null) {
            view.put("emails", mails);
        }
        return view;
    }

    /**
     * With verbose=true, what carrying the request out produced (Mailgate's results, not fidesops'
     * execution logs): the access packages' links and days, what was masked, the failures and the
     * reason of a denial.
     */
    private static Map<String, Object> results(PrivacyRequest request) {
        Map<String, Object> results = new LinkedHashMap<>(request.results());
        results.put("failures", request.failures());
        request.denyReason().ifPresent(reason -> results.put("denial_reason", reason));
        return results;
    }

    /** How Python prints an aware datetime: fidesops' messages quote the parsed value so. */
    static String pythonTime(long millis) {
        java.time.OffsetDateTime time = Instant.ofEpochMilli(millis).atOffset(java.time.ZoneOffset.UTC);
        String text = time.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
        if (time.getNano() != 0) {
            text += String.format(".%06d", time.getNano() / 1000);
        }
        return text + "+00:00";
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
