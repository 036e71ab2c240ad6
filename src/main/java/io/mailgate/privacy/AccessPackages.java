package io.mailgate.privacy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.security.SecretBox;
import io.mailgate.security.Secrets;

/**
 * An access request's packages: for each access rule of its policy, the subject's records that the
 * rule's targets cover (OwnRecords), as JSON or a ZIP of CSV files as its storage destination asks,
 * written by the access-package route to the destination (a file under the data directory, or an S3
 * object) with a link that expires after the configured days. Mailgate serves local packages itself,
 * behind an unguessable id and a signature over id and expiry; S3 links are presigned.
 */
public class AccessPackages {

    private static final Logger LOG = LoggerFactory.getLogger(AccessPackages.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern PACKAGE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern EPOCH_SECONDS = Pattern.compile("[0-9]{1,12}");
    private static final String LINK_PURPOSE = "access-package-link";

    private final Jdbi jdbi;
    private final Json json;
    private final PrivacyRequestStore requests;
    private final PolicyStore policies;
    private final StorageConfigStore storages;
    private final S3Destinations s3;
    private final OwnRecords records;
    private final Taxonomy taxonomy;
    private final SecretBox secretBox;
    private final PrivacySettings settings;
    private final Path directory;
    private final String publicUrl;
    private final Clock clock;

    public AccessPackages(Jdbi jdbi, Json json, PrivacyRequestStore requests, PolicyStore policies, StorageConfigStore storages,
                          S3Destinations s3, OwnRecords records, Taxonomy taxonomy, SecretBox secretBox, PrivacySettings settings,
                          Path dataDir, String publicUrl, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.requests = requests;
        this.policies = policies;
        this.storages = storages;
        this.s3 = s3;
        this.records = records;
        this.taxonomy = taxonomy;
        this.secretBox = secretBox;
        this.settings = settings;
        this.directory = dataDir.resolve("access-packages");
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        this.clock = clock;
    }

    /**
     * One package to write. {@code location} is the file name under the packages directory, or the S3
     * object key; {@code s3Client} the registry name of the destination's client (its presigner is
     * that name + "-presigner").
     */
    public record Package(String id, String requestId, String storageKey, String storageType, String format, String location,
                          byte[] content, String contentType, String downloadName, String bucket, String s3Client, long expiresAt,
                          long ttlMillis) {

        public boolean s3() {
            return StorageConfig.S3.equals(storageType);
        }

        public int length() {
            return content.length;
        }
    }

    /** A package as downloaded. */
    public record Download(byte[] content, String contentType, String fileName) {
    }

    /** Whether the request still needs its packages: a retry after a later step failed does not build them twice. */
    public boolean needed(PrivacyRequest request) {
        return policies.find(request.policyKey()).map(Policy::accesses).orElse(false)
                && requests.find(request.id()).map(r -> !r.results().containsKey("access")).orElse(false);
    }

    /** The packages of the request, one per access rule of its policy. */
    public List<Package> build(PrivacyRequest request) {
        Policy policy = policies.find(request.policyKey()).orElseThrow();
        long now = clock.millis();
        long ttl = Duration.ofDays(settings.downloadLinkDays()).toMillis();
        List<Package> packages = new ArrayList<>();
        for (Policy.Rule rule : policy.rules()) {
            if (!rule.actionType().equals("access")) {
                continue;
            }
            StorageConfig storage = storages.find(rule.storageDestinationKey()).orElseThrow(() -> new IllegalStateException(
                    "The storage destination of access rule " + rule.key() + " no longer exists"));
            Map<String, List<Map<String, Object>>> data = records.collect(request, category -> rule.targets().stream()
                    .anyMatch(target -> taxonomy.covers(target.dataCategory(), category)));
            boolean csv = storage.format().equals("csv");
            byte[] content = csv ? zipOfCsv(data) : json.write(data).getBytes(StandardCharsets.UTF_8);
            String extension = csv ? "zip" : "json";
            String id = newPackageId();
            String location = storage.s3()
                    ? (storage.objectName().isEmpty() ? "" : storage.objectName() + "/") + request.id() + "-" + rule.key() + "." + extension
                    : id + "." + extension;
            packages.add(new Package(id, request.id(), storage.key(), storage.type(), storage.format(), location, content,
                    csv ? "application/zip" : "application/json", request.id() + "." + extension,
                    storage.s3() ? storage.bucket() : null, storage.s3() ? s3.clientName(storage) : null, now + ttl, ttl));
        }
        return packages;
    }

    /** Mailgate's own link to a local package: its id, its expiry and their signature. */
    public String localLink(Package written) {
        long expires = written.expiresAt() / 1000;
        return publicUrl + "/api/v1/access-package/" + written.id() + "?expires=" + expires + "&signature="
                + secretBox.sign(LINK_PURPOSE, written.id() + ":" + expires);
    }

    /** Records a written package; answers its link. */
    public String recorded(Package written, String link) {
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO access_package (id, request_id, storage_key, storage_type, "
                        + "location, format, size_bytes, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(0, written.id()).bind(1, written.requestId()).bind(2, written.storageKey()).bind(3, written.storageType())
                .bind(4, written.s3() ? written.bucket() + "/" + written.location() : written.location())
                .bind(5, written.format()).bind(6, (long) written.length()).bind(7, clock.millis()).bind(8, written.expiresAt())
                .execute());
        return link;
    }

    /** Once every package is written: results.access holds the links for the completion notice, and their days. */
    public void completed(PrivacyRequest request, List<String> links) {
        Map<String, Object> access = new LinkedHashMap<>();
        access.put("download_links", links == null ? List.of() : links);
        access.put("days", settings.downloadLinkDays());
        requests.addResult(request.id(), "access", access);
    }

    /** GET /api/v1/access-package/{id}?expires=&signature=: 403 for a link not made by Mailgate, 410 once expired. */
    public Download open(String id, String rawQuery) {
        Map<String, String> query = io.mailgate.platform.http.FidesQuery.parse(rawQuery);
        String expires = query.get("expires");
        String signature = query.get("signature");
        if (id == null || !PACKAGE_ID.matcher(id).matches() || expires == null || !EPOCH_SECONDS.matcher(expires).matches()
                || signature == null || signature.length() > 100) {
            throw new ApiException(ErrorCode.FORBIDDEN, "This download link is not valid.");
        }
        if (!Secrets.constantTimeEquals(secretBox.sign(LINK_PURPOSE, id + ":" + expires), signature)) {
            throw new ApiException(ErrorCode.FORBIDDEN, "This download link is not valid.");
        }
        if (Long.parseLong(expires) * 1000 <= clock.millis()) {
            throw new ApiException(ErrorCode.GONE, "This download link has expired.");
        }
        Map<String, Object> row = jdbi.withHandle(handle -> handle.createQuery("SELECT request_id, storage_type, location, format "
                        + "FROM access_package WHERE id = ?")
                .bind(0, id).mapToMap().findOne()).orElseThrow(() -> new ApiException(ErrorCode.GONE,
                "This package is no longer available."));
        Path file = directory.resolve(String.valueOf(row.get("location"))).normalize();
        if (!StorageConfig.LOCAL.equals(row.get("storage_type")) || !file.startsWith(directory) || !Files.isRegularFile(file)) {
            throw new ApiException(ErrorCode.GONE, "This package is no longer available.");
        }
        boolean csv = "csv".equals(row.get("format"));
        try {
            return new Download(Files.readAllBytes(file), csv ? "application/zip" : "application/json",
                    row.get("request_id") + (csv ? ".zip" : ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An erasure of the subject's contact or content deletes their packages, wherever they were written. */
    public void erase(PrivacyRequest request) {
        if (!records.erasesOwnRecords(request)) {
            return;
        }
        List<String> requestIds = new ArrayList<>();
        requestIds.add(request.id());
        request.email().ifPresent(email -> requests.withEmail(email).forEach(r -> requestIds.add(r.id())));
        List<Map<String, Object>> rows = jdbi.withHandle(handle -> handle.createQuery("SELECT id, storage_key, storage_type, location "
                + "FROM access_package WHERE request_id IN (<ids>)").bindList("ids", requestIds).mapToMap().list());
        int deleted = 0;
        for (Map<String, Object> row : rows) {
            deleted += delete(row) ? 1 : 0;
        }
        if (!rows.isEmpty()) {
            int count = deleted;
            Object earlier = requests.find(request.id()).map(r -> r.results().get("erasure")).orElse(null);
            Map<String, Object> erasure = new LinkedHashMap<>(earlier instanceof Map<?, ?> map ? castMap(map) : Map.of());
            erasure.put("access_packages", count);
            requests.addResult(request.id(), "erasure", erasure);
        }
    }

    /** Deletes the packages whose links have expired; answers how many went. */
    public int expire() {
        List<Map<String, Object>> rows = jdbi.withHandle(handle -> handle.createQuery("SELECT id, storage_key, storage_type, location "
                + "FROM access_package WHERE expires_at <= ?").bind(0, clock.millis()).mapToMap().list());
        int deleted = 0;
        for (Map<String, Object> row : rows) {
            deleted += delete(row) ? 1 : 0;
        }
        return deleted;
    }

    private boolean delete(Map<String, Object> row) {
        String location = String.valueOf(row.get("location"));
        try {
            if (StorageConfig.S3.equals(row.get("storage_type"))) {
                Optional<StorageConfig> storage = storages.find(String.valueOf(row.get("storage_key")));
                if (storage.isPresent()) {
                    s3.delete(storage.get(), location.substring(location.indexOf('/') + 1));
                }
            } else {
                Path file = directory.resolve(location).normalize();
                if (file.startsWith(directory)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot delete access package {} ({}): {}; trying again later", row.get("id"), row.get("storage_type"),
                    e.getClass().getSimpleName());
            return false;
        }
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM access_package WHERE id = ?").bind(0, row.get("id")).execute());
        return true;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private static String newPackageId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A ZIP with one CSV per collection (RFC 4180; lists joined with "; ", objects as JSON). */
    private byte[] zipOfCsv(Map<String, List<Map<String, Object>>> data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, List<Map<String, Object>>> collection : data.entrySet()) {
                zip.putNextEntry(new ZipEntry(collection.getKey().replace(':', '_') + ".csv"));
                zip.write(csv(collection.getValue()).getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private String csv(List<Map<String, Object>> rows) {
        LinkedHashSet<String> columns = new LinkedHashSet<>();
        rows.forEach(row -> columns.addAll(row.keySet()));
        StringBuilder text = new StringBuilder();
        text.append(String.join(",", columns.stream().map(AccessPackages::cell).toList())).append("\r\n");
        for (Map<String, Object> row : rows) {
            text.append(String.join(",", columns.stream().map(column -> cell(value(row.get(column)))).toList())).append("\r\n");
        }
        return text.toString();
    }

    private String value(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof List<?> list && list.stream().allMatch(item -> item instanceof String)) {
            return String.join("; ", list.stream().map(String::valueOf).toList());
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            return json.write(value);
        }
        return value.toString();
    }

    /** A CSV cell; one a spreadsheet would take for a formula starts with an apostrophe (OWASP's CSV injection advice). */
    private static String cell(String raw) {
        String value = !raw.isEmpty() && "=+-@\t\r".indexOf(raw.charAt(0)) >= 0 ? "'" + raw : raw;
        boolean quote = value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r");
        return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
