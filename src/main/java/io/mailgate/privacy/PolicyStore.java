package io.mailgate.privacy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.type.TypeReference;

import io.mailgate.store.Json;
import io.mailgate.store.Sql;

/** Policies, rules and targets. Upserts by key, as fidesops' bulk PATCH does. */
public class PolicyStore {

    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final DataSource dataSource;
    private final Json json;
    private final Clock clock;

    public PolicyStore(DataSource dataSource, Json json, Clock clock) {
        this.dataSource = dataSource;
        this.json = json;
        this.clock = clock;
    }

    public void upsertPolicy(String key, String name) {
        if (Sql.update(dataSource, "UPDATE policy SET name = ? WHERE policy_key = ?", s -> {
            s.setString(1, name);
            s.setString(2, key);
        }) == 0) {
            Sql.update(dataSource, "INSERT INTO policy (policy_key, name, created_at) VALUES (?, ?, ?)", s -> {
                s.setString(1, key);
                s.setString(2, name);
                s.setLong(3, clock.millis());
            });
        }
    }

    public void upsertRule(String policyKey, String key, String name, String actionType, Map<String, Object> masking) {
        String strategy = masking == null ? null : json.write(masking);
        if (Sql.update(dataSource, "UPDATE policy_rule SET name = ?, action_type = ?, masking_strategy = ? "
                + "WHERE policy_key = ? AND rule_key = ?", s -> {
                    s.setString(1, name);
                    s.setString(2, actionType);
                    s.setString(3, strategy);
                    s.setString(4, policyKey);
                    s.setString(5, key);
                }) == 0) {
            Sql.update(dataSource, "INSERT INTO policy_rule (policy_key, rule_key, name, action_type, masking_strategy) "
                    + "VALUES (?, ?, ?, ?, ?)", s -> {
                        s.setString(1, policyKey);
                        s.setString(2, key);
                        s.setString(3, name);
                        s.setString(4, actionType);
                        s.setString(5, strategy);
                    });
        }
    }

    public void upsertTarget(String policyKey, String ruleKey, String key, String name, String category) {
        if (Sql.update(dataSource, "UPDATE rule_target SET name = ?, data_category = ? WHERE policy_key = ? AND rule_key = ? "
                + "AND target_key = ?", s -> {
                    s.setString(1, name);
                    s.setString(2, category);
                    s.setString(3, policyKey);
                    s.setString(4, ruleKey);
                    s.setString(5, key);
                }) == 0) {
            Sql.update(dataSource, "INSERT INTO rule_target (policy_key, rule_key, target_key, name, data_category) "
                    + "VALUES (?, ?, ?, ?, ?)", s -> {
                        s.setString(1, policyKey);
                        s.setString(2, ruleKey);
                        s.setString(3, key);
                        s.setString(4, name);
                        s.setString(5, category);
                    });
        }
    }

    public List<String> keys(int page, int size) {
        return Sql.query(dataSource, "SELECT policy_key FROM policy ORDER BY created_at, policy_key LIMIT ? OFFSET ?", s -> {
            s.setInt(1, size);
            s.setLong(2, (long) (page - 1) * size);
        }, rows -> {
            List<String> keys = new ArrayList<>();
            while (rows.next()) {
                keys.add(rows.getString(1));
            }
            return keys;
        });
    }

    public long count() {
        return Sql.query(dataSource, "SELECT COUNT(*) FROM policy", s -> { }, rows -> {
            rows.next();
            return rows.getLong(1);
        });
    }

    public Optional<Policy> find(String key) {
        Optional<String> name = Sql.query(dataSource, "SELECT name FROM policy WHERE policy_key = ?", s -> s.setString(1, key),
                rows -> rows.next() ? Optional.of(rows.getString(1)) : Optional.<String>empty());
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Map<String, List<Policy.Target>> targets = Sql.query(dataSource, "SELECT rule_key, target_key, name, data_category "
                + "FROM rule_target WHERE policy_key = ? ORDER BY rule_key, target_key", s -> s.setString(1, key), rows -> {
                    Map<String, List<Policy.Target>> byRule = new LinkedHashMap<>();
                    while (rows.next()) {
                        byRule.computeIfAbsent(rows.getString(1), k -> new ArrayList<>())
                                .add(new Policy.Target(rows.getString(2), rows.getString(3), rows.getString(4)));
                    }
                    return byRule;
                });
        List<Policy.Rule> rules = Sql.query(dataSource, "SELECT rule_key, name, action_type, masking_strategy FROM policy_rule "
                + "WHERE policy_key = ? ORDER BY rule_key", s -> s.setString(1, key), rows -> {
                    List<Policy.Rule> found = new ArrayList<>();
                    while (rows.next()) {
                        String masking = rows.getString(4);
                        found.add(new Policy.Rule(rows.getString(1), rows.getString(2), rows.getString(3),
                                masking == null ? null : readObject(masking), targets.getOrDefault(rows.getString(1), List.of())));
                    }
                    return found;
                });
        return Optional.of(new Policy(key, name.get(), rules));
    }

    private Map<String, Object> readObject(String text) {
        return json.mapper().convertValue(json.readTree(text), OBJECT);
    }
}
