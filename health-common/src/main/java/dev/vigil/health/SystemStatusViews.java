package dev.vigil.health;

import dev.vigil.health.http.HealthResponse;
import dev.vigil.health.json.DynamoHealthJson;

/**
 * The worker's system status answers, computed from {@link SystemHealth} alone: the health path and
 * the live path. Dynamo serves the same answer on both; with {@code shallowLive} the live path only
 * says the process is up, so a liveness probe never restarts a worker that is merely busy or still
 * loading (Dynamo's restart storms, where a liveness probe killed workers still loading).
 */
public final class SystemStatusViews {

    private final SystemHealth health;
    private final boolean shallowLive;
    private final DynamoHealthJson json = new DynamoHealthJson();

    public SystemStatusViews(SystemHealth health, boolean shallowLive) {
        this.health = health;
        this.shallowLive = shallowLive;
    }

    public SystemHealth health() {
        return health;
    }

    public boolean shallowLive() {
        return shallowLive;
    }

    /** 200 when ready, 503 when not, with the Dynamo body. */
    public HealthResponse healthResponse() {
        HealthSnapshot snapshot = health.snapshot();
        return new HealthResponse(
                snapshot.ready() ? 200 : 503, HealthResponse.TEXT_UTF8, json.health(snapshot, health.uptime()));
    }

    /** The health answer, or 200 {@code {"status":"live",…}} when the live path is shallow. */
    public HealthResponse liveResponse() {
        if (shallowLive) {
            return new HealthResponse(200, HealthResponse.TEXT_UTF8, DynamoHealthJson.live(health.uptime()));
        }
        return healthResponse();
    }

    /** Whether the live view currently answers 200. */
    public boolean live() {
        return shallowLive || health.isReady();
    }
}
