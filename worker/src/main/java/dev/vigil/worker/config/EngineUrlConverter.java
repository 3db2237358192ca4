package dev.vigil.worker.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * The base URL of an OpenAI-compatible engine: {@code http} or {@code https}, a host, an optional port
 * and path, no query or fragment. A trailing {@code /} and a trailing {@code /v1} are dropped, since
 * operators copy either form from their engine's docs and the routes are added to the base.
 */
public class EngineUrlConverter implements Converter<URI> {

    private static final String EXPECTED = "expected an http(s) base URL such as http://127.0.0.1:8000";

    @Override
    public URI convert(String value) {
        URI uri;
        try {
            uri = new URI(value.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(EXPECTED);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https"))
                || uri.getHost() == null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(EXPECTED);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.endsWith("/v1")) {
            path = path.substring(0, path.length() - 3);
        }
        return URI.create(scheme + "://" + uri.getRawAuthority() + path);
    }
}
