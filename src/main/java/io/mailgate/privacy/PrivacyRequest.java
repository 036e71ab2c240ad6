package io.mailgate.privacy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A data subject's privacy request under a policy. */
public record PrivacyRequest(String id, String externalId, String status, String policyKey, Map<String, String> identity,
                             Optional<String> language, Optional<Long> requestedAt, Optional<Long> reviewedAt,
                             Optional<String> denyReason, Optional<Long> finishedAt, List<String> failures, long createdAt) {

    public static final String UNVERIFIED = "identity_unverified";
    public static final String PENDING = "pending";
    public static final String APPROVED = "approved";
    public static final String DENIED = "denied";
    public static final String COMPLETE = "complete";

    public PrivacyRequest {
        identity = Map.copyOf(identity);
        failures = List.copyOf(failures);
    }

    public Optional<String> email() {
        return Optional.ofNullable(identity.get("email"));
    }
}
