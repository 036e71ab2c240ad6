package io.mailgate.privacy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;

import com.fasterxml.jackson.core.type.TypeReference;

import io.mailgate.platform.Json;
import io.mailgate.platform.db.Statements;

/** Policies, rules and targets. Upserts by key, as fidesops' bulk PATCH does. */
public class PolicyStore {

    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final Jdbi jdbi;
    private final Json json;
    private final Clock clock;

    public PolicyStore(Jdbi jdbi, Json json, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.clock = clock;
    }

    public void upsertPolicy(String key, String name) {
        jdbi.useTransaction(handle -> Statements.updateOrInsert(handle,
                "UPDATE policy SET name = ? WHERE policy_key = ?", List.of(name, key),
                "INSERT INTO policy (policy_key, name, created_at) VALUES (?, ?, ?)", List.of(key, name, clock.millis())));
    }

    public void upsertRule(String policyKey, String key, String name, String actionType, Map<String, Object> masking,
                           String storageDestinationKey) {
        String strategy = masking == null ? null : json.write(masking);
        jdbi.useTransaction(handle -> Statements.updateOrInsert(handle,
                "UPDATE policy_rule SET name = ?, action_type = ?, masking_strategy = ?, storage_destination_key = ? "
                        + "WHERE policy_key = ? AND rule_key = ?",
                Arrays.asList(name, actionType, strategy, storageDestinationKey, policyKey, key),
                "INSERT INTO policy_rule (policy_key, rule_key, name, action_type, masking_strategy, storage_destination_key) "
                        + "VALUES (?, ?, ?, ?, ?, ?)",
                Arrays.asList(policyKey, key, name, actionType, strategy, storageDestinationKey)));
    }

    public void upsertTarget(String policyKey, String ruleKey, String key, String name, String category) {
        jdbi.useTransaction(handle -> Statements.updateOrInsert(handle,
                "UPDATE rule_target SET name = ?, data_category = ? WHERE policy_key = ? AND rule_key = ? AND target_key = ?",
                List.of(name, category, policyKey, ruleKey, key),
                "INSERT INTO rule_target (policy_key, rule_key, target_key, name, data_category) VALUES (?, ?, ?, ?, ?)",
                List.of(policyKey, ruleKey, key, name, category)));
    }

    /** The policy a rule key belongs to: fidesops rule keys are unique across policies. */
    public Optional<String> ruleOwner(String ruleKey) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT policy_key FROM policy_rule WHERE rule_key = ? ORDER BY policy_key")
                .bind(0, ruleKey).mapTo(String.class).findFirst());
    }

    public List<String> keys(int page, int size) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT policy_key FROM policy ORDER BY created_at, policy_key LIMIT ? OFFSET ?")
                .bind(0, size).bind(1, (long) (page - 1) * size)
                .mapTo(String.class).list());
    }

    public long count() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM policy").mapTo(Long.class).one());
    }

    public Optional<Policy> find(String key) {
        return jdbi.withHandle(handle -> {
            Optional<String> name = handle.createQuery("SELECT name FROM policy WHERE policy_key = ?").bind(0, key)
                    .mapTo(String.class).findOne();
            if (name.isEmpty()) {
                return Optional.<Policy>empty();
            }
            Map<String, List<Policy.Target>> targets = new LinkedHashMap<>();
            handle.createQuery("SELECT rule_key, target_key, name, data_category FROM rule_target WHERE policy_key = ? "
                            + "ORDER BY rule_key, target_key")
                    .bind(0, key)
                    .map((rows, context) -> targets.computeIfAbsent(rows.getString("rule_key"), k -> new ArrayList<>())
                            .add(new Policy.Target(rows.getString("target_key"), rows.getString("name"), rows.getString("data_category"))))
                    .list();
            List<Policy.Rule> rules = handle.createQuery("SELECT rule_key, name, action_type, masking_strategy, "
                            + "storage_destination_key FROM policy_rule "
                            + "WHERE policy_key = ? ORDER BY rule_key")
                    .bind(0, key)
                    .map((rows, context) -> {
                        String masking = rows.getString("masking_strategy");
                        return new Policy.Rule(rows.getString("rule_key"), rows.getString("name"), rows.getString("action_type"),
                                masking == null ? null : json.read(masking, OBJECT),
                                targets.getOrDefault(rows.getString("rule_key"), List.of()),
                                rows.getString("storage_destination_key"));
                    })
                    .list();
            return Optional.of(new Policy(key, name.get(), rules));
        });
    }
}
