package io.mailgate.template;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/** The types a template can declare for an input. */
public enum InputType {
    STRING, NUMBER, BOOLEAN, OBJECT, ARRAY;

    public static Optional<InputType> of(String name) {
        return Arrays.stream(values()).filter(t -> t.wire().equals(name)).findFirst();
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean accepts(JsonNode value) {
        return switch (this) {
            case STRING -> value.isTextual();
            case NUMBER -> value.isNumber();
            case BOOLEAN -> value.isBoolean();
            case OBJECT -> value.isObject();
            case ARRAY -> value.isArray();
        };
    }
}
