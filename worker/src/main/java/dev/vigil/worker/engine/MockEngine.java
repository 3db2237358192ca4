package dev.vigil.worker.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.vigil.runtime.Threads;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.protocol.SamplingOptions;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.time.Clock;
import dev.vigil.runtime.tokenizer.Tokenizer;

/**
 * A mock LLM engine, like Dynamo's mocker: it streams deterministic English text token by token with
 * realistic timing (time to first token growing with the prompt, then one token per inter-token
 * latency) and simulates a KV cache and a batch limit, so load and health behave as with a real
 * engine without a GPU.
 *
 * <p>Generation is a pure function of the token ids (see {@link GrammarModel}): the same prompt gives
 * the same text, and a request re-sent with its prompt plus the tokens generated so far and a reduced
 * {@code max_tokens} continues exactly where the first attempt stopped, as Dynamo's request migration
 * needs.
 *
 * <p>KV accounting: a running sequence holds ⌈(prompt + generated tokens) / block size⌉ blocks. A
 * queued sequence is admitted, first come first served, when fewer than {@code max_num_seqs} run and
 * the blocks of its prompt (and of its first token) are free; the others wait and count as {@code
 * queue_depth}. A sequence that finishes normally leaves its full blocks in a prefix cache that still
 * counts as used until evicted for space or {@linkplain #clearKvBlocks() cleared}; a stopped, killed
 * or failed one frees all its blocks at once. A sequence that cannot get a block to grow is preempted
 * and recomputed later, as in vLLM. No sequence outgrows the whole cache: generation then ends with
 * {@code length}.
 *
 * <p>Thread-safe. Tokens are produced on a small pool of scheduler threads, one task per token, so
 * zero delays stay fair among requests instead of one request spinning.
 *
 * <p>For tests, the engine can be made to misbehave ({@link #injectFault(FaultMode)}, {@link
 * #heal()}): die, hang, stall after the first token, or fail on it.
 */
public final class MockEngine implements Engine, FaultInjection {

    /** Tokens generated at most when a request sets no {@code max_tokens}. */
    public static final int DEFAULT_MAX_TOKENS = 256;

    /**
     * The canary's request, this engine's minimal health check payload (Dynamo's backends each define
     * one): a two-token prompt, greedy, one token out.
     */
    public static final GenerateRequest HEALTH_CHECK_REQUEST = new GenerateRequest(
            null, List.of(1, 2), new StopConditions(1, null, null, false), new SamplingOptions(0.0, null, null));

    static final Logger LOG = Logger.getLogger(MockEngine.class);

    private final MockerSettings settings;
    private final Clock clock;
    private final GrammarModel model;
    private final Scheduler scheduler;
    private final ScheduledThreadPoolExecutor timers;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private boolean started;

    private volatile FaultMode fault = FaultMode.NONE;
    /** Sequences held by {@link FaultMode#HANG} or {@link FaultMode#STALL_AFTER_FIRST_TOKEN}; guarded by itself. */
    private final Set<Sequence> held = new LinkedHashSet<>();

    public MockEngine(MockerSettings settings, Tokenizer tokenizer) {
        this(settings, tokenizer, Clock.SYSTEM);
    }

    /** @param clock paces the tokens: when each is due */
    public MockEngine(MockerSettings settings, Tokenizer tokenizer, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.model = new GrammarModel(tokenizer);
        this.scheduler = new Scheduler(
                settings, (sequence, prefillTokens) -> sequence.admitted(settings.prefillNanos(prefillTokens)));
        this.timers = new ScheduledThreadPoolExecutor(
                Math.max(2, Runtime.getRuntime().availableProcessors()), Threads.numbered("mock-engine-"));
        this.timers.setRemoveOnCancelPolicy(true);
    }

    /**
     * Loads the "model": completes once the startup delay (divided by the speedup) has passed; only
     * then are requests admitted. Requests sent earlier wait in the queue. Calling it again returns
     * the same stage.
     */
    @Override
    public synchronized CompletionStage<Void> start() {
        if (!started) {
            started = true;
            long delay = settings.startupDelayNanos();
            if (delay == 0) {
                becomeReady();
            } else {
                LOG.infof("Mock engine loading, ready in %d ms", TimeUnit.NANOSECONDS.toMillis(delay));
                schedule(this::becomeReady, delay);
            }
        }
        return ready.minimalCompletionStage();
    }

    /** Whether {@link #start()} has completed and the engine is not closed. */
    public boolean isReady() {
        return ready.isDone() && !ready.isCompletedExceptionally() && !timers.isShutdown();
    }

    /**
     * Queues a request and streams its outputs to {@code sink}. A request the engine cannot serve
     * (no {@code token_ids}, {@code max_tokens} below 1, a prompt that fills the whole KV cache, a
     * closed engine) gets {@link TokenSink#onError} before this returns.
     *
     * @param requestId the id logged when the request is aborted
     */
    @Override
    public Generation generate(String requestId, GenerateRequest request, TokenSink sink) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(sink, "sink");
        List<Integer> prompt = request.tokenIds();
        // Not prompt.contains(null): immutable lists throw on that question.
        if (prompt == null || prompt.stream().anyMatch(Objects::isNull)) {
            return rejected(sink, "token_ids is required and must hold token ids");
        }
        long room = settings.capacityTokens() - prompt.size();
        if (room < 1) {
            return rejected(
                    sink,
                    "prompt of " + prompt.size() + " tokens leaves no room in the KV cache of "
                            + settings.capacityTokens() + " tokens");
        }
        // A migrated request's earlier attempts already spent part of the budget: with no max_tokens
        // the default counts them too, so the client's output does not depend on the migration.
        int prior = request.priorOutputs();
        Integer maxTokens = request.stopConditions() == null
                ? null
                : request.stopConditions().maxTokens();
        int budgetLeft = maxTokens == null ? DEFAULT_MAX_TOKENS - prior : maxTokens;
        if (prior > 0 && budgetLeft < 1) {
            // The earlier attempt produced everything but its end: end now, as it would have.
            sink.onOutput(new EngineOutput(List.of(), "", EngineOutput.LENGTH));
            sink.onEnd();
            return Ended.INSTANCE;
        }
        StopRules rules;
        try {
            rules = StopRules.of(request.stopConditions(), budgetLeft, room);
        } catch (IllegalArgumentException e) {
            return rejected(sink, e.getMessage());
        }
        Sequence sequence = new Sequence(requestId, List.copyOf(prompt), rules, sink, this);
        if (!scheduler.enqueue(sequence)) {
            return rejected(sink, "mock engine is closed");
        }
        return sequence;
    }

    /** Blocks in the prefix cache (load metrics leave them out: they are free capacity). */
    int cachedBlocks() {
        return scheduler.cachedBlocks();
    }

    /** Empties the prefix cache of finished sequences; returns the blocks freed. */
    @Override
    public int clearKvBlocks() {
        int freed = scheduler.clearCache();
        LOG.infof("Cleared %d KV cache blocks", freed);
        return freed;
    }

    /** The engine's load now, reported as {@code workerId}. */
    @Override
    public LoadMetrics loadMetrics(long workerId) {
        return scheduler.metrics(workerId);
    }

    @Override
    public EngineCapacity capacity() {
        return new EngineCapacity(settings.numBlocks(), settings.blockSize(), settings.maxNumSeqs());
    }

    /** {@link #HEALTH_CHECK_REQUEST}. */
    @Override
    public GenerateRequest healthCheckRequest() {
        return HEALTH_CHECK_REQUEST;
    }

    /** This engine: it can be made to misbehave. */
    @Override
    public Optional<FaultInjection> faultInjection() {
        return Optional.of(this);
    }

    public MockerSettings settings() {
        return settings;
    }

    /**
     * Makes the engine misbehave from now on, for requests already running and new ones; replaces
     * any earlier fault. Requests held by an earlier {@link FaultMode#HANG} or {@link
     * FaultMode#STALL_AFTER_FIRST_TOKEN} go on under the new mode (a heal lets them finish).
     */
    @Override
    public void injectFault(FaultMode mode) {
        Objects.requireNonNull(mode, "mode");
        List<Sequence> release;
        FaultMode before;
        synchronized (held) {
            before = fault;
            fault = mode;
            release = new ArrayList<>(held);
            held.clear();
        }
        if (mode == before) {
            // Nothing changes (tests heal a healthy engine freely); nothing to say.
        } else if (mode == FaultMode.NONE) {
            LOG.infof("Mock engine healed (was %s)", before);
        } else {
            LOG.warnf("Mock engine fault injected: %s", mode);
        }
        // Each released sequence looks at the new mode at its next step, and is held again if the
        // mode still holds it.
        release.forEach(sequence -> schedule(sequence::step, 0));
    }

    /** Ends any injected fault: held requests resume where they stopped. */
    @Override
    public void heal() {
        injectFault(FaultMode.NONE);
    }

    /** Whether the engine is dead (injected {@link FaultMode#DIE}): nothing it runs can succeed. */
    @Override
    public boolean isDead() {
        return fault() == FaultMode.DIE;
    }

    /** The injected fault, {@link FaultMode#NONE} unless a test injected one. */
    @Override
    public FaultMode fault() {
        return fault;
    }

    /**
     * Holds {@code sequence}, which decided to wait under fault {@code seen}, until the fault
     * changes. If it already changed (checked under the lock a change takes), the sequence steps
     * again at once and decides anew: held just after a heal, it would otherwise wait forever.
     */
    void hold(Sequence sequence, FaultMode seen) {
        synchronized (held) {
            if (fault == seen) {
                held.add(sequence);
                return;
            }
        }
        schedule(sequence::step, 0);
    }

    /** Requests held by the current fault now (for tests). */
    int heldRequests() {
        synchronized (held) {
            return held.size();
        }
    }

    void release(Sequence sequence) {
        synchronized (held) {
            held.remove(sequence);
        }
    }

    /** Stops the scheduler threads; every request still queued or running gets {@code onError}. */
    @Override
    public void close() {
        List<Sequence> stillHeld;
        synchronized (held) {
            stillHeld = new ArrayList<>(held);
            held.clear();
        }
        for (Sequence sequence : scheduler.drain()) {
            sequence.fail("mock engine closed");
        }
        // A stalled sequence may have finished in the scheduler while its end was held back.
        stillHeld.forEach(sequence -> sequence.fail("mock engine closed"));
        timers.shutdownNow();
        ready.completeExceptionally(new IllegalStateException("mock engine closed"));
    }

    GrammarModel model() {
        return model;
    }

    /** What paces generation: a token is due so many nanoseconds after the last. */
    Clock clock() {
        return clock;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    /** Runs {@code task} after {@code delayNanos}; null once the engine is closed. */
    ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        try {
            return timers.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            return null;
        }
    }

    private void becomeReady() {
        scheduler.open();
        LOG.infof(
                "Mock engine ready: %d KV blocks of %d tokens, up to %d sequences",
                settings.numBlocks(), settings.blockSize(), settings.maxNumSeqs());
        ready.complete(null);
    }

    private static Generation rejected(TokenSink sink, String message) {
        sink.onError(message);
        return Ended.INSTANCE;
    }

    /** The generation of a request that never started: stopping or killing it does nothing. */
    private enum Ended implements Generation {
        INSTANCE;

        @Override
        public void stop() {}

        @Override
        public void kill() {}

        @Override
        public void pause() {}

        @Override
        public void resume() {}
    }
}
