package dev.vigil.runtime.discovery.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.etcd.jetcd.Client;
import io.grpc.NameResolverRegistry;

/**
 * The resolver registered by hand covers the scheme jetcd's client actually targets, so a jetcd
 * upgrade that changes it fails here and not in a native executable at run time.
 */
class JetcdResolversTest {

    @Test
    void theRegisteredProviderServesTheSchemeJetcdTargets() {
        String target = Client.builder()
                .endpoints("http://etcd-0.etcd:2379", "http://etcd-1.etcd:2379")
                .target();
        assertEquals(URI.create(target).getScheme(), JetcdResolvers.provider().getDefaultScheme(), target);
    }

    @Test
    void afterRegistrationTheSchemeResolves() {
        JetcdResolvers.register();
        JetcdResolvers.register();
        String scheme = JetcdResolvers.provider().getDefaultScheme();
        assertNotNull(NameResolverRegistry.getDefaultRegistry().getProviderForScheme(scheme), scheme);
    }
}
