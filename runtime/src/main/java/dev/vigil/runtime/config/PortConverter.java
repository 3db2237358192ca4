package dev.vigil.runtime.config;

import org.eclipse.microprofile.config.spi.Converter;

/** A TCP port: an integer 0–65535, where 0 asks the OS for a free port. */
public class PortConverter implements Converter<Integer> {

    @Override
    public Integer convert(String value) {
        String text = value.trim();
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected an integer port 0-65535");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("expected an integer port 0-65535");
        }
        return port;
    }
}
