package io.mailgate.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mailgate.support.Api;
import io.mailgate.support.Fides;
import io.mailgate.support.MailgateInstance;

/**
 * fidesops 1.8.2's tests/ops/api/v1/endpoints/test_dataset_endpoints.py, replayed against an email
 * connector (Mailgate keeps no other kind): validate_dataset, bulk PATCH in JSON and in YAML, list,
 * get and delete. fidesops' example datasets describe its test databases; these are Mailgate's own,
 * of the same shape: a customer dataset reached by email, and one that refers to it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FidesopsDatasetEndpointsIT {

    private static final String CONNECTION = "/api/v1/connection/my_postgres_db_1";

    private MailgateInstance mailgate;
    private Fides fides;

    @BeforeAll
    void start() {
        mailgate = MailgateInstance.start(Map.of());
        fides = new Fides(mailgate.api(), mailgate.api().rootToken());
        assertEquals(1, fides.patch("/api/v1/connection", List.of(Map.of("name", "My Postgres DB 1", "key", "my_postgres_db_1",
                "connection_type", "email", "access", "write"))).json().get("succeeded").size());
    }

    @AfterAll
    void stop() {
        if (mailgate != null) {
            mailgate.close();
        }
    }

    private Fides scoped(String... scopes) {
        return fides.as(fides.api().tokenWithScopes(scopes));
    }

    /** A customer dataset: customer (by email) with its address, reached through address_id. */
    private static ObjectNode customers() {
        ObjectNode dataset = Api.JSON.createObjectNode();
        dataset.put("fides_key", "example_test_dataset");
        dataset.put("name", "Example Test Dataset");
        dataset.put("description", "Example of a dataset of a third party that erases on request");
        ArrayNode collections = dataset.putArray("collections");
        ObjectNode customer = collections.addObject().put("name", "customer");
        ArrayNode fields = customer.putArray("fields");
        field(fields, "email", "user.contact.email").putObject("fidesops_meta").put("identity", "email").put("data_type", "string");
        field(fields, "id", "system.operations").putObject("fidesops_meta").put("primary_key", true);
        field(fields, "name", "user.name");
        ObjectNode addressId = field(fields, "address_id", "system.operations");
        addressId.putObject("fidesops_meta").putArray("references").addObject().put("dataset", "example_test_dataset")
                .put("field", "address.id").put("direction", "to");
        ObjectNode address = collections.addObject().put("name", "address");
        ArrayNode addressFields = address.putArray("fields");
        field(addressFields, "id", "system.operations").putObject("fidesops_meta").put("primary_key", true);
        field(addressFields, "street", "user.contact.address.street");
        field(addressFields, "city", "user.contact.address.city");
        return dataset;
    }

    /** A dataset that refers to the customers of another one. */
    private static ObjectNode subscriptions() {
        ObjectNode dataset = Api.JSON.createObjectNode();
        dataset.put("fides_key", "example_subscriptions_dataset");
        dataset.put("name", "Example Subscribers Dataset");
        ObjectNode collection = dataset.putArray("collections").addObject().put("name", "subscriptions");
        ArrayNode fields = collection.putArray("fields");
        field(fields, "id", "system.operations").putObject("fidesops_meta").put("primary_key", true);
        field(fields, "customer_id", "system.operations").putObject("fidesops_meta").putArray("references").addObject()
                .put("dataset", "example_test_dataset").put("field", "customer.id").put("direction", "from");
        return dataset;
    }

    private static ObjectNode field(ArrayNode fields, String name, String category) {
        ObjectNode field = fields.addObject().put("name", name);
        field.putArray("data_categories").add(category);
        return field;
    }

    // ---- validate_dataset ---------------------------------------------------------------------------

    @Test
    void validateNeedsAuthenticationAndTheScope() {
        assertEquals(401, fides.as(null).put(CONNECTION + "/validate_dataset", customers()).status());
        assertEquals(403, scoped("dataset:create_or_update").put(CONNECTION + "/validate_dataset", customers()).status());
    }

    @Test
    void missingKeyOrCollections() {
        for (String required : List.of("fides_key", "collections")) {
            ObjectNode dataset = customers();
            dataset.remove(required);
            Api.Response response = scoped("dataset:read").put(CONNECTION + "/validate_dataset", dataset);
            assertEquals(422, response.status());
            assertTrue(locations(response).contains(List.of("body", required)), response.body());
        }
    }

    @Test
    void nestedFieldsAreKept() {
        ObjectNode dataset = customers();
        ObjectNode details = ((ArrayNode) dataset.get("collections").get(0).get("fields")).addObject().put("name", "details");
        ArrayNode nested = details.putArray("fields");
        field(nested, "phone", "user.contact");
        field(nested, "count", "system.operations");
        Api.Response response = scoped("dataset:read").put(CONNECTION + "/validate_dataset", dataset);
        assertEquals(200, response.status(), response.body());
        Set<String> names = new HashSet<>();
        for (JsonNode field : response.json().get("dataset").get("collections").get(0).get("fields")) {
            if (field.get("name").asText().equals("details")) {
                field.get("fields").forEach(f -> names.add(f.get("name").asText()));
            }
        }
        assertEquals(Set.of("phone", "count"), names);
    }

    @Test
    void lengthAndDataTypeAreChecked() {
        ObjectNode dataset = customers();
        ObjectNode meta = (ObjectNode) dataset.get("collections").get(0).get("fields").get(0);
        meta.putObject("fidesops_meta").put("length", 123);
        Api.Response ok = scoped("dataset:read").put(CONNECTION + "/validate_dataset", dataset);
        assertEquals(200, ok.status(), ok.body());
        assertEquals(123, ok.json().get("dataset").get("collections").get(0).get("fields").get(0).get("fidesops_meta").get("length").asInt());
        meta.putObject("fidesops_meta").put("length", -1);
        Api.Response negative = fides.put(CONNECTION + "/validate_dataset", dataset);
        assertEquals(422, negative.status());
        assertEquals("Illegal length (-1). Only positive non-zero values are allowed.",
                negative.json().get("detail").get(0).get("msg").asText());
        meta.putObject("fidesops_meta").put("data_type", "string");
        assertEquals(200, fides.put(CONNECTION + "/validate_dataset", dataset).status());
        meta.putObject("fidesops_meta").put("data_type", "stringsssssss");
        Api.Response type = fides.put(CONNECTION + "/validate_dataset", dataset);
        assertEquals(422, type.status());
        assertEquals("The data type stringsssssss is not supported.", type.json().get("detail").get(0).get("msg").asText());
    }

    @Test
    void anInvalidReferenceDirectionIsLocated() {
        ObjectNode dataset = customers();
        ((ObjectNode) dataset.get("collections").get(0).get("fields").get(0)).putObject("fidesops_meta").putArray("references")
                .addObject().put("dataset", "example_test_dataset").put("field", "another.field").put("direction", "invalid direction!");
        Api.Response response = fides.put(CONNECTION + "/validate_dataset", dataset);
        assertEquals(422, response.status());
        assertTrue(locations(response).contains(List.of("body", "collections", 0, "fields", 0, "fidesops_meta", "references", 0,
                "direction")), response.body());
    }

    @Test
    void anInvalidCategoryIsLocated() {
        ObjectNode dataset = customers();
        ((ArrayNode) dataset.get("collections").get(0).get("fields").get(0).get("data_categories")).add("user.invalid.category");
        Api.Response response = fides.put(CONNECTION + "/validate_dataset", dataset);
        assertEquals(422, response.status());
        assertTrue(locations(response).contains(List.of("body", "collections", 0, "fields", 0, "data_categories")), response.body());
    }

    @Test
    void anUnknownConnectorIs404() {
        assertEquals(404, fides.put("/api/v1/connection/nonexistent_key/validate_dataset", customers()).status());
        assertEquals(404, fides.patch("/api/v1/connection/nonexistent_key/dataset", List.of(customers())).status());
        assertEquals(404, fides.get("/api/v1/connection/nonexistent_key/dataset").status());
        assertEquals(404, fides.get("/api/v1/connection/nonexistent_key/dataset/example_test_dataset").status());
        assertEquals(404, fides.delete("/api/v1/connection/nonexistent_key/dataset/example_test_dataset").status());
    }

    @Test
    void traversal() {
        Api.Response valid = scoped("dataset:read").put(CONNECTION + "/validate_dataset", customers());
        assertEquals(200, valid.status());
        assertEquals("example_test_dataset", valid.json().get("dataset").get("fides_key").asText());
        assertTrue(valid.json().get("traversal_details").get("is_traversable").asBoolean());
        assertTrue(valid.json().get("traversal_details").get("msg").isNull());

        ObjectNode noReferences = customers();
        for (JsonNode collection : noReferences.get("collections")) {
            for (JsonNode field : collection.get("fields")) {
                if (field.has("fidesops_meta")) {
                    ((ObjectNode) field.get("fidesops_meta")).putNull("references");
                }
            }
        }
        JsonNode unreachable = fides.put(CONNECTION + "/validate_dataset", noReferences).json().get("traversal_details");
        assertFalse(unreachable.get("is_traversable").asBoolean());
        assertTrue(unreachable.get("msg").asText().contains("Some nodes were not reachable"), unreachable.toString());
        assertTrue(unreachable.get("msg").asText().contains("example_test_dataset:address"), unreachable.toString());

        JsonNode referring = fides.put(CONNECTION + "/validate_dataset", subscriptions()).json().get("traversal_details");
        assertFalse(referring.get("is_traversable").asBoolean());
        assertEquals("Referred to object example_test_dataset:customer:id does not exist", referring.get("msg").asText());
    }

    // ---- PATCH (JSON) -----------------------------------------------------------------------------

    @Test
    void patchBulkCreateAndUpdate() {
        assertEquals(401, fides.as(null).patch(CONNECTION + "/dataset", List.of(customers())).status());
        assertEquals(403, scoped("dataset:read").patch(CONNECTION + "/dataset", List.of(customers())).status());
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            tooMany.add(Map.of("collections", List.of(Map.of("fields", List.of(), "fides_key", i))));
        }
        Api.Response limit = fides.patch(CONNECTION + "/dataset", tooMany);
        assertEquals(422, limit.status());
        assertEquals("ensure this value has at most 50 items", limit.json().get("detail").get(0).get("msg").asText());

        Api.Response created = scoped("dataset:create_or_update").patch(CONNECTION + "/dataset", List.of(customers(), subscriptions()));
        assertEquals(200, created.status(), created.body());
        assertEquals(2, created.json().get("succeeded").size(), created.body());
        assertEquals(0, created.json().get("failed").size());
        JsonNode first = created.json().get("succeeded").get(0);
        assertEquals("example_test_dataset", first.get("fides_key").asText());
        assertEquals("Example Test Dataset", first.get("name").asText());
        assertTrue(first.get("description").asText().contains("Example of a dataset"));
        assertEquals(2, first.get("collections").size());

        // Only the customer collection is kept, without its reference to the address.
        ObjectNode updated = customers();
        ArrayNode collections = (ArrayNode) updated.get("collections");
        collections.remove(1);
        ArrayNode fields = (ArrayNode) collections.get(0).get("fields");
        fields.remove(3);
        JsonNode update = fides.patch(CONNECTION + "/dataset", List.of(updated)).json();
        assertEquals(1, update.get("succeeded").get(0).get("collections").size());
        assertEquals(1, fides.get(CONNECTION + "/dataset/example_test_dataset").json().get("collections").size());
    }

    // ---- PATCH (YAML) ------------------------------------------------------------------------------

    private Api.Response yaml(String token, String contentType, String body) {
        HttpRequest.Builder request = fides.api().request("/api/v1/yml/connection/my_postgres_db_1/dataset", token)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return fides.api().send(request);
    }

    private static String yamlOf(JsonNode... datasets) throws Exception {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("dataset", List.of(datasets));
        return new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .writeValueAsString(file);
    }

    @Test
    void yamlDatasets() throws Exception {
        String one = yamlOf(customers());
        assertEquals(401, yaml(null, "application/x-yaml", one).status());
        assertEquals(403, yaml(fides.api().tokenWithScopes("dataset:read"), "application/x-yaml", one).status());
        HttpRequest.Builder unknown = fides.api().request("/api/v1/yml/connection/nonexistent_key/dataset", fides.token())
                .header("Content-Type", "application/x-yaml").method("PATCH", HttpRequest.BodyPublishers.ofString(one));
        assertEquals(404, fides.api().send(unknown).status());
        Api.Response json = yaml(fides.token(), "application/json", Api.write(List.of(customers())));
        assertEquals(415, json.status());
        assertEquals("Supported type: application/x-yaml", json.json().get("detail").asText());
        assertEquals(400, yaml(fides.token(), "application/x-yaml", "dataset: [unclosed").status());
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 0; i < 9; i++) {
            bomb.append((char) ('b' + i)).append(": &").append((char) ('b' + i)).append(" [");
            bomb.append(String.join(", ", java.util.Collections.nCopies(10, "*" + (char) ('a' + i)))).append("]\n");
        }
        Api.Response aliases = yaml(fides.token(), "application/x-yaml", bomb.toString());
        assertEquals(200, aliases.status(), "a billion laughs is not expanded: it holds no dataset");
        assertEquals(0, aliases.json().get("succeeded").size());

        Api.Response created = yaml(fides.token(), "application/x-yaml", one);
        assertEquals(200, created.status(), created.body());
        assertEquals(1, created.json().get("succeeded").size());
        assertEquals(0, created.json().get("failed").size());
        assertEquals("example_test_dataset", created.json().get("succeeded").get(0).get("fides_key").asText());
        assertEquals(2, created.json().get("succeeded").get(0).get("collections").size());

        Api.Response two = yaml(fides.token(), "application/x-yaml", yamlOf(customers(), subscriptions()));
        assertEquals(2, two.json().get("succeeded").size(), two.body());
    }

    // ---- GET and DELETE ----------------------------------------------------------------------------

    @Test
    void listGetAndDelete() {
        fides.patch("/api/v1/connection", List.of(Map.of("name", "Listed", "key", "listed", "connection_type", "email",
                "access", "write")));
        fides.patch("/api/v1/connection/listed/dataset", List.of(customers()));
        assertEquals(401, fides.as(null).get("/api/v1/connection/listed/dataset").status());
        Api.Response list = scoped("dataset:read").get("/api/v1/connection/listed/dataset");
        assertEquals(200, list.status());
        assertEquals(1, list.json().get("items").size());
        assertEquals("example_test_dataset", list.json().get("items").get(0).get("fides_key").asText());
        assertEquals(1, list.json().get("total").asInt());
        assertEquals(1, list.json().get("page").asInt());
        assertEquals(50, list.json().get("size").asInt());

        String url = "/api/v1/connection/listed/dataset/example_test_dataset";
        assertEquals(401, fides.as(null).get(url).status());
        assertEquals(403, scoped("dataset:create_or_update").get(url).status());
        assertEquals(404, scoped("dataset:read").get("/api/v1/connection/listed/dataset/nonexistent_key").status());
        Api.Response one = scoped("dataset:read").get(url);
        assertEquals("example_test_dataset", one.json().get("fides_key").asText());
        assertEquals(2, one.json().get("collections").size());

        assertEquals(401, fides.as(null).delete(url).status());
        assertEquals(403, scoped("dataset:read").delete(url).status());
        assertEquals(404, scoped("dataset:delete").delete("/api/v1/connection/listed/dataset/nonexistent_key").status());
        assertEquals(204, scoped("dataset:delete").delete(url).status());
        assertEquals(404, fides.get(url).status());
    }

    private static List<List<Object>> locations(Api.Response response) {
        List<List<Object>> locations = new ArrayList<>();
        for (JsonNode error : response.json().get("detail")) {
            List<Object> location = new ArrayList<>();
            error.get("loc").forEach(part -> location.add(part.isInt() ? (Object) part.asInt() : part.asText()));
            locations.add(location);
        }
        return locations;
    }
}
