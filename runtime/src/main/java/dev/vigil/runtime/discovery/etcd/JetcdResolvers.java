package dev.vigil.runtime.discovery.etcd;

import java.util.concurrent.atomic.AtomicBoolean;

import io.etcd.jetcd.resolver.IPResolverProvider;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;

/**
 * The gRPC name resolver jetcd needs, registered by hand. jetcd addresses etcd as {@code
 * ip:///host:port,…} and expects gRPC to find the {@code ip} scheme's resolver through {@link
 * java.util.ServiceLoader}. A native executable has no such lookup: Quarkus replaces gRPC's provider
 * discovery with gRPC's own hard-coded list, which knows only {@code dns}, and the worker would fail
 * to reach etcd at run time, never at build time. On the JVM the registry already has an equivalent
 * provider and this adds a second one of the same priority.
 */
final class JetcdResolvers {

    private static final AtomicBoolean REGISTERED = new AtomicBoolean();

    private JetcdResolvers() {}

    /** The provider of the scheme jetcd's client targets; see {@code JetcdResolversTest}. */
    static NameResolverProvider provider() {
        return new IPResolverProvider();
    }

    /** Registers the provider once per process, before the first client is built. */
    static void register() {
        if (REGISTERED.compareAndSet(false, true)) {
            NameResolverRegistry.getDefaultRegistry().register(provider());
        }
    }
}
