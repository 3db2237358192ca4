package dev.vigil.worker;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** {@code DYN_SYSTEM_LIVE_SHALLOW=true}: a not-ready worker is still live. */
@QuarkusTest
@TestProfile(ShallowLiveTest.Shallow.class)
class ShallowLiveTest {

    public static class Shallow implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "dyn.system.live-shallow", "true",
                    "dyn.system.use-endpoint-health-status", "[\"generate\"]");
        }
    }

    @Test
    void liveIs200WhileHealthIs503() {
        given().get("/health").then().statusCode(503);
        Response live = given().get("/live");
        assertEquals(200, live.statusCode());
        assertEquals(SystemStatusServerTest.TEXT, live.contentType());
        Map<String, Object> body = JsonPath.from(live.asString()).getMap("$");
        assertEquals(Set.of("status", "uptime"), body.keySet());
        assertEquals("live", body.get("status"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(503);
    }
}
