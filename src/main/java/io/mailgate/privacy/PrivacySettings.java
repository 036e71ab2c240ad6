package io.mailgate.privacy;

/**
 * How privacy requests behave (MAILGATE_IDENTITY_VERIFICATION_REQUIRED and friends), how long an
 * access package's download links last, and where the s3 storage destinations are (an empty endpoint
 * is AWS itself).
 */
public record PrivacySettings(boolean identityVerificationRequired, boolean manualApprovalRequired, boolean sendReceipt,
                              boolean sendReview, boolean sendCompletion, long codeTtlSeconds, int downloadLinkDays,
                              String s3Endpoint, String s3Region) {

    public static final int MAX_CODE_ATTEMPTS = 5;
    /** A presigned S3 link lasts at most seven days (SigV4), so Mailgate's own links do too. */
    public static final int MAX_DOWNLOAD_LINK_DAYS = 7;
}
