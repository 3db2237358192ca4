package dev.vigil.worker.endpoint;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.vigil.runtime.time.Clock;
import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.IncomingRequest;
import dev.vigil.worker.metrics.EndpointMetrics;
import dev.vigil.worker.metrics.WorkerMetricNames;

/**
 * An incoming request that reports itself to its endpoint's {@link EndpointMetrics}: counted when it
 * arrives, its response bytes as they are sent, and its end once, however it comes: complete, fail,
 * or a kill (after which a handler sends nothing more, so no other end would come).
 */
final class MeteredRequest implements IncomingRequest {

    private final IncomingRequest request;
    private final EndpointMetrics metrics;
    private final Clock clock;
    private final long startNanos;
    private final AtomicBoolean ended = new AtomicBoolean();

    /** @param clock measures the request's duration, from now until it ends */
    MeteredRequest(IncomingRequest request, EndpointMetrics metrics, Clock clock) {
        this.request = request;
        this.metrics = metrics;
        this.clock = clock;
        this.startNanos = clock.nanoTime();
        metrics.started(request.payload().length);
        request.onControl(control -> {
            if (control == Control.KILL) {
                end();
            }
        });
    }

    @Override
    public String requestId() {
        return request.requestId();
    }

    @Override
    public byte[] payload() {
        return request.payload();
    }

    @Override
    public void send(byte[] data) {
        if (!ended.get()) {
            metrics.responded(data.length);
        }
        request.send(data);
    }

    @Override
    public void complete() {
        request.complete();
        end();
    }

    /** Fails as the engine's error ({@code error_type="generate"}). */
    @Override
    public void fail(String message) {
        fail(WorkerMetricNames.GENERATE, message);
    }

    /** The engine failed the request: migratable for the caller, counted as a generate error. */
    @Override
    public void failEngine(String message) {
        request.failEngine(message);
        if (end()) {
            metrics.failed(WorkerMetricNames.GENERATE);
        }
    }

    /**
     * The engine was full and took nothing: not an error of this worker (busy is not dead), so it is
     * not counted as one; the caller sends the request elsewhere.
     */
    @Override
    public void failBusy(String message) {
        request.failBusy(message);
        end();
    }

    /** Fails, counted under {@code errorType}, one of Dynamo's work-handler error types. */
    void fail(String errorType, String message) {
        request.fail(message);
        if (end()) {
            metrics.failed(errorType);
        }
    }

    @Override
    public boolean stopped() {
        return request.stopped();
    }

    @Override
    public boolean killed() {
        return request.killed();
    }

    @Override
    public boolean writable() {
        return request.writable();
    }

    @Override
    public void onWritable(Runnable resume) {
        request.onWritable(resume);
    }

    @Override
    public void onControl(Consumer<Control> listener) {
        request.onControl(listener);
    }

    private boolean end() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        metrics.ended(clock.nanoTime() - startNanos);
        return true;
    }
}
