package dev.vigil.worker.endpoint;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.vigil.health.canary.EndpointActivity;
import dev.vigil.health.canary.EndpointActivity.ActiveRequest;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.protocol.ClearKvBlocksResponse;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.protocol.WireFormatException;
import dev.vigil.runtime.time.Clock;
import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.IncomingRequest;
import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.worker.engine.Engine;
import dev.vigil.worker.engine.Generation;
import dev.vigil.worker.engine.TokenSink;
import dev.vigil.worker.metrics.EndpointMetrics;
import dev.vigil.worker.metrics.WorkerMetricNames;

/** The request-plane handlers of the worker's three endpoints, in front of the engine. */
public final class EndpointHandlers {

    private static final Logger LOG = Logger.getLogger(EndpointHandlers.class);

    private final Engine engine;
    private final InstanceId id;
    private final EndpointActivity generateActivity;
    private final Runnable cancelled;
    private final Function<WorkerEndpoint, EndpointMetrics> metrics;
    private final Clock clock;

    /**
     * @param activities where each endpoint reports its requests to the canary (its tokens and
     *     successful ends); only {@code generate} streams tokens, so only it reports
     * @param cancelled counts a cancelled request; called at most once per request
     * @param metrics each endpoint's request metrics
     * @param clock measures each request's duration for its metrics
     */
    public EndpointHandlers(
            Engine engine,
            InstanceId id,
            Function<WorkerEndpoint, EndpointActivity> activities,
            Runnable cancelled,
            Function<WorkerEndpoint, EndpointMetrics> metrics,
            Clock clock) {
        this.engine = engine;
        this.id = id;
        this.generateActivity = activities.apply(WorkerEndpoint.GENERATE);
        this.cancelled = cancelled;
        this.metrics = metrics;
        this.clock = clock;
    }

    public RequestHandler forEndpoint(WorkerEndpoint endpoint) {
        EndpointMetrics meters = metrics.apply(endpoint);
        return switch (endpoint) {
            case GENERATE -> request -> generate(new MeteredRequest(request, meters, clock));
            case CLEAR_KV_BLOCKS -> request -> clearKvBlocks(new MeteredRequest(request, meters, clock));
            case LOAD_METRICS -> request -> loadMetrics(new MeteredRequest(request, meters, clock));
        };
    }

    private void generate(MeteredRequest request) {
        GenerateRequest body;
        try {
            body = WireCodec.decodeGenerateRequest(request.payload());
        } catch (WireFormatException e) {
            request.fail(WorkerMetricNames.DESERIALIZATION, "invalid generate request: " + e.getMessage());
            return;
        }
        if (body.tokenIds() == null || body.tokenIds().isEmpty()) {
            request.fail("invalid generate request: token_ids is empty");
            return;
        }
        // Dynamo's line; operators and tests find the worker that took a request by it.
        LOG.infof("Decode Request ID: %s", request.requestId());
        ActiveRequest active = generateActivity.requestStarted();
        // The engine may call the sink before generate() returns its handle.
        AtomicReference<Generation> handle = new AtomicReference<>();
        var generation = engine.generate(request.requestId(), body, new TokenSink() {
            @Override
            public void onOutput(EngineOutput output) {
                active.tokenProduced();
                request.send(WireCodec.encode(output));
                Generation running = handle.get();
                if (running != null && !request.writable()) {
                    // Flow control: the caller's client stopped reading. The engine waits, holding
                    // its place, until the caller grants credit again.
                    running.pause();
                    request.onWritable(running::resume);
                }
            }

            @Override
            public void onEnd() {
                request.complete();
                // Dynamo's activity signal: the end was sent, so the endpoint just proved itself
                // and the canary can wait.
                active.succeeded();
            }

            @Override
            public void onError(String message) {
                active.ended();
                request.fail(message);
            }

            @Override
            public void onEngineError(String message) {
                active.ended();
                request.failEngine(message);
            }

            @Override
            public void onBusy(String message) {
                active.ended();
                request.failBusy(message);
            }
        });
        handle.set(generation);
        AtomicBoolean counted = new AtomicBoolean();
        request.onControl(control -> {
            // A stop followed by a kill is still one cancelled request.
            if (counted.compareAndSet(false, true)) {
                cancelled.run();
            }
            if (control == Control.STOP) {
                generation.stop();
            } else {
                // A killed request never ends through the sink: stop counting it as in flight, or
                // the stall watchdog would wait for its tokens forever.
                active.ended();
                generation.kill();
            }
        });
    }

    private void clearKvBlocks(IncomingRequest request) {
        int cleared = engine.clearKvBlocks();
        request.send(WireCodec.encode(new ClearKvBlocksResponse(cleared)));
        request.complete();
    }

    private void loadMetrics(IncomingRequest request) {
        request.send(WireCodec.encode(engine.loadMetrics(id.value())));
        request.complete();
    }
}
