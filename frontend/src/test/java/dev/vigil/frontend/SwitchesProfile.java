package dev.vigil.frontend;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * One Quarkus test profile (one app start) for the frontend's switches that do not meet in any test
 * that uses it, as {@code FrontendSwitchesIT} runs them in one cluster: Dynamo's 529 for "all workers
 * busy" under a 0.5 decode-blocks threshold ({@code OverloadStatusTest}: a worker is busy only once
 * it publishes load, and no other test here publishes any), the admin API off ({@code
 * AdminApiDisabledTest}: no other test here calls it), and SSE keep-alives every {@value
 * #KEEP_ALIVE_INTERVAL_MS} ms ({@code SseKeepAliveTest}: the others send no streaming request).
 */
public class SwitchesProfile implements QuarkusTestProfile {

    public static final int KEEP_ALIVE_INTERVAL_MS = 100;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "dyn.http-overload-status-code", "529",
                "dyn.active-decode-blocks-threshold", "0.5",
                "dyn.disable-frontend-admin-api", "true",
                "dyn.http.sse-keep-alive-interval-ms", String.valueOf(KEEP_ALIVE_INTERVAL_MS));
    }
}
