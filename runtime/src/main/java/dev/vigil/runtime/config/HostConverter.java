package dev.vigil.runtime.config;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * A host name or IP address another process can use in a URL: a DNS name, an IPv4 address or an
 * IPv6 address (with or without brackets). No scheme, port or path: those come from elsewhere.
 */
public class HostConverter implements Converter<String> {

    @Override
    public String convert(String value) {
        String host = value.trim();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        boolean ipv6 = host.indexOf(':') != host.lastIndexOf(':') && host.matches("[0-9A-Fa-f:.]+");
        boolean name = host.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
        if (!ipv6 && !name) {
            throw new IllegalArgumentException(
                    "expected a host name or IP address without scheme or port, such as 10.0.0.5 or worker-0.vigil");
        }
        return host;
    }
}
