package dev.vigil.runtime.config;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * A namespace, component or model-free name as it appears in etcd keys and NATS subjects: lower-case
 * letters, digits, {@code _} and {@code -}. Anything else would break the key layout or the subject.
 */
public class NameConverter implements Converter<String> {

    @Override
    public String convert(String value) {
        String name = value.trim();
        if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new IllegalArgumentException("expected lower-case letters, digits, '_' and '-', such as dynamo");
        }
        return name;
    }
}
