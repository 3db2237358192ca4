package dev.vigil.runtime.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.ModelCard;
import dev.vigil.runtime.model.Transport;

class DiscoveryJsonTest {

    private static final EndpointId GENERATE = new EndpointId("dynamo", "backend", "generate");
    private static final InstanceId SEED = InstanceId.fromHex("694d98147d54be25");
    private static final String SEED_JSON =
            "{\"type\":\"Endpoint\",\"component\":\"backend\",\"endpoint\":\"generate\","
                    + "\"namespace\":\"dynamo\",\"instance_id\":7587888160958627365,"
                    + "\"transport\":{\"nats_tcp\":\"dynamo_backend.generate-694d98147d54be25\"}}";

    @Test
    void seedInstanceEncodesToTheExactBytes() {
        assertEquals(7587888160958627365L, SEED.value());
        assertEquals(SEED_JSON, DiscoveryJson.encode(GENERATE.instance(SEED)));
    }

    @Test
    void seedInstanceDecodes() {
        assertEquals(GENERATE.instance(SEED), DiscoveryJson.parseInstance(SEED_JSON.getBytes(UTF_8)));
    }

    @Test
    void idsAboveTwoToThe63RoundTripAsUnsignedIntegers() {
        InstanceId high = InstanceId.fromHex("f00dcafe12345678");
        Instance instance = GENERATE.instance(high);
        String json = DiscoveryJson.encode(instance);
        assertTrue(json.contains("\"instance_id\":17297704936375867000,"), json);
        assertEquals(instance, DiscoveryJson.parseInstance(json.getBytes(UTF_8)));

        InstanceId max = InstanceId.fromHex("ffffffffffffffff");
        ModelCard card = new ModelCard("mock-model", GENERATE, max, 1024, 16, 256);
        String cardJson = DiscoveryJson.encode(card);
        assertTrue(cardJson.contains("\"instance_id\":18446744073709551615,"), cardJson);
        assertEquals(card, DiscoveryJson.parseModel(cardJson.getBytes(UTF_8)));
    }

    @Test
    void anInProcessInstanceIsWrittenAsLocalNotAsNats() {
        Instance local = GENERATE.instance(SEED, new Transport.Local(GENERATE.subject(SEED)), null);
        String json = DiscoveryJson.encode(local);
        assertEquals(SEED_JSON.replace("\"nats_tcp\"", "\"local\""), json);
        assertEquals(local, DiscoveryJson.parseInstance(json.getBytes(UTF_8)));
    }

    @Test
    void modelCardShape() {
        ModelCard card = new ModelCard("mock-model", GENERATE, SEED, 1024, 16, 256);
        assertEquals(
                "{\"type\":\"Model\",\"name\":\"mock-model\",\"namespace\":\"dynamo\",\"component\":\"backend\","
                        + "\"endpoint\":\"generate\",\"instance_id\":7587888160958627365,\"kv_total_blocks\":1024,"
                        + "\"block_size\":16,\"max_num_seqs\":256}",
                DiscoveryJson.encode(card));
    }

    @Test
    void statusServerAddressIsAppendedAndReadBack() {
        Instance withStatus = GENERATE.instance(SEED, "http://10.0.0.5:9090");
        String encoded = DiscoveryJson.encode(withStatus);
        assertEquals(SEED_JSON.replace("}}", "},\"system_status_url\":\"http://10.0.0.5:9090\"}"), encoded);
        assertEquals(withStatus, DiscoveryJson.parseInstance(encoded.getBytes(UTF_8)));
        assertEquals(
                Optional.of("http://10.0.0.5:9090"),
                DiscoveryJson.parseInstance(encoded.getBytes(UTF_8)).statusServer());
    }

    @Test
    void dynamoValuesHaveNoStatusServer() {
        assertEquals(
                Optional.empty(),
                DiscoveryJson.parseInstance(SEED_JSON.getBytes(UTF_8)).statusServer());
    }

    @Test
    void nonStringStatusServerIsRejected() {
        String bad = SEED_JSON.replace("}}", "},\"system_status_url\":9090}");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> DiscoveryJson.parseInstance(bad.getBytes(UTF_8)));
        assertEquals("field 'system_status_url' is not a string", e.getMessage());
    }

    @Test
    void unknownFieldsAreIgnored() {
        String withExtras = SEED_JSON
                .replace("{\"type\"", "{\"device_type\":\"cuda\",\"type\"")
                .replace("\"nats_tcp\"", "\"tcp\":null,\"nats_tcp\"");
        assertEquals(GENERATE.instance(SEED), DiscoveryJson.parseInstance(withExtras.getBytes(UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not json",
                "[]",
                "{\"type\":\"Model\"}",
                "{\"type\":\"Endpoint\",\"component\":\"backend\",\"endpoint\":\"generate\",\"namespace\":\"dynamo\","
                        + "\"instance_id\":-1,\"transport\":{\"nats_tcp\":\"s\"}}",
                "{\"type\":\"Endpoint\",\"component\":\"backend\",\"endpoint\":\"generate\",\"namespace\":\"dynamo\","
                        + "\"instance_id\":18446744073709551616,\"transport\":{\"nats_tcp\":\"s\"}}",
                "{\"type\":\"Endpoint\",\"component\":\"backend\",\"endpoint\":\"generate\",\"namespace\":\"dynamo\","
                        + "\"instance_id\":1.5,\"transport\":{\"nats_tcp\":\"s\"}}",
                "{\"type\":\"Endpoint\",\"component\":\"backend\",\"endpoint\":\"generate\",\"namespace\":\"dynamo\","
                        + "\"instance_id\":1,\"transport\":{}}"
            })
    void badInstanceValuesAreRejectedWithAReason(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> DiscoveryJson.parseInstance(value.getBytes(UTF_8)));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }

    @Test
    void badValuesAreSkippedNotThrown() {
        String key = DiscoveryKeys.instance(GENERATE, SEED);
        assertEquals(Optional.empty(), DiscoveryJson.decodeInstance(key, "{oops".getBytes(UTF_8)));
        assertEquals(Optional.empty(), DiscoveryJson.decodeModel(DiscoveryKeys.MODELS_PREFIX + "x", new byte[] {1, 2}));
        assertEquals(
                Optional.of(GENERATE.instance(SEED)), DiscoveryJson.decodeInstance(key, SEED_JSON.getBytes(UTF_8)));
    }

    @Test
    void aValueThatNamesAnotherInstanceThanItsKeyIsSkipped() {
        String otherKey = DiscoveryKeys.instance(GENERATE, new InstanceId(42));
        assertEquals(Optional.empty(), DiscoveryJson.decodeInstance(otherKey, SEED_JSON.getBytes(UTF_8)));
        String notAKey = "v1/instances/dynamo/backend/generate";
        assertEquals(Optional.empty(), DiscoveryJson.decodeInstance(notAKey, SEED_JSON.getBytes(UTF_8)));
    }

    @Test
    void aDrainingMarkRoundTripsAndAValueNamingAnotherProcessIsSkipped() {
        InstanceId id = InstanceId.fromHex("f94d98147d54be25"); // above 2^63: written unsigned
        String key = DiscoveryKeys.draining(id);
        String value = DiscoveryJson.encodeDraining(id);
        assertEquals("{\"type\":\"Draining\",\"instance_id\":" + id.decimal() + "}", value);
        assertEquals(java.util.Optional.of(id), DiscoveryJson.decodeDraining(key, value.getBytes(UTF_8)));
        String other = DiscoveryJson.encodeDraining(InstanceId.fromHex("1"));
        assertTrue(DiscoveryJson.decodeDraining(key, other.getBytes(UTF_8)).isEmpty());
        assertTrue(DiscoveryJson.decodeDraining(key, "{\"type\":\"Model\"}".getBytes(UTF_8))
                .isEmpty());
        assertTrue(DiscoveryJson.decodeDraining(key, "not json".getBytes(UTF_8)).isEmpty());
    }

    @Test
    void aVerdictRoundTripsAndOneNamingAnotherPairOrWithoutTtlIsSkipped() {
        InstanceId worker = InstanceId.fromHex("f94d98147d54be25");
        InstanceId reporter = InstanceId.fromHex("2a");
        var verdict = new dev.vigil.runtime.model.HealthVerdict(
                worker, reporter, "inhibited", java.time.Duration.ofMillis(5000));
        String key = DiscoveryKeys.verdict(worker, reporter);
        String value = DiscoveryJson.encode(verdict);
        assertEquals(
                "{\"type\":\"Verdict\",\"worker\":" + worker.decimal() + ",\"reporter\":42,"
                        + "\"exclusion\":\"inhibited\",\"ttl_ms\":5000}",
                value);
        assertEquals(java.util.Optional.of(verdict), DiscoveryJson.decodeVerdict(key, value.getBytes(UTF_8)));
        assertTrue(DiscoveryJson.decodeVerdict(DiscoveryKeys.verdict(reporter, worker), value.getBytes(UTF_8))
                .isEmpty());
        assertTrue(DiscoveryJson.decodeVerdict(
                        key, value.replace(",\"ttl_ms\":5000", "").getBytes(UTF_8))
                .isEmpty());
        assertTrue(DiscoveryJson.decodeVerdict(key, value.replace("5000", "-1").getBytes(UTF_8))
                .isEmpty());
    }
}
