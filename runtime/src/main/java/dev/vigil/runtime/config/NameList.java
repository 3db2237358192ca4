package dev.vigil.runtime.config;

import java.util.List;

/** A list of names given as an array literal in one environment variable, such as {@code ["generate"]}. */
public record NameList(List<String> names) {

    public NameList {
        names = List.copyOf(names);
    }

    public static NameList empty() {
        return new NameList(List.of());
    }
}
