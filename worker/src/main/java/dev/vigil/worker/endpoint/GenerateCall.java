package dev.vigil.worker.endpoint;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.vigil.health.canary.EndpointActivity;
import dev.vigil.health.canary.EndpointActivity.ActiveRequest;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.transport.Control;
import dev.vigil.worker.admission.AdmissionQueue;
import dev.vigil.worker.engine.Engine;
import dev.vigil.worker.engine.Generation;
import dev.vigil.worker.engine.TokenSink;

/**
 * One {@code generate} request on its way through the worker: it asks the admission queue for a slot,
 * runs in the engine once it has one (its stream going to the caller), and gives the slot back when
 * the engine is done with it. A request the queue refuses is answered busy, which the frontend takes
 * as "try another worker", never as a failure of this one. A caller's stop or kill reaches it wherever
 * it is: still waiting, it leaves the queue at once; running, the engine ends it.
 */
final class GenerateCall implements TokenSink {

    private final MeteredRequest request;
    private final GenerateRequest body;
    private final Engine engine;
    private final EndpointActivity activity;
    private final Runnable cancelled;
    private final AtomicBoolean counted = new AtomicBoolean();

    private volatile AdmissionQueue.Ticket ticket;
    private volatile ActiveRequest active;
    // Guarded by this: the engine's handle, and a control that came before it.
    private Generation generation;
    private Control early;

    /**
     * @param activity where the request reports to the canary, once it is in the engine (a request
     *     waiting for a slot produces nothing, and must not look like a stalled engine)
     * @param cancelled counts a cancelled request, at most once
     */
    GenerateCall(
            MeteredRequest request,
            GenerateRequest body,
            Engine engine,
            EndpointActivity activity,
            Runnable cancelled) {
        this.request = request;
        this.body = body;
        this.engine = engine;
        this.activity = activity;
        this.cancelled = cancelled;
    }

    void submit(AdmissionQueue admission) {
        ticket = admission.submit(body.admissionPriority(), this::start, this::refused);
        request.onControl(this::control);
    }

    /** The queue gave the request its slot. */
    private void start(AdmissionQueue.Ticket admitted) {
        ticket = admitted;
        active = activity.requestStarted();
        // The engine may call this sink before generate() returns its handle.
        Generation started = engine.generate(request.requestId(), body, this);
        Control pending;
        synchronized (this) {
            generation = started;
            pending = early;
        }
        if (pending != null) {
            apply(pending, started);
        }
    }

    private void refused(AdmissionQueue.Rejection rejection) {
        request.failBusy(
                switch (rejection) {
                    case QUEUE_FULL -> "worker busy: its admission queue is full (DYN_BACKEND_ADMISSION_QUEUE_SIZE)";
                    case QUEUE_TIMEOUT -> "worker busy: no slot in the engine within the admission queue timeout"
                            + " (DYN_BACKEND_ADMISSION_QUEUE_TIMEOUT_MS)";
                });
    }

    private void control(Control control) {
        // A stop followed by a kill is still one cancelled request.
        if (counted.compareAndSet(false, true)) {
            cancelled.run();
        }
        AdmissionQueue.Ticket waiting = ticket;
        if (waiting != null && waiting.leaveQueue()) {
            // It never reached the engine. A stop ends it as the engine would; after a kill the
            // caller expects nothing more.
            if (control == Control.STOP) {
                request.send(WireCodec.encode(new EngineOutput(List.of(), "", EngineOutput.CANCELLED)));
                request.complete();
            }
            return;
        }
        Generation running;
        synchronized (this) {
            running = generation;
            if (running == null && early != Control.KILL) {
                early = control;
            }
        }
        if (running != null) {
            apply(control, running);
        }
    }

    private void apply(Control control, Generation running) {
        if (control == Control.STOP) {
            running.stop();
        } else {
            // A killed request never ends through the sink: stop counting it as in flight, or the
            // stall watchdog would wait for its tokens forever; and its slot is free now.
            active.ended();
            running.kill();
            ticket.release();
        }
    }

    @Override
    public void onOutput(EngineOutput output) {
        active.tokenProduced();
        request.send(WireCodec.encode(output));
        Generation running;
        synchronized (this) {
            running = generation;
        }
        if (running != null && !request.writable()) {
            // Flow control: the caller's client stopped reading. The engine waits, holding its place,
            // until the caller grants credit again.
            running.pause();
            request.onWritable(running::resume);
        }
    }

    @Override
    public void onEnd() {
        ticket.release();
        request.complete();
        // Dynamo's activity signal: the end was sent, so the endpoint just proved itself and the
        // canary can wait.
        active.succeeded();
    }

    @Override
    public void onError(String message) {
        ticket.release();
        active.ended();
        request.fail(message);
    }

    @Override
    public void onEngineError(String message) {
        ticket.release();
        active.ended();
        request.failEngine(message);
    }

    @Override
    public void onBusy(String message) {
        ticket.release();
        active.ended();
        request.failBusy(message);
    }
}
