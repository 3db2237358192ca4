package dev.vigil.worker.endpoint;

import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.vigil.health.canary.EndpointActivity;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.protocol.ClearKvBlocksResponse;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.protocol.WireFormatException;
import dev.vigil.runtime.time.Clock;
import dev.vigil.runtime.transport.IncomingRequest;
import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.worker.admission.AdmissionQueue;
import dev.vigil.worker.engine.Engine;
import dev.vigil.worker.metrics.EndpointMetrics;
import dev.vigil.worker.metrics.WorkerMetricNames;

/**
 * The request-plane handlers of the worker's three endpoints, in front of the engine; a {@code
 * generate} request passes the admission queue first ({@link GenerateCall}).
 */
public final class EndpointHandlers {

    private static final Logger LOG = Logger.getLogger(EndpointHandlers.class);

    private final Engine engine;
    private final AdmissionQueue admission;
    private final InstanceId id;
    private final EndpointActivity generateActivity;
    private final Runnable cancelled;
    private final Function<WorkerEndpoint, EndpointMetrics> metrics;
    private final Clock clock;

    /**
     * @param admission the queue in front of the engine, which every {@code generate} request passes
     * @param activities where each endpoint reports its requests to the canary (its tokens and
     *     successful ends); only {@code generate} streams tokens, so only it reports
     * @param cancelled counts a cancelled request; called at most once per request
     * @param metrics each endpoint's request metrics
     * @param clock measures each request's duration for its metrics
     */
    public EndpointHandlers(
            Engine engine,
            AdmissionQueue admission,
            InstanceId id,
            Function<WorkerEndpoint, EndpointActivity> activities,
            Runnable cancelled,
            Function<WorkerEndpoint, EndpointMetrics> metrics,
            Clock clock) {
        this.engine = engine;
        this.admission = admission;
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
        new GenerateCall(request, body, engine, generateActivity, cancelled).submit(admission);
    }

    /**
     * The engine's load, with the requests waiting in the admission queue counted as waiting: for
     * the frontend they are this worker's queue, wherever they wait.
     */
    public LoadMetrics load() {
        LoadMetrics engineLoad = engine.loadMetrics(id.value());
        int queued = admission.waiting();
        return queued == 0
                ? engineLoad
                : new LoadMetrics(
                        engineLoad.workerId(),
                        engineLoad.kvUsedBlocks(),
                        engineLoad.kvTotalBlocks(),
                        engineLoad.activePrefillTokens(),
                        engineLoad.activeDecodeBlocks(),
                        engineLoad.activeSequences(),
                        engineLoad.queueDepth() + queued);
    }

    private void clearKvBlocks(IncomingRequest request) {
        int cleared = engine.clearKvBlocks();
        request.send(WireCodec.encode(new ClearKvBlocksResponse(cleared)));
        request.complete();
    }

    private void loadMetrics(IncomingRequest request) {
        request.send(WireCodec.encode(load()));
        request.complete();
    }
}
