package dev.vigil.runtime.config;

import java.util.Locale;
import java.util.Map;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * An enum setting read by its names: each value has one or more lower-case aliases (Dynamo's spelling
 * first, e.g. {@code kv_store} for etcd), matched ignoring case and surrounding whitespace; anything
 * else is rejected with the {@code expected} text, which lists the documented names.
 *
 * <p>An enum's own {@code Converter} delegates to one of these rather than extending it: SmallRye
 * Config reads the converted type from the {@code convert} method the named converter class declares,
 * and an inherited generic one erases to {@code Enum}.
 */
public final class EnumConverter<E extends Enum<E>> implements Converter<E> {

    private final String expected;
    private final Map<String, E> byAlias;

    public EnumConverter(String expected, Map<String, E> byAlias) {
        for (String alias : byAlias.keySet()) {
            if (!alias.equals(alias.strip().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("alias '" + alias + "' would never match: use lower case");
            }
        }
        this.expected = expected;
        this.byAlias = Map.copyOf(byAlias);
    }

    @Override
    public E convert(String value) {
        E named = byAlias.get(value.trim().toLowerCase(Locale.ROOT));
        if (named == null) {
            throw new IllegalArgumentException(expected);
        }
        return named;
    }
}
