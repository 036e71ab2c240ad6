package io.mailgate.template;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** ISO 3166-1 countries and their ISO 3166-2 regions, from {@code localization/countries.txt}. */
public final class Countries {

    private final Map<String, List<String>> regions = new LinkedHashMap<>();

    public Countries() {
        try (InputStream in = Countries.class.getClassLoader().getResourceAsStream("localization/countries.txt");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).forEach(line -> {
                String[] codes = line.trim().split(" ");
                regions.put(codes[0], List.copyOf(Arrays.asList(codes).subList(1, codes.length)));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> codes() {
        return List.copyOf(regions.keySet());
    }

    /** The regions of a country (upper-case alpha-2 code); empty when there is no such country. */
    public Optional<List<String>> regions(String country) {
        return Optional.ofNullable(regions.get(country));
    }
}
