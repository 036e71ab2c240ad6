package io.mailgate.privacy;

import java.util.List;
import java.util.Map;

/** A policy: what a privacy request under it does (access, erasure) and to which data categories. */
public record Policy(String key, String name, List<Rule> rules) {

    public Policy {
        rules = List.copyOf(rules);
    }

    /** A rule; an access rule names the storage destination its package goes to. */
    public record Rule(String key, String name, String actionType, Map<String, Object> maskingStrategy, List<Target> targets,
                       String storageDestinationKey) {
        public Rule {
            targets = List.copyOf(targets);
        }
    }

    public record Target(String key, String name, String dataCategory) {
    }

    public boolean erases() {
        return rules.stream().anyMatch(rule -> rule.actionType().equals("erasure"));
    }

    public boolean accesses() {
        return rules.stream().anyMatch(rule -> rule.actionType().equals("access"));
    }

    /** The storage destination of the (first) access rule, if any. */
    public java.util.Optional<String> storageDestination() {
        return rules.stream().filter(rule -> rule.actionType().equals("access")).map(Rule::storageDestinationKey)
                .filter(java.util.Objects::nonNull).findFirst();
    }

    /** The masking strategy of the (first) erasure rule, e.g. {"strategy":"null_rewrite"}. */
    public Map<String, Object> erasureMasking() {
        return rules.stream().filter(rule -> rule.actionType().equals("erasure")).map(Rule::maskingStrategy)
                .filter(java.util.Objects::nonNull).findFirst().orElse(Map.of("strategy", "null_rewrite"));
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
