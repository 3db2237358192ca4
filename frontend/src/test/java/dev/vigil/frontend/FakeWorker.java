package dev.vigil.frontend;

import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;

import org.awaitility.Awaitility;

import dev.vigil.runtime.discovery.mem.InMemoryDiscovery;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.ModelCard;
import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.ServedEndpoint;

/**
 * A worker inside the frontend's test process: one instance of {@code dynamo.backend.generate} with
 * a model card, registered in the shared in-memory discovery the frontend watches, its subject served
 * on the in-process request plane by the test's handler. Close it to stop serving and leave discovery.
 */
public final class FakeWorker implements AutoCloseable {

    /** How long the frontend may take to see a registration: in-process, so well under this. */
    private static final Duration LISTED = Duration.ofSeconds(5);

    private final InMemoryDiscovery discovery;
    private final Instance instance;
    private final ServedEndpoint served;

    private FakeWorker(InMemoryDiscovery discovery, Instance instance, ServedEndpoint served) {
        this.discovery = discovery;
        this.instance = instance;
        this.served = served;
    }

    /**
     * Serves with {@code handler}, then registers the instance (with {@code statusUrl} as its system
     * status server, or none when null) and a card for {@code model}, as a worker does: serve first,
     * register second.
     */
    public static FakeWorker start(RequestPlane plane, String model, String statusUrl, RequestHandler handler) {
        InMemoryDiscovery discovery = new InMemoryDiscovery(InMemoryDiscovery.Store.shared());
        EndpointId generate = new EndpointId("dynamo", "backend", "generate");
        Instance instance = statusUrl == null
                ? generate.instance(discovery.instanceId())
                : generate.instance(discovery.instanceId(), statusUrl);
        ServedEndpoint served = plane.serve(instance.address(), handler);
        discovery.register(instance);
        discovery.registerModel(new ModelCard(model, generate, discovery.instanceId(), 100, 16, 8));
        return new FakeWorker(discovery, instance, served);
    }

    /** Waits until {@code known} (the frontend's view of discovery) lists this worker's instance. */
    public FakeWorker awaitListed(Supplier<? extends Collection<Instance>> known) {
        Awaitility.await().atMost(LISTED).until(() -> known.get().contains(instance));
        return this;
    }

    public Instance instance() {
        return instance;
    }

    @Override
    public void close() {
        served.close();
        discovery.close();
    }
}
