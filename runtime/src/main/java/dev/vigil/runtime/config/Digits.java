package dev.vigil.runtime.config;

/** Parsing shared by the integer and seconds converters: plain decimal digits that fit an {@code int}. */
final class Digits {

    private Digits() {}

    static int parse(String value, int minimum, String expected) {
        String text = value.trim();
        if (!text.matches("[0-9]+")) {
            throw new IllegalArgumentException(expected);
        }
        int number;
        try {
            number = Integer.parseInt(text);
        } catch (NumberFormatException tooLarge) {
            throw new IllegalArgumentException(expected);
        }
        if (number < minimum) {
            throw new IllegalArgumentException(expected);
        }
        return number;
    }
}
