package dev.vigil.worker.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

import dev.vigil.runtime.protocol.EngineOutput;

/**
 * One request in the engine, from queue to last output. {@link #step()} is the generation loop: the
 * only place a token is produced and handed to the sink, one token per timer tick, so anything that
 * alters generation (fault injection) has one place to hook in.
 *
 * <p>The sequence's monitor serializes its steps with {@link #stop()} and {@link #kill()} and is held
 * across every sink call, which is what makes sink calls serial and lets kill promise that no call
 * follows it. Lock order: a sequence's monitor, then the scheduler's, never the reverse.
 */
final class Sequence implements Generation {

    private final String requestId;
    private final MockEngine engine;
    private final StopRules rules;
    private final TokenSink sink;
    /** The prompt, then every generated token: what a re-sent request would carry. */
    private final List<Integer> tokens;

    private GrammarModel.State state;
    private int generated;
    /** No more work: finished, stopped, killed or failed. */
    private boolean ended;
    /** Killed, or its sink threw: no more sink calls. */
    private boolean silenced;
    /** Finished, but a stall fault holds back the end of its stream. */
    private boolean endHeld;
    /** The caller cannot take more: no token is made until it resumes. */
    private boolean paused;
    /** Paused with its next step not scheduled: {@link #resume} schedules it. */
    private boolean parked;
    /** When the next token is due, in the engine's {@link dev.vigil.runtime.time.Clock#nanoTime()} terms. */
    private volatile long due;

    private volatile ScheduledFuture<?> pending;

    Sequence(String requestId, List<Integer> prompt, StopRules rules, TokenSink sink, MockEngine engine) {
        this.requestId = requestId;
        this.engine = engine;
        this.rules = rules;
        this.sink = sink;
        this.tokens = new ArrayList<>(prompt);
        this.state = engine.model().start(prompt);
    }

    String requestId() {
        return requestId;
    }

    /** Read by the scheduler only while the sequence waits, so never while a step changes it. */
    List<Integer> tokens() {
        return tokens;
    }

    /** The scheduler admitted the sequence: its next token comes after the prefill. */
    void admitted(long prefillNanos) {
        due = engine.clock().nanoTime() + prefillNanos;
        pending = engine.schedule(this::step, prefillNanos);
    }

    /** Produces and delivers the next token, then sets the timer for the one after. */
    void step() {
        synchronized (this) {
            if (endHeld) {
                releaseEnd();
                return;
            }
            if (ended) {
                return;
            }
            if (paused) {
                parked = true;
                return;
            }
            try {
                produce();
            } catch (RuntimeException bug) {
                MockEngine.LOG.errorf(bug, "Request %s failed in the mock engine", requestId);
                if (!ended) {
                    ended = true;
                    engine.scheduler().abort(this);
                    deliver(() -> sink.onError("mock engine failed: " + bug));
                }
            }
        }
    }

    private void produce() {
        // Injected faults (tests only) act here, where every token is made.
        FaultMode fault = engine.fault();
        switch (fault) {
            case DIE -> {
                failNow("mock engine died (injected fault)");
                return;
            }
            case HANG -> {
                engine.hold(this, fault);
                return;
            }
            case STALL_AFTER_FIRST_TOKEN -> {
                if (generated > 0) {
                    engine.hold(this, fault);
                    return;
                }
            }
            case ERROR_FIRST_TOKEN -> {
                if (generated == 0) {
                    failNow("mock engine failed on the first token (injected fault)");
                    return;
                }
            }
            case NONE -> {}
        }
        StopRules.Emission emission = rules.next(engine.model(), state, generated);
        if (!engine.scheduler().advance(this, tokens.size() + 1L)) {
            // Preempted for want of a KV block: the scheduler starts it again, and since the model
            // is deterministic this same token comes out then. Or the engine is closing.
            return;
        }
        tokens.add(emission.token());
        state = emission.after();
        generated++;
        if (emission.isLast()) {
            // Before the sink hears of the end, so that it finds the blocks already freed.
            ended = true;
            engine.scheduler().finish(this, tokens);
        }
        if (!deliver(() -> sink.onOutput(emission.output()))) {
            return;
        }
        if (emission.isLast()) {
            FaultMode now = engine.fault();
            if (now == FaultMode.STALL_AFTER_FIRST_TOKEN) {
                // The stream is complete but never says so: only a check that waits for the end
                // notices.
                endHeld = true;
                engine.hold(this, now);
                return;
            }
            deliver(sink::onEnd);
            return;
        }
        if (ended) {
            // The sink stopped or killed the request from inside onOutput.
            return;
        }
        if (paused) {
            // The sink paused it from inside onOutput: the next token waits for resume().
            parked = true;
            return;
        }
        long now = engine.clock().nanoTime();
        // Paced from the previous due time, so a tick a little late does not slow the stream; one
        // later than a whole ITL resumes from now instead of bursting to catch up.
        due = Math.max(due + engine.settings().itlNanos(), now);
        pending = engine.schedule(this::step, due - now);
    }

    @Override
    public void stop() {
        synchronized (this) {
            if (abort()) {
                if (deliver(() -> sink.onOutput(new EngineOutput(List.of(), "", EngineOutput.CANCELLED)))) {
                    deliver(sink::onEnd);
                }
            }
        }
    }

    @Override
    public void kill() {
        synchronized (this) {
            silenced = true;
            abort();
        }
    }

    @Override
    public void pause() {
        synchronized (this) {
            paused = true;
        }
    }

    @Override
    public void resume() {
        synchronized (this) {
            if (!paused) {
                return;
            }
            paused = false;
            if (!parked || ended) {
                return;
            }
            parked = false;
            // Paced from now: a paused stream does not burst to catch up on the tokens it did not make.
            due = engine.clock().nanoTime();
            pending = engine.schedule(this::step, 0);
        }
    }

    /** A finished sequence whose end a stall held back: the fault changed, so it may end now. */
    private void releaseEnd() {
        FaultMode fault = engine.fault();
        switch (fault) {
            case HANG, STALL_AFTER_FIRST_TOKEN -> {
                engine.hold(this, fault);
                return;
            }
            case DIE -> {
                endHeld = false;
                deliver(() -> sink.onError("mock engine died (injected fault)"));
                return;
            }
            default -> {}
        }
        endHeld = false;
        deliver(sink::onEnd);
    }

    /** Fails the sequence from inside a step. */
    private void failNow(String message) {
        ended = true;
        engine.scheduler().abort(this);
        deliver(() -> sink.onError(message));
    }

    /** Ends the sequence early; false if it had already ended. */
    private boolean abort() {
        engine.release(this);
        if (ended) {
            return false;
        }
        ended = true;
        engine.scheduler().abort(this);
        cancelTimer();
        // Dynamo's exact line, which operators and tests grep for; concatenated so that every
        // logging backend renders it the same.
        MockEngine.LOG.info("Aborted Request ID: " + requestId);
        return true;
    }

    /** The engine is closing and has already taken the sequence off its scheduler. */
    void fail(String message) {
        synchronized (this) {
            if (endHeld) {
                endHeld = false;
                deliver(() -> sink.onError(message));
                return;
            }
            if (ended) {
                return;
            }
            ended = true;
            cancelTimer();
            deliver(() -> sink.onError(message));
        }
    }

    private void cancelTimer() {
        ScheduledFuture<?> timer = pending;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** Calls the sink unless the request was silenced; a sink that throws silences (and ends) it. */
    private boolean deliver(Runnable call) {
        if (silenced) {
            return false;
        }
        try {
            call.run();
            return true;
        } catch (RuntimeException e) {
            MockEngine.LOG.warnf(e, "Request %s: its sink threw, dropping the request", requestId);
            silenced = true;
            if (!ended) {
                ended = true;
                engine.scheduler().abort(this);
            }
            return false;
        }
    }
}
