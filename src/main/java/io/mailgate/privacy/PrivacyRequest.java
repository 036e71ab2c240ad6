package io.mailgate.privacy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A data subject's privacy request under a policy, with fidesops' timestamps of each step, what went
 * wrong (failures) and what carrying it out produced (results: the access package, what was masked).
 */
public record PrivacyRequest(String id, String externalId, String status, String policyKey, Map<String, String> identity,
                             Optional<String> language, Optional<Long> requestedAt, Optional<Long> reviewedAt,
                             Optional<String> reviewedBy, Optional<Long> identityVerifiedAt, Optional<Long> startedProcessingAt,
                             Optional<String> denyReason, Optional<Long> finishedAt, List<String> failures, long createdAt,
                             Map<String, Object> results) {

    public static final String UNVERIFIED = "identity_unverified";
    public static final String PENDING = "pending";
    public static final String APPROVED = "approved";
    public static final String DENIED = "denied";
    public static final String IN_PROCESSING = "in_processing";
    public static final String COMPLETE = "complete";
    public static final String ERROR = "error";
    /** fidesops' PrivacyRequestStatus values, for ?status= filters. */
    public static final List<String> STATUSES = List.of(UNVERIFIED, "requires_input", PENDING, APPROVED, DENIED, IN_PROCESSING,
            COMPLETE, "paused", "canceled", ERROR);

    public PrivacyRequest {
        identity = Map.copyOf(identity);
        failures = List.copyOf(failures);
        results = Map.copyOf(results);
    }

    public Optional<String> email() {
        return Optional.ofNullable(identity.get("email"));
    }
}
