package dev.vigil.frontend.probe;

import java.time.Duration;

/**
 * What one probe execution came to. Only a 2xx answer is a success, as in dstack; everything else
 * fails and says which way, for the {@code result} label and the status output.
 *
 * @param status the HTTP status code, 0 when no answer arrived
 * @param detail a short reason for a failure, such as {@code HTTP 503} or {@code connection refused};
 *     never the resolved url, headers or body, which may hold secrets
 */
public record ProbeOutcome(Result result, int status, Duration latency, String detail) {

    /** The {@code result} label of {@code vigil_frontend_probe_total}. */
    public enum Result {
        /** A 2xx answer. */
        SUCCESS("success"),
        /** Any other answer: 1xx, 3xx (redirects are not followed), 4xx, 5xx. */
        HTTP_STATUS("http_status"),
        /** No complete answer within the probe's timeout. */
        TIMEOUT("timeout"),
        /** The connection could not be made or broke before an answer. */
        CONNECT_ERROR("connect_error"),
        /** The probe could not be sent at all (an environment variable it refers to is gone). */
        ERROR("error");

        private final String label;

        Result(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public boolean success() {
        return result == Result.SUCCESS;
    }

    static ProbeOutcome answered(int status, Duration latency) {
        boolean ok = status >= 200 && status < 300;
        return new ProbeOutcome(
                ok ? Result.SUCCESS : Result.HTTP_STATUS, status, latency, ok ? null : "HTTP " + status);
    }
}
