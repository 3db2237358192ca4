package dev.vigil.frontend.config;

import org.eclipse.microprofile.config.spi.Converter;
import org.jboss.logging.Logger;

/**
 * {@code DYN_HTTP_OVERLOAD_STATUS_CODE}: {@code 503}, {@code 529} or {@code 429} (Too Many Requests,
 * which many HTTP clients and gateways already retry with backoff; Vigil's addition). Unlike every
 * other setting, a value outside these falls back (to 503, Vigil's default) with a WARN instead of
 * stopping the frontend: that is Dynamo's behaviour for this variable, and manifests written for
 * Dynamo rely on it.
 */
public class OverloadStatusConverter implements Converter<Integer> {

    private static final Logger LOG = Logger.getLogger(OverloadStatusConverter.class);

    /** Vigil's default, the seeds' status; Dynamo's current default is {@link #SITE_OVERLOADED}. */
    public static final int SERVICE_UNAVAILABLE = 503;

    /** The unofficial "site is overloaded" status Dynamo now answers with by default. */
    public static final int SITE_OVERLOADED = 529;

    /** Too Many Requests: the status clients and gateways know best as "back off and retry". */
    public static final int TOO_MANY_REQUESTS = 429;

    @Override
    public Integer convert(String value) {
        String text = value.trim();
        if (text.equals("503") || text.equals("529") || text.equals("429")) {
            return Integer.valueOf(text);
        }
        LOG.warnf(
                "Invalid DYN_HTTP_OVERLOAD_STATUS_CODE=\"%s\": expected 429, 503 or 529; using %d",
                value, SERVICE_UNAVAILABLE);
        return SERVICE_UNAVAILABLE;
    }
}
