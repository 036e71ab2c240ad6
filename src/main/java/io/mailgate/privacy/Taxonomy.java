package io.mailgate.privacy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The data categories shipped with Mailgate (taxonomy/data_categories.txt): fideslang 1.2.0's, which
 * fidesops 1.8.2 pins, and today's. Keys renamed since (taxonomy/renamed_categories.txt) are the same
 * data under two spellings: a policy target covers a field's category if either spelling lies under it.
 */
public final class Taxonomy {

    private final Set<String> categories;
    /** Old spelling → today's. */
    private final Map<String, String> renamed;

    private Taxonomy(Set<String> categories, Map<String, String> renamed) {
        this.categories = Set.copyOf(categories);
        this.renamed = Map.copyOf(renamed);
    }

    public static Taxonomy load() {
        Set<String> categories = new HashSet<>();
        for (String line : lines("taxonomy/data_categories.txt")) {
            categories.add(line);
        }
        Map<String, String> renamed = new HashMap<>();
        for (String line : lines("taxonomy/renamed_categories.txt")) {
            String[] pair = line.split("\\s+");
            renamed.put(pair[0], pair[1]);
        }
        return new Taxonomy(categories, renamed);
    }

    public boolean contains(String category) {
        return categories.contains(category);
    }

    /** Whether a rule target covers a field category: the same key or a key under it, in either spelling. */
    public boolean covers(String target, String category) {
        return under(category, target) || under(current(category), current(target));
    }

    /** Today's spelling of a key. */
    public String current(String category) {
        return renamed.getOrDefault(category, category);
    }

    private static boolean under(String category, String target) {
        return category.equals(target) || category.startsWith(target + ".");
    }

    private static List<String> lines(String resource) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                Taxonomy.class.getClassLoader().getResourceAsStream(resource), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String trimmed = line.trim();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    lines.add(trimmed);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }
}
