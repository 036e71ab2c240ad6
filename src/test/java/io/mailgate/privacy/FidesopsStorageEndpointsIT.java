package io.mailgate.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.support.Api;
import io.mailgate.support.Fides;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.S3Emulator;

/**
 * fidesops 1.8.2's tests/ops/api/v1/endpoints/test_storage_endpoints.py, replayed: the same requests
 * and assertions (the upload endpoint and OneTrust destinations aside: Mailgate writes packages
 * itself, to local and s3 destinations). Secrets are verified against a real S3 emulator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FidesopsStorageEndpointsIT {

    private static final String URL = "/api/v1/storage/config";

    private S3Emulator s3;
    private MailgateInstance mailgate;
    private Fides fides;

    @BeforeAll
    void start() {
        s3 = S3Emulator.start("some-bucket");
        // No email config here: completion notices are off, so requests complete without one.
        mailgate = MailgateInstance.start(Map.of("mailgate.storage.s3.endpoint", s3.endpoint(),
                "mailgate.privacy.send-completion-notification", "false"));
        fides = new Fides(mailgate.api(), mailgate.api().rootToken());
        // fidesops' storage_config fixture, made through the API, which wants an object_name (the fixture skips the schema).
        assertEquals(200, fides.patch(URL, List.of(Map.of("name", "My S3 storage", "key", "my_test_config", "type", "s3",
                "details", Map.of("auth_method", "secret_keys", "bucket", "test_bucket", "naming", "request_id",
                        "object_name", "requests")))).status());
    }

    @AfterAll
    void stop() {
        if (mailgate != null) {
            mailgate.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private static List<Map<String, Object>> payload() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("auth_method", "secret_keys");
        details.put("bucket", "some-bucket");
        details.put("object_name", "requests");
        details.put("naming", "some-filename-convention-enum");
        details.put("max_retries", 10);
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("name", "test destination");
        item.put("type", "s3");
        item.put("details", details);
        item.put("format", "csv");
        return new ArrayList<>(List.of(item));
    }

    private Fides scoped(String... scopes) {
        return fides.as(fides.api().tokenWithScopes(scopes));
    }

    @Test
    void patchNeedsAuthenticationAndTheScope() {
        assertEquals(401, fides.as(null).patch(URL, payload()).status());
        assertEquals(403, scoped("storage:read").patch(URL, payload()).status());
    }

    @Test
    void oneTrustAndLocalDestinationsTakeJsonOnly() {
        Api.Response onetrust = fides.patch(URL, List.of(Map.of("name", "my test destination", "type", "onetrust",
                "details", Map.of("service_name", "a-service", "onetrust_polling_hr", 1, "onetrust_polling_day_of_week", 1),
                "format", "csv")));
        assertEquals(422, onetrust.status());
        assertEquals("Only JSON upload format is supported for OneTrust and local storage destinations.",
                onetrust.json().get("detail").get(0).get("msg").asText());
        Api.Response local = fides.patch(URL, List.of(Map.of("name", "local csv", "type", "local",
                "details", Map.of("naming", "request_id"), "format", "csv")));
        assertEquals(422, local.status());
    }

    @Test
    void withoutAKeyTheNameGivesIt() {
        Api.Response response = scoped("storage:create_or_update").patch(URL, payload());
        assertEquals(200, response.status(), response.body());
        assertEquals("test_destination", response.json().get("succeeded").get(0).get("key").asText());
        assertEquals(204, fides.delete(URL + "/test_destination").status(), "cleaned up, as fidesops' test does");
    }

    @Test
    void anInvalidKeyIsRefused() {
        List<Map<String, Object>> payload = payload();
        payload.get(0).put("key", "*invalid-key");
        Api.Response response = fides.patch(URL, payload);
        assertEquals(422, response.status());
        assertEquals("FidesKey must only contain alphanumeric characters, '.', '_' or '-'.",
                response.json().get("detail").get(0).get("msg").asText());
    }

    @Test
    void fiftyAtMost() {
        List<Map<String, Object>> payload = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            payload.add(Map.of("name", "my test destination " + i, "type", "onetrust", "details", Map.of("bucket", "some-bucket",
                    "object_name", "requests", "naming", "some-filename-convention-enum", "max_retries", 10), "format", "csv"));
        }
        Api.Response response = fides.patch(URL, payload);
        assertEquals(422, response.status());
        assertEquals("ensure this value has at most 50 items", response.json().get("detail").get(0).get("msg").asText());
    }

    @Test
    void withAKeyTheDestinationIsAnsweredAsSent() {
        List<Map<String, Object>> payload = payload();
        payload.get(0).put("key", "my_s3_bucket");
        Api.Response response = fides.patch(URL, payload);
        assertEquals(200, response.status());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("succeeded", List.of(Map.of("name", "test destination", "type", "s3", "details", Map.of(
                "auth_method", "secret_keys", "bucket", "some-bucket", "naming", "some-filename-convention-enum",
                "max_retries", 10, "object_name", "requests"), "key", "my_s3_bucket", "format", "csv")));
        expected.put("failed", List.of());
        assertEquals(Api.JSON.valueToTree(expected), response.json());
        assertEquals(204, fides.delete(URL + "/my_s3_bucket").status(), "cleaned up, as fidesops' test does");
    }

    @Test
    void bothAuthMethods() {
        for (String method : List.of("automatic", "secret_keys")) {
            List<Map<String, Object>> payload = payload();
            payload.get(0).put("key", "auth_" + method);
            payload.get(0).put("name", "auth " + method);
            @SuppressWarnings("unchecked")
            Map<String, Object> details = (Map<String, Object>) payload.get(0).get("details");
            details.put("auth_method", method);
            Api.Response response = fides.patch(URL, payload);
            assertEquals(200, response.status());
            assertEquals(method, response.json().get("succeeded").get(0).get("details").get("auth_method").asText());
        }
    }

    @Test
    void theFormatIsJsonWhenNotSaid() {
        List<Map<String, Object>> payload = payload();
        payload.get(0).remove("format");
        payload.get(0).put("key", "my_s3_upload");
        payload.get(0).put("name", "my-test-dest");
        for (int i = 0; i < 2; i++) {
            Api.Response response = fides.patch(URL, payload);
            assertEquals(200, response.status());
            assertEquals("json", response.json().get("succeeded").get(0).get("format").asText());
        }
    }

    @Test
    void aMissingDetailIsNamed() {
        Api.Response response = fides.patch(URL, List.of(Map.of("key", "my_s3_upload", "name", "my-test-dest", "type", "s3",
                "details", Map.of("auth_method", "secret_keys", "object_name", "some-object", "naming", "request_id",
                        "max_retries", 10))));
        assertEquals(422, response.status());
        JsonNode error = response.json().get("detail").get(0);
        assertTrue(error.get("loc").toString().contains("details"));
        assertEquals("[\"field required ('bucket',)\"]", error.get("msg").asText());
    }

    @Test
    void hostileDetailsAreRefusedNotStored() {
        String longName = "n".repeat(256);
        assertEquals(422, fides.patch(URL, List.of(Map.of("name", longName, "type", "local", "details", Map.of()))).status());
        assertEquals(422, fides.patch(URL, List.of(Map.of("name", "x", "type", "s3", "details", Map.of("auth_method",
                "secret_keys", "bucket", "evil?amazonS3Client=#other", "object_name", "o")))).status(),
                "a bucket goes into an endpoint URI: only bucket names pass");
        assertEquals(422, fides.patch(URL, List.of(Map.of("name", "x", "type", "s3", "details", Map.of("auth_method",
                "secret_keys", "bucket", "b-u-c", "object_name", "o".repeat(256))))).status());
        assertEquals(422, fides.patch(URL, List.of(Map.of("name", "x", "type", "s3", "details", Map.of("auth_method",
                "secret_keys", "bucket", "b-u-c", "object_name", "o", "surprise", 1)))).status());
        assertEquals(422, fides.patch(URL, List.of(Map.of("name", "x", "type", "gcs", "details", Map.of()))).status());
        assertEquals(422, fides.patch(URL, "{not json").status());
        assertEquals(422, fides.patch(URL, Map.of("name", "not a list")).status());
        assertEquals(404, fides.get(URL + "/x" + longName).status());
    }

    // ---- secrets ----------------------------------------------------------------------------------

    private static Map<String, Object> secrets() {
        return Map.of("aws_access_key_id", "1345234524", "aws_secret_access_key", "23451345834789");
    }

    @Test
    void secretsNeedAuthenticationTheScopeAndAKnownConfig() {
        String url = URL + "/my_test_config/secret";
        assertEquals(401, fides.as(null).put(url, secrets()).status());
        assertEquals(403, scoped("storage:read").put(url, secrets()).status());
        Api.Response unknown = fides.put(URL + "/invalid_key/secret", secrets());
        assertEquals(404, unknown.status());
        assertEquals("No storage configuration with key invalid_key.", unknown.json().get("detail").asText());
    }

    @Test
    void invalidSecretKeysAreListed() {
        Api.Response response = fides.put(URL + "/my_test_config/secret?verify=False", Map.of("bad_key", "12345"));
        assertEquals(400, response.status());
        assertEquals(Api.JSON.valueToTree(Map.of("detail", List.of("field required ('aws_access_key_id',)",
                "field required ('aws_secret_access_key',)", "extra fields not permitted ('bad_key',)"))), response.json());
    }

    @Test
    void secretsWithoutVerifying() {
        Api.Response response = fides.put(URL + "/my_test_config/secret?verify=False", secrets());
        assertEquals(200, response.status());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("msg", "Secrets updated for StorageConfig with key: my_test_config.");
        expected.put("test_status", null);
        expected.put("failure_reason", null);
        assertEquals(Api.JSON.valueToTree(expected), response.json());
        assertFalse(fides.get(URL + "/my_test_config").body().contains("23451345834789"), "secrets are never answered");
        assertEquals(422, fides.put(URL + "/my_test_config/secret?verify=maybe", secrets()).status());
    }

    @Test
    void secretsVerifiedAgainstTheBucket() {
        fides.patch(URL, List.of(Map.of("name", "Emulated", "key", "emulated", "type", "s3", "details", Map.of(
                "auth_method", "secret_keys", "bucket", "some-bucket", "object_name", "requests"))));
        Api.Response good = fides.put(URL + "/emulated/secret", Map.of("aws_access_key_id", S3Emulator.ACCESS_KEY,
                "aws_secret_access_key", S3Emulator.SECRET_KEY));
        assertEquals(200, good.status(), good.body());
        assertEquals("succeeded", good.json().get("test_status").asText());
        Api.Response bad = fides.put(URL + "/emulated/secret", secrets());
        assertEquals("failed", bad.json().get("test_status").asText());
        assertEquals("Secrets updated for StorageConfig with key: emulated.", bad.json().get("msg").asText());
    }

    @Test
    void localDestinationsHaveNoSecrets() {
        fides.patch(URL, List.of(Map.of("name", "Local", "key", "local_dest", "type", "local", "details", Map.of("naming", "request_id"))));
        Api.Response response = fides.put(URL + "/local_dest/secret", secrets());
        assertEquals(400, response.status());
        assertTrue(response.json().get("detail").asText().contains("has no supported `secrets` validation"));
    }

    // ---- get and delete ---------------------------------------------------------------------------

    @Test
    void listAndOne() {
        assertEquals(401, fides.as(null).get(URL).status());
        assertEquals(403, scoped("storage:delete").get(URL).status());
        Api.Response list = scoped("storage:read").get(URL);
        assertEquals(200, list.status());
        Map<String, Object> fixture = new LinkedHashMap<>();
        fixture.put("name", "My S3 storage");
        fixture.put("type", "s3");
        fixture.put("details", Map.of("auth_method", "secret_keys", "bucket", "test_bucket", "naming", "request_id",
                "object_name", "requests"));
        fixture.put("key", "my_test_config");
        fixture.put("format", "json");
        JsonNode expected = Api.JSON.valueToTree(fixture);
        boolean listed = false;
        for (JsonNode item : list.json().get("items")) {
            listed |= item.equals(expected);
        }
        assertTrue(listed, list.body());
        assertEquals(1, list.json().get("page").asInt());
        assertEquals(50, list.json().get("size").asInt());

        assertEquals(401, fides.as(null).get(URL + "/my_test_config").status());
        assertEquals(403, scoped("storage:delete").get(URL + "/my_test_config").status());
        Api.Response invalid = scoped("storage:read").get(URL + "/invalid");
        assertEquals(404, invalid.status());
        assertEquals("No configuration with key invalid.", invalid.json().get("detail").asText());
        assertEquals(expected, scoped("storage:read").get(URL + "/my_test_config").json());
    }

    @Test
    void delete() {
        fides.patch(URL, List.of(Map.of("name", "My S3 Storage", "key", "my_storage_config", "type", "s3",
                "details", Map.of("naming", "request_id", "bucket", "test_bucket", "auth_method", "automatic", "object_name", "o"))));
        assertEquals(401, fides.as(null).delete(URL + "/my_storage_config").status());
        assertEquals(403, scoped("storage:read").delete(URL + "/my_storage_config").status());
        assertEquals(404, scoped("storage:delete").delete(URL + "/invalid").status());
        assertEquals(204, scoped("storage:delete").delete(URL + "/my_storage_config").status());
        assertEquals(404, fides.get(URL + "/my_storage_config").status());
    }

    @Test
    void aDestinationInUseStays() {
        fides.patch(URL, List.of(Map.of("name", "In use", "key", "in_use", "type", "local", "details", Map.of())));
        fides.patch("/api/v1/policy", List.of(Map.of("name", "Uses storage", "key", "uses_storage")));
        Api.Response rule = fides.patch("/api/v1/policy/uses_storage/rule", List.of(Map.of("name", "Access", "key", "uses_storage_access",
                "action_type", "access", "storage_destination_key", "in_use")));
        assertEquals("in_use", rule.json().get("succeeded").get(0).get("storage_destination").get("key").asText(), rule.body());
        Api.Response refused = fides.delete(URL + "/in_use");
        assertEquals(400, refused.status());
        assertEquals(200, fides.get(URL + "/in_use").status());
    }

    // ---- an access package in S3 ------------------------------------------------------------------

    @Test
    void anAccessRequestWritesItsPackageToS3WithAPresignedLink() throws Exception {
        fides.patch(URL, List.of(Map.of("name", "Packages", "key", "packages", "type", "s3", "format", "csv", "details", Map.of(
                "auth_method", "secret_keys", "bucket", "some-bucket", "object_name", "requests", "max_retries", 1))));
        assertEquals("succeeded", fides.put(URL + "/packages/secret", Map.of("aws_access_key_id", S3Emulator.ACCESS_KEY,
                "aws_secret_access_key", S3Emulator.SECRET_KEY)).json().get("test_status").asText());
        fides.patch("/api/v1/policy", List.of(Map.of("name", "S3 access", "key", "s3_access")));
        fides.patch("/api/v1/policy/s3_access/rule", List.of(Map.of("name", "To S3", "key", "to_s3", "action_type", "access",
                "storage_destination_key", "packages")));
        fides.patch("/api/v1/policy/s3_access/rule/to_s3/target", List.of(Map.of("name", "User", "key", "user", "data_category", "user")));
        Api api = fides.api();
        Map<String, Object> mail = Map.of("recipients", Map.of("to", List.of("s3-subject@example.com")), "subject", "Hello, \"S3\"",
                "body", "=cmd|' /C calc'!A0");
        assertEquals(200, api.postJson("/mail/v1/", api.rootToken(), mail).status());

        String id = fides.as(null).post("/api/v1/privacy-request", List.of(Map.of("policy_key", "s3_access",
                "identity", Map.of("email", "s3-subject@example.com")))).json().get("succeeded").get(0).get("id").asText();
        JsonNode[] results = new JsonNode[1];
        io.mailgate.support.Waiter.until(java.time.Duration.ofSeconds(30), "the request to complete", () -> {
            JsonNode item = fides.get("/api/v1/privacy-request?request_id=" + id + "&verbose=true").json().get("items").get(0);
            results[0] = item.get("results");
            if (item.get("status").asText().equals("error")) {
                throw new AssertionError(item.toString());
            }
            return item.get("status").asText().equals("complete");
        });
        String link = results[0].get("access").get("download_links").get(0).asText();
        assertTrue(link.startsWith(s3.endpoint() + "/some-bucket/requests/" + id + "-to_s3.zip?"), link);
        assertTrue(link.contains("X-Amz-Expires=432000"), "five days, as configured: " + link);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<byte[]> zip = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(link)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, zip.statusCode());
        assertTrue(zip.body().length > 100 && zip.body()[0] == 'P' && zip.body()[1] == 'K',
                "a ZIP: " + new String(zip.body(), 0, Math.min(300, zip.body().length), java.nio.charset.StandardCharsets.UTF_8));
        Map<String, String> files = new LinkedHashMap<>();
        try (java.util.zip.ZipInputStream entries = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip.body()))) {
            for (java.util.zip.ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                files.put(entry.getName(), new String(entries.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        assertEquals(List.of("mailgate_mail.csv", "mailgate_privacy_request.csv", "mailgate_dead_letter.csv"),
                new ArrayList<>(files.keySet()));
        String mails = files.get("mailgate_mail.csv");
        assertTrue(mails.startsWith("id,from,to,cc,bcc,reply_to,subject,body,"), mails);
        assertTrue(mails.contains("\"Hello, \"\"S3\"\"\""), "quoted as RFC 4180 says: " + mails);
        assertTrue(mails.contains("'=cmd"), "a formula is defused: " + mails);
        assertTrue(files.get("mailgate_privacy_request.csv").contains("s3-subject@example.com"));

        // s3rver checks a presigned link's key but not its SigV4 signature (S3 itself does): a link naming
        // another key is refused, and the expiry asked for is in the link.
        String otherKey = link.replace("X-Amz-Credential=S3RVER", "X-Amz-Credential=INTRUDER");
        assertEquals(403, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(otherKey)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
    }
}
