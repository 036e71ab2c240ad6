package io.mailgate.privacy;

import java.util.Optional;

/**
 * An email connector: a third party Mailgate asks by email to erase a data subject's records, and
 * what its last test email showed ({@code lastTestSucceeded} empty until tested).
 */
public record EmailConnector(String key, String name, String access, boolean disabled, String description,
                             Optional<ConnectionSecrets> secrets, long createdAt, long updatedAt,
                             Optional<Long> lastTestTimestamp, Optional<Boolean> lastTestSucceeded) {

    public boolean writable() {
        return "write".equals(access) && !disabled;
    }

    /** fidesops' EmailSchema: where erasure requests go, where a test email goes, and an optional url. */
    public record ConnectionSecrets(String url, String toEmail, String testEmail) {
    }
}
