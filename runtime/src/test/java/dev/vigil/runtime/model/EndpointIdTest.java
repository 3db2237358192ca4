package dev.vigil.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EndpointIdTest {

    @Test
    void seedSubject() {
        EndpointId id = new EndpointId("dynamo", "backend", "generate");
        assertEquals("dynamo_backend.generate-694d98147d54be25", id.subject(InstanceId.fromHex("694d98147d54be25")));
    }

    @Test
    void namespaceAndComponentAreSluggedTheEndpointIsNot() {
        EndpointId id = new EndpointId("My NS.v2", "Back/End", "generate");
        assertEquals("my_ns_v2_back_end.generate-2a", id.subject(new InstanceId(42)));
    }

    @Test
    void slugKeepsLowerCaseDigitsUnderscoreAndDash() {
        assertEquals("dynamo-ns_vllm_worker-2", EndpointId.slug("Dynamo-NS_vLLM_Worker-2"));
        assertEquals("a_b_c_d", EndpointId.slug("a.b c*d"));
    }

    @Test
    void instanceCarriesItsSubject() {
        Instance instance = new EndpointId("dynamo", "backend", "generate").instance(new InstanceId(1));
        assertEquals("dynamo_backend.generate-1", instance.address());
    }
}
