package io.mailgate.security;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.Ids;
import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.http.FidesQuery;

/**
 * The fidesops user API (/api/v1/user, /user/{id}/permission, /login, /logout): create, list and
 * delete users, give them scopes, log them in. Passwords arrive base64-encoded, as fidesops takes
 * them, and must be at least eight characters with a number, a capital, a lower-case letter and a
 * symbol. A user's scopes are only ever ones its creator holds.
 */
public class UserEndpoints {

    private static final int MAX_USERNAME = 255;
    private static final int MAX_NAME = 255;
    private static final int MAX_PASSWORD = 1000;
    private static final int MAX_PAGE_SIZE = 100;
    private static final Set<String> CREATE_FIELDS = Set.of("username", "password", "first_name", "last_name");

    private final Users users;
    private final Tokens tokens;
    private final LoginThrottle throttle;
    private final Json json;

    public UserEndpoints(Users users, Tokens tokens, LoginThrottle throttle, Json json) {
        this.users = users;
        this.tokens = tokens;
        this.throttle = throttle;
        this.json = json;
    }

    /** POST /api/v1/user → 201 {"id"}. */
    public String create(Object body) {
        JsonNode root = object(body, CREATE_FIELDS);
        String username = username(required(root, "username"));
        String password = password(decode(required(root, "password"), "password"));
        Users.User user = users.create(username, password, optionalName(root, "first_name"), optionalName(root, "last_name"));
        return json.write(Map.of("id", user.id()));
    }

    /** GET /api/v1/user?username=&page=&size= → {items, total, page, size}. */
    public String list(String rawQuery) {
        Map<String, String> query = FidesQuery.parse(rawQuery);
        int page = FidesQuery.positive(query, "page", 1, Integer.MAX_VALUE / MAX_PAGE_SIZE);
        int size = FidesQuery.positive(query, "size", 50, MAX_PAGE_SIZE);
        String filter = query.getOrDefault("username", "");
        if (filter.length() > MAX_USERNAME) {
            throw ApiException.validation(List.of("query", "username"), "ensure this value has at most " + MAX_USERNAME + " characters");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", users.list(filter, (page - 1) * size, size).stream().map(UserEndpoints::view).toList());
        answer.put("total", users.count(filter));
        answer.put("page", page);
        answer.put("size", size);
        return json.write(answer);
    }

    public String get(String id) {
        return json.write(view(find(id)));
    }

    /** DELETE /api/v1/user/{id} → 204; the user's tokens stop working at once. */
    public void delete(String id) {
        if (!Ids.looksLikeId(id) || !users.delete(id)) {
            throw unknown(id);
        }
    }

    /** POST /api/v1/user/{id}/permission {"scopes":[…]} → 201; a user's permissions are set once, then PUT. */
    public String createPermissions(String id, Object body, Principal granter) {
        Users.User user = find(id);
        if (user.permissionsSet()) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "This user already has permissions set.");
        }
        return setPermissions(user, body, granter);
    }

    public String updatePermissions(String id, Object body, Principal granter) {
        return setPermissions(find(id), body, granter);
    }

    public String permissions(String id) {
        Users.User user = find(id);
        return json.write(permissionView(user.id(), user.scopes()));
    }

    /** POST /api/v1/login {"username","password" (base64)} → {"user_data", "token_data": {"access_token"}}. */
    public String login(Object body, Object remote) {
        JsonNode root = object(body, Set.of("username", "password"));
        String username = Users.normalize(required(root, "username"));
        String password = decode(required(root, "password"), "password");
        String subject = LoginThrottle.user(username);
        String address = LoginThrottle.address(remote);
        throttle.check(subject, address);
        Users.User user = users.authenticate(username, password).orElse(null);
        if (user == null) {
            throttle.failed(subject, address);
            throw new ApiException(ErrorCode.LOGIN_FAILED, "Incorrect username or password.");
        }
        throttle.succeeded(subject);
        String token = tokens.issueAccess(new Principal(user.id(), user.id(), user.scopes()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("user_data", view(user));
        answer.put("token_data", Map.of("access_token", token));
        return json.write(answer);
    }

    /** POST /api/v1/logout → 204: the presented token stops working. */
    public void logout(Object authorization) {
        if (authorization instanceof String header && header.regionMatches(true, 0, "bearer ", 0, 7)) {
            tokens.revoke(header.substring(7).trim());
            tokens.forgetRemembered();
        }
    }

    private String setPermissions(Users.User user, Object body, Principal granter) {
        JsonNode root = object(body, Set.of("scopes"));
        JsonNode scopes = root.get("scopes");
        if (scopes == null || !scopes.isArray()) {
            throw ApiException.validation(List.of("body", "scopes"), "value is not a valid list");
        }
        Set<String> granted = new LinkedHashSet<>();
        for (int i = 0; i < scopes.size(); i++) {
            JsonNode scope = scopes.get(i);
            if (!scope.isTextual() || !Scopes.ALL.contains(scope.asText())) {
                throw ApiException.validation(List.of("body", "scopes", String.valueOf(i)),
                        "Invalid Scope. Scope must be one of " + String.join(", ", Scopes.ALL.stream().sorted().toList()));
            }
            granted.add(scope.asText());
        }
        if (!granter.scopes().containsAll(granted)) {
            throw new ApiException(ErrorCode.NO_PERMISSION, "A caller can only grant scopes it holds");
        }
        users.setScopes(user.id(), granted);
        return json.write(permissionView(user.id(), granted));
    }

    private Users.User find(String id) {
        if (!Ids.looksLikeId(id)) {
            throw unknown(id);
        }
        return users.find(id).orElseThrow(() -> unknown(id));
    }

    private JsonNode object(Object body, Set<String> allowed) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw ApiException.validation(List.of("body", name), "extra fields not permitted");
            }
        }
        return root;
    }

    private static String required(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw ApiException.validation(List.of("body", field), "field required");
        }
        if (!node.isTextual()) {
            throw ApiException.validation(List.of("body", field), "str type expected");
        }
        return node.asText();
    }

    private static String optionalName(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.asText().length() > MAX_NAME || node.asText().chars().anyMatch(Character::isISOControl)) {
            throw ApiException.validation(List.of("body", field), "a name of at most " + MAX_NAME + " characters without line breaks");
        }
        return node.asText();
    }

    private static String username(String username) {
        if (username.isBlank() || username.length() > MAX_USERNAME || username.chars().anyMatch(c -> Character.isWhitespace(c)
                || Character.isISOControl(c))) {
            throw ApiException.validation(List.of("body", "username"), "Usernames have 1 to " + MAX_USERNAME
                    + " characters and cannot have spaces.");
        }
        return username;
    }

    private static String decode(String base64, String field) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(List.of("body", field), "the password must be base64-encoded");
        }
    }

    private static String password(String password) {
        String problem = password.length() < 8 ? "Password must have at least eight characters."
                : password.length() > MAX_PASSWORD ? "Password must have at most " + MAX_PASSWORD + " characters."
                : password.chars().noneMatch(Character::isDigit) ? "Password must have at least one number."
                : password.chars().noneMatch(Character::isUpperCase) ? "Password must have at least one capital letter."
                : password.chars().noneMatch(Character::isLowerCase) ? "Password must have at least one lowercase letter."
                : password.chars().allMatch(Character::isLetterOrDigit) ? "Password must have at least one symbol."
                : null;
        if (problem != null) {
            throw ApiException.validation(List.of("body", "password"), problem);
        }
        return password;
    }

    private static Map<String, Object> view(Users.User user) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", user.id());
        view.put("username", user.username());
        view.put("created_at", Instant.ofEpochMilli(user.createdAt()).toString());
        view.put("first_name", user.firstName());
        view.put("last_name", user.lastName());
        return view;
    }

    private static Map<String, Object> permissionView(String userId, Set<String> scopes) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", userId);
        view.put("user_id", userId);
        view.put("scopes", scopes.stream().sorted().toList());
        return view;
    }

    private static ApiException unknown(String id) {
        return new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No user found with id " + id + ".");
    }
}
