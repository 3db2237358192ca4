package dev.vigil.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InstanceIdTest {

    @Test
    void seedIdInHexAndExactDecimal() {
        InstanceId id = InstanceId.fromHex("694d98147d54be25");
        assertEquals("694d98147d54be25", id.hex());
        assertEquals("7587888160958627365", id.decimal());
    }

    @Test
    void idsAboveTwoToThe63AreUnsigned() {
        InstanceId id = InstanceId.fromHex("ffffffffffffffff");
        assertEquals("18446744073709551615", id.decimal());
        assertEquals("ffffffffffffffff", id.hex());
    }

    @Test
    void hexIsLowerCaseAndUnpadded() {
        assertEquals("2a", new InstanceId(42).hex());
    }

    @Test
    void endpointUrl() {
        Instance i = new Instance("dynamo", "backend", "generate", new InstanceId(1), "dynamo_backend.generate-1");
        assertEquals("dyn://dynamo.backend.generate", i.endpointUrl());
    }
}
