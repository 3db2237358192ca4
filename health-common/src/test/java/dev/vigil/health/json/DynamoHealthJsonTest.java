package dev.vigil.health.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.vigil.health.HealthStatus;
import dev.vigil.health.SystemHealth;
import dev.vigil.health.SystemHealthTestAccess;
import dev.vigil.health.Uptime;

class DynamoHealthJsonTest {

    private final DynamoHealthJson json = new DynamoHealthJson();

    @Test
    void rendersTheSeedsNotReadyBodyByteForByte() {
        SystemHealth health = new SystemHealth(HealthStatus.NOT_READY, List.of("generate"), false);
        String body = json.health(health.snapshot(), new Uptime(12, 313803539));
        assertEquals(
                "{\"endpoints\":{\"generate\":\"notready\"},\"status\":\"notready\",\"uptime\":{\"nanos\":313803539,\"secs\":12}}",
                body);
        assertEquals(96, body.length(), "the seed's content-length");
    }

    @Test
    void rendersTheSeedsReadyBodyByteForByte() {
        SystemHealth health = new SystemHealth(HealthStatus.NOT_READY, List.of("generate"), false);
        health.endpointServed("generate");
        health.endpointServed("clear_kv_blocks");
        health.endpointServed("load_metrics");
        String body = json.health(health.snapshot(), new Uptime(18, 356504530));
        assertEquals(
                "{\"endpoints\":{\"clear_kv_blocks\":\"ready\",\"generate\":\"ready\",\"load_metrics\":\"ready\"},"
                        + "\"status\":\"ready\",\"uptime\":{\"nanos\":356504530,\"secs\":18}}",
                body);
        assertEquals(139, body.length(), "the seed's content-length");
    }

    @Test
    void emptyEndpointsRenderAsAnEmptyObject() {
        SystemHealth health = new SystemHealth(HealthStatus.READY, List.of(), false);
        assertEquals(
                "{\"endpoints\":{},\"status\":\"ready\",\"uptime\":{\"nanos\":5,\"secs\":0}}",
                json.health(health.snapshot(), new Uptime(0, 5)));
    }

    @Test
    void reusesTheRenderedHeadUntilTheSnapshotChanges() {
        SystemHealth health = new SystemHealth(HealthStatus.NOT_READY, List.of("generate"), false);
        String first = json.health(health.snapshot(), new Uptime(1, 0));
        String second = json.health(health.snapshot(), new Uptime(2, 0));
        assertEquals(first.replace("\"secs\":1", "\"secs\":2"), second);
        health.endpointServed("generate");
        assertEquals(
                "{\"endpoints\":{\"generate\":\"ready\"},\"status\":\"ready\",\"uptime\":{\"nanos\":0,\"secs\":3}}",
                json.health(health.snapshot(), new Uptime(3, 0)));
    }

    @Test
    void escapesEndpointNames() {
        SystemHealth health = new SystemHealth(HealthStatus.NOT_READY, List.of("we\"ird\\\n"), false);
        assertEquals(
                "{\"endpoints\":{\"we\\\"ird\\\\\\n\":\"notready\"},\"status\":\"notready\","
                        + "\"uptime\":{\"nanos\":0,\"secs\":0}}",
                json.health(health.snapshot(), new Uptime(0, 0)));
    }

    @Test
    void shallowLiveBodySaysLiveWithUptime() {
        assertEquals(
                "{\"status\":\"live\",\"uptime\":{\"nanos\":7,\"secs\":3}}", DynamoHealthJson.live(new Uptime(3, 7)));
    }

    @Test
    void viewsAnswer503UntilReadyAndShallowLiveAlways200() {
        AtomicLong clock = new AtomicLong();
        SystemHealth health = SystemHealthTestAccess.withClock(HealthStatus.NOT_READY, List.of("generate"), clock);
        var deep = new dev.vigil.health.SystemStatusViews(health, false);
        var shallow = new dev.vigil.health.SystemStatusViews(health, true);
        assertEquals(503, deep.healthResponse().statusCode());
        assertEquals(503, deep.liveResponse().statusCode());
        assertEquals(deep.healthResponse(), deep.liveResponse(), "Dynamo: the live path repeats the health answer");
        assertEquals(200, shallow.liveResponse().statusCode());
        assertEquals(
                "{\"status\":\"live\",\"uptime\":{\"nanos\":0,\"secs\":0}}",
                shallow.liveResponse().body());
        assertEquals("text/plain; charset=utf-8", deep.healthResponse().contentType());
        health.endpointServed("generate");
        assertEquals(200, deep.healthResponse().statusCode());
        assertEquals(200, deep.liveResponse().statusCode());
    }

    @Test
    void jsonStringsEscapeControlCharacters() {
        assertEquals("\"a\\u0001b\\tc\"", Json.quote("a\u0001b\tc"));
        assertSame(String.class, Json.quote("x").getClass());
    }
}
