package dev.vigil.runtime.config;

import java.util.Locale;
import java.util.Map;

/**
 * The names of an enum setting: each value has one or more lower-case aliases (Dynamo's spelling
 * first, e.g. {@code kv_store} for etcd), matched ignoring case and surrounding whitespace; anything
 * else is rejected with the {@code expected} text, which lists the documented names.
 *
 * <p>Not a {@link org.eclipse.microprofile.config.spi.Converter} itself: each enum's own {@code
 * Converter} delegates to one of these. SmallRye Config reads the converted type from the {@code
 * convert} method the named converter class declares, and a generic one erases to {@code Enum}.
 */
public final class EnumNames<E extends Enum<E>> {

    private final String expected;
    private final Map<String, E> byAlias;

    public EnumNames(String expected, Map<String, E> byAlias) {
        for (String alias : byAlias.keySet()) {
            if (!alias.equals(alias.strip().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("alias '" + alias + "' would never match: use lower case");
            }
        }
        this.expected = expected;
        this.byAlias = Map.copyOf(byAlias);
    }

    /** The value {@code value} names; IllegalArgumentException with the expected text when none. */
    public E parse(String value) {
        E named = byAlias.get(value.trim().toLowerCase(Locale.ROOT));
        if (named == null) {
            throw new IllegalArgumentException(expected);
        }
        return named;
    }
}
