package io.mailgate.privacy;

import java.util.Optional;

/** An email connector: a third party Mailgate asks by email to erase a data subject's records. */
public record EmailConnector(String key, String name, String access, boolean disabled, String description,
                         Optional<ConnectionSecrets> secrets, long createdAt, long updatedAt) {

    public boolean writable() {
        return "write".equals(access) && !disabled;
    }

    /** Where erasure requests go, and where a test email goes. */
    public record ConnectionSecrets(String toEmail, String testEmail) {
    }
}
