package dev.vigil.runtime.discovery;

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

class DiscoveryKeysTest {

    private static final EndpointId GENERATE = new EndpointId("dynamo", "backend", "generate");
    private static final InstanceId SEED = InstanceId.fromHex("694d98147d54be25");

    @Test
    void instanceKeyInDynamoLayout() {
        Instance instance = GENERATE.instance(SEED);
        assertEquals("v1/instances/dynamo/backend/generate/694d98147d54be25", DiscoveryKeys.instance(instance));
        assertTrue(DiscoveryKeys.instance(instance).startsWith(DiscoveryKeys.INSTANCES_PREFIX));
    }

    @Test
    void modelKeyInDynamoLayout() {
        ModelCard card = new ModelCard("mock-model", GENERATE, SEED, 1024, 16, 256);
        assertEquals("v1/mdc/dynamo/backend/generate/694d98147d54be25", DiscoveryKeys.model(card));
        assertTrue(DiscoveryKeys.model(card).startsWith(DiscoveryKeys.MODELS_PREFIX));
    }

    @Test
    void keysParseBackIntoEndpointAndId() {
        InstanceId high = InstanceId.fromHex("ffffffffffffffff");
        String key = DiscoveryKeys.instance(GENERATE, high);
        assertEquals(Optional.of(new DiscoveryKeys.Parsed(GENERATE, high)), DiscoveryKeys.parseInstance(key));

        ModelCard card = new ModelCard("m", GENERATE, SEED, 1, 1, 1);
        assertEquals(
                Optional.of(new DiscoveryKeys.Parsed(GENERATE, SEED)),
                DiscoveryKeys.parseModel(DiscoveryKeys.model(card)));
    }

    @Test
    void aKeyOfTheOtherKindDoesNotParse() {
        String instanceKey = DiscoveryKeys.instance(GENERATE, SEED);
        assertEquals(Optional.empty(), DiscoveryKeys.parseModel(instanceKey));
        assertEquals(Optional.empty(), DiscoveryKeys.parseInstance(instanceKey.replace("v1/instances/", "v1/mdc/")));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "v1/instances/dynamo/backend/generate",
                "v1/instances/dynamo/backend/generate/",
                "v1/instances/dynamo/backend/generate/694d/extra",
                "v1/instances/dynamo//generate/694d",
                "v1/instances/dynamo/backend/generate/xyz",
                "v1/instances/dynamo/backend/generate/694D98147D54BE25",
                "v1/instances/dynamo/backend/generate/0694d98147d54be25",
                "v1/instances/dynamo/backend/generate/1ffffffffffffffff",
                "v2/instances/dynamo/backend/generate/694d",
                ""
            })
    void malformedKeysDoNotParse(String key) {
        assertEquals(Optional.empty(), DiscoveryKeys.parseInstance(key));
    }

    @Test
    void idZeroIsOneDigit() {
        String key = DiscoveryKeys.instance(GENERATE, new InstanceId(0));
        assertEquals("v1/instances/dynamo/backend/generate/0", key);
        assertEquals(
                new InstanceId(0),
                DiscoveryKeys.parseInstance(key).orElseThrow().id());
    }

    @Test
    void namesWithASlashAreRefused() {
        EndpointId bad = new EndpointId("dyn/amo", "backend", "generate");
        var e = assertThrows(IllegalArgumentException.class, () -> DiscoveryKeys.instance(bad, SEED));
        assertTrue(e.getMessage().contains("namespace"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> DiscoveryKeys.instance(new EndpointId("dynamo", "", "generate"), SEED));
    }

    @Test
    void aDrainingKeyNamesTheProcessAloneAndParsesBackOnlyWhenCanonical() {
        assertEquals("v1/vigil/draining/694d98147d54be25", DiscoveryKeys.draining(SEED));
        assertEquals(java.util.Optional.of(SEED), DiscoveryKeys.parseDraining("v1/vigil/draining/694d98147d54be25"));
        for (String bad : new String[] {
            "v1/vigil/draining/", "v1/vigil/draining/0694d98147d54be25", "v1/vigil/draining/694D98147D54BE25",
            "v1/vigil/draining/694d98147d54be25/x", "v1/instances/694d98147d54be25", "v1/vigil/draining/xyz"
        }) {
            assertTrue(DiscoveryKeys.parseDraining(bad).isEmpty(), bad);
        }
    }

    @Test
    void aVerdictKeyNamesTheWorkerThenTheReporter() {
        InstanceId reporter = InstanceId.fromHex("1f");
        assertEquals("v1/vigil/verdicts/694d98147d54be25/1f", DiscoveryKeys.verdict(SEED, reporter));
        assertEquals(
                java.util.Optional.of(new DiscoveryKeys.VerdictKey(SEED, reporter)),
                DiscoveryKeys.parseVerdict("v1/vigil/verdicts/694d98147d54be25/1f"));
        for (String bad : new String[] {
            "v1/vigil/verdicts/694d98147d54be25",
            "v1/vigil/verdicts/694d98147d54be25/1f/x",
            "v1/vigil/verdicts//1f",
            "v1/vigil/verdicts/694d98147d54be25/01f"
        }) {
            assertTrue(DiscoveryKeys.parseVerdict(bad).isEmpty(), bad);
        }
    }
}
