package dev.vigil.frontend.api;

import java.util.function.Function;
import java.util.function.IntSupplier;

import org.jboss.logging.Logger;

import dev.vigil.frontend.routing.Attempt;
import dev.vigil.frontend.routing.FailurePolicy;
import dev.vigil.frontend.routing.FailurePolicy.AllBusy;
import dev.vigil.frontend.routing.FailurePolicy.Cut;
import dev.vigil.frontend.routing.FailurePolicy.Fail;
import dev.vigil.frontend.routing.FailurePolicy.Migrate;
import dev.vigil.frontend.routing.FailurePolicy.Retry;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.transport.StreamError;

/**
 * One OpenAI request in flight, as Dynamo's migration operator: splices the token streams of its
 * attempts into the one answer its {@link ClientEnd} sends, and carries out what its {@link
 * FailurePolicy} decides when an attempt fails — a retry after a backoff, a migration (the prompt plus
 * every token so far, {@code max_tokens} reduced by as many, so the client sees one continuous
 * stream), or the end.
 *
 * <p>All state changes hold this object's lock: attempts call back on transport threads, the client's
 * end on the HTTP thread.
 */
final class MigrationOperator implements AttemptRun.Listener, FailurePolicy.Handler, ClientEnd.Attempts {

    private static final Logger LOG = Logger.getLogger(MigrationOperator.class);

    private final String requestId;
    /** The original request encoded, sent as is while nothing has been generated. */
    private final byte[] originalPayload;

    private final Generated generated;
    private final FailurePolicy policy;
    private final AttemptRun.Settings settings;
    private final ClientEnd client;
    private final IntSupplier retryAfterSecs;

    private volatile boolean finished;
    private AttemptRun running;

    /**
     * @param retryAfterSecs the {@code Retry-After} for a request every worker refused as busy
     * @param client makes the request's client end, given this operator as its attempts' end
     */
    MigrationOperator(
            String requestId,
            byte[] originalPayload,
            Generated generated,
            FailurePolicy policy,
            AttemptRun.Settings settings,
            IntSupplier retryAfterSecs,
            Function<MigrationOperator, ClientEnd> client) {
        this.requestId = requestId;
        this.originalPayload = originalPayload;
        this.generated = generated;
        this.policy = policy;
        this.settings = settings;
        this.retryAfterSecs = retryAfterSecs;
        this.client = client.apply(this);
    }

    /** Sends the first attempt. */
    synchronized void start(Attempt first) {
        client.watch(settings.vertx());
        policy.sequenceLength(generated.promptTokens());
        send(first);
    }

    private void send(Attempt next) {
        byte[] payload = generated.nextPayload(originalPayload);
        if (payload.length > settings.plane().maxPayloadBytes()) {
            // The prompt grew past what the plane carries: nothing any worker did wrong.
            next.abandoned();
            ApiError error =
                    ApiError.tooLargeForPlane(payload.length, settings.plane().maxPayloadBytes());
            LOG.warnf("Cannot recreate stream: %s", error.getMessage());
            end(error);
            return;
        }
        stopRunning(false);
        running = new AttemptRun(next, payload, requestId, settings, this, !client.reading());
    }

    /** Whether a callback of {@code run} still matters: it is the run in flight of a request not over. */
    private boolean current(AttemptRun run) {
        return run == running && !finished;
    }

    @Override
    public synchronized void data(AttemptRun run, EngineOutput out) {
        if (current(run)) {
            run.touch();
            client.take(out);
            policy.sequenceLength(generated.promptTokens() + generated.count());
        }
    }

    @Override
    public synchronized void completed(AttemptRun run) {
        if (current(run)) {
            run.attempt().succeeded();
            finish(false);
            client.succeeded();
        }
    }

    /** The attempt failed: the policy decides, and calls back one of the decisions below. */
    @Override
    public synchronized void failed(AttemptRun run, StreamError error) {
        if (current(run) && !client.expiredNow()) {
            // Its watchdog too: a stream that failed must not also go silent during a backoff.
            run.stop(false);
            policy.failed(run.attempt(), error, generated.count()).carryOut(this);
        }
    }

    @Override
    public synchronized void broke(AttemptRun run, RuntimeException cause) {
        if (current(run)) {
            end(ApiError.internal("Internal error: " + cause));
        } else if (run == running) {
            client.close(); // it broke writing the end of the answer: else the client waits forever
        }
    }

    @Override
    public synchronized void caughtUp() {
        // Whatever attempt it came from: what was gathered for the client goes out.
        client.flush();
    }

    @Override
    public void retry(Retry retry) {
        AttemptRun failed = running;
        settings.vertx().setTimer(retry.delayMs(), id -> afterBackoff(failed));
    }

    private synchronized void afterBackoff(AttemptRun failed) {
        if (current(failed)) {
            policy.afterBackoff().carryOut(this);
        }
    }

    @Override
    public void migrate(Migrate migrate) {
        client.migrating();
        send(migrate.next());
    }

    @Override
    public void fail(Fail fail) {
        end(fail.backendError() ? ApiError.internal(fail.message()) : ApiError.unavailable(fail.message()));
    }

    @Override
    public void allBusy(AllBusy busy) {
        end(ApiError.allWorkersBusy(busy.status(), retryAfterSecs.getAsInt()));
    }

    /** The plane found the client too slow for its buffer (it told the worker to drop the request). */
    @Override
    public void cut(Cut cut) {
        client.cut(cut.reason(), cut.message());
        client.close();
    }

    @Override
    public synchronized void hold(boolean paused) {
        if (running != null && !finished) {
            running.hold(paused);
        }
    }

    private void end(ApiError error) {
        finish(false);
        client.failed(error);
    }

    @Override
    public synchronized boolean finish(boolean kill) {
        if (finished) {
            return false;
        }
        finished = true;
        stopRunning(kill);
        return true;
    }

    private void stopRunning(boolean kill) {
        if (running != null) {
            running.stop(kill);
            running.attempt().abandoned();
        }
    }
}
