package io.mailgate.privacy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/** The data categories shipped with Mailgate (taxonomy/data_categories.txt). */
public final class Taxonomy {

    private final Set<String> categories;

    private Taxonomy(Set<String> categories) {
        this.categories = Set.copyOf(categories);
    }

    public static Taxonomy load() {
        Set<String> categories = new HashSet<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                Taxonomy.class.getClassLoader().getResourceAsStream("taxonomy/data_categories.txt"), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String key = line.trim();
                if (!key.isEmpty() && !key.startsWith("#")) {
                    categories.add(key);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Taxonomy(categories);
    }

    public boolean contains(String category) {
        return categories.contains(category);
    }
}
