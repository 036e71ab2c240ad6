package io.mailgate.privacy;

import java.util.List;
import java.util.Map;

/** A policy: what a privacy request under it does (access, erasure) and to which data categories. */
public record Policy(String key, String name, List<Rule> rules) {

    public Policy {
        rules = List.copyOf(rules);
    }

    public record Rule(String key, String name, String actionType, Map<String, Object> maskingStrategy, List<Target> targets) {
        public Rule {
            targets = List.copyOf(targets);
        }
    }

    public record Target(String key, String name, String dataCategory) {
    }

    public boolean erases() {
        return rules.stream().anyMatch(rule -> rule.actionType().equals("erasure"));
    }

    /** The data categories the erasure rules target. */
    public List<String> erasureCategories() {
        return rules.stream().filter(rule -> rule.actionType().equals("erasure"))
                .flatMap(rule -> rule.targets().stream()).map(Target::dataCategory).sorted().toList();
    }

    /** The request types, for the receipt notice: access, erasure. */
    public List<String> requestTypes() {
        return rules.stream().map(Rule::actionType).distinct().sorted().toList();
    }
}
