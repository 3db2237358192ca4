package dev.vigil.runtime.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.spi.Converter;

/** Comma-separated {@code http://host:port} URLs, at least one. */
public class UrlListConverter implements Converter<InfrastructureConfig.UrlList> {

    private static final String EXPECTED =
            "expected comma-separated URLs such as http://127.0.0.1:2379,http://10.0.0.2:2379";

    @Override
    public InfrastructureConfig.UrlList convert(String value) {
        List<String> urls = new ArrayList<>();
        for (String part : value.split(",")) {
            String url = part.trim();
            if (url.isEmpty()) {
                continue;
            }
            try {
                URI uri = URI.create(url);
                if (uri.getScheme() == null || uri.getHost() == null || uri.getPort() < 0) {
                    throw new IllegalArgumentException(EXPECTED);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(EXPECTED);
            }
            urls.add(url);
        }
        if (urls.isEmpty()) {
            throw new IllegalArgumentException(EXPECTED);
        }
        return new InfrastructureConfig.UrlList(urls);
    }
}
