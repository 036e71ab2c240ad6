package io.mailgate.privacy;

/** How privacy requests behave (MAILGATE_IDENTITY_VERIFICATION_REQUIRED and friends). */
public record PrivacySettings(boolean identityVerificationRequired, boolean manualApprovalRequired, boolean sendReceipt,
                              boolean sendReview, boolean sendCompletion, long codeTtlSeconds) {

    public static final int MAX_CODE_ATTEMPTS = 5;
}
