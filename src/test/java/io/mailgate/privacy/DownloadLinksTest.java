package io.mailgate.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.security.SecretBox;

/** Mailgate's download links to local access packages: signed over id and expiry, refused once changed or expired. */
class DownloadLinksTest {

    private static final String ID = "0123456789abcdef0123456789abcdef";
    private final SecretBox box = new SecretBox(new byte[32]);
    private final PrivacySettings settings = new PrivacySettings(false, false, true, true, true, 600, 5, "", "us-east-1");

    private AccessPackages packagesAt(long millis) {
        return new AccessPackages(null, null, null, null, null, null, null, null, box, settings, Path.of("/tmp/mailgate-data"),
                "https://mail.example.org/", Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC));
    }

    private String link(long expiresAtMillis) {
        AccessPackages.Package written = new AccessPackages.Package(ID, "r", "local", "local", "json", ID + ".json", new byte[0],
                "application/json", "r.json", null, null, expiresAtMillis, 0);
        return packagesAt(0).localLink(written);
    }

    private static String query(String link) {
        return link.substring(link.indexOf('?') + 1);
    }

    @Test
    void aLinkNamesThePackageItsExpiryAndASignature() {
        String link = link(1_800_000_000_000L);
        assertTrue(link.startsWith("https://mail.example.org/api/v1/access-package/" + ID + "?expires=1800000000&signature="), link);
        assertEquals(43, query(link).replaceAll(".*signature=", "").length(), "256 bits, base64url");
        assertNotEquals(link, link(1_800_000_001_000L), "the signature covers the expiry");
    }

    @Test
    void anExpiredLinkAnswersGone() {
        String query = query(link(1_800_000_000_000L));
        ApiException gone = assertThrows(ApiException.class, () -> packagesAt(1_800_000_000_000L).open(ID, query));
        assertEquals(ErrorCode.GONE, gone.errorCode());
        assertEquals(410, gone.status());
    }

    @Test
    void aChangedLinkIsRefused() {
        String query = query(link(1_800_000_000_000L));
        AccessPackages packages = packagesAt(1_700_000_000_000L);
        Map<String, String> changes = Map.of(
                "a later expiry", query.replace("expires=1800000000", "expires=1900000000"),
                "another signature", query.replaceAll("signature=.", "signature=" + (query.contains("signature=A") ? "B" : "A")),
                "no signature", query.replaceAll("&signature=.*", ""),
                "no expiry", query.replace("expires=1800000000&", ""),
                "a hostile expiry", query.replace("expires=1800000000", "expires=1e99"));
        changes.forEach((change, changed) -> assertEquals(ErrorCode.FORBIDDEN,
                assertThrows(ApiException.class, () -> packages.open(ID, changed), change).errorCode(), change));
        assertEquals(ErrorCode.FORBIDDEN, assertThrows(ApiException.class,
                () -> packages.open("0123456789abcdef0123456789abcdee", query)).errorCode(), "another package");
        assertEquals(ErrorCode.FORBIDDEN, assertThrows(ApiException.class,
                () -> packages.open("../../encryption.key", query)).errorCode(), "not a package id");
        assertEquals(ErrorCode.FORBIDDEN, assertThrows(ApiException.class,
                () -> new AccessPackages(null, null, null, null, null, null, null, null, new SecretBox(new byte[] {
                        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}),
                        settings, Path.of("/tmp"), "https://x", Clock.systemUTC()).open(ID, query)).errorCode(),
                "another instance's key does not sign Mailgate's links");
    }
}
