package dev.vigil.worker.engine.openai;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import io.vertx.core.Future;

/**
 * The engine's health route, the one check of whether the engine answers: asked while it joins
 * ({@link EngineJoin}) and, once it has, every poll interval after ({@link #watch()}). Once loaded,
 * {@code failuresToDie} failed checks in a row (no answer, or not 2xx) make the engine dead; a check
 * that passes resets the count. Dead is final (so is the exit of the engine's process): the engine
 * monitor takes the worker down.
 */
final class EngineHealth {

    /** Logged as the engine's own lines. */
    private static final Logger LOG = Logger.getLogger(OpenAiEngine.class);

    /**
     * One answer of the health route.
     *
     * @param status the HTTP status, 0 when none came
     * @param error why no answer came, or null
     */
    record Check(int status, String error) {

        /** What failed, null when the check passed: the error, or the status that is not 2xx. */
        String failure() {
            if (error != null) {
                return error;
            }
            return status / 100 == 2 ? null : "HTTP " + status;
        }
    }

    private final EngineClient client;
    private final URI url;
    private final String path;
    private final int failuresToDie;
    private final AtomicInteger failures = new AtomicInteger();
    private volatile boolean dead;

    EngineHealth(EngineClient client, URI url, String path, int failuresToDie) {
        this.client = client;
        this.url = url;
        this.path = path;
        this.failuresToDie = failuresToDie;
    }

    /** Asks the health route once. */
    Future<Check> check() {
        return client.get(path)
                .map(answer -> new Check(answer.status(), null))
                .otherwise(failure -> new Check(0, EngineMessages.message(failure)));
    }

    /** Asks the health route of a loaded engine and counts the answer. */
    void watch() {
        check().onSuccess(this::record);
    }

    /** Counts one check of a loaded engine: the failure that completes the streak makes it dead. */
    void record(Check check) {
        String failure = check.failure();
        if (failure == null) {
            int before = failures.getAndSet(0);
            if (before > 0) {
                LOG.infof("Engine health check passed again after %d failures", before);
            }
            return;
        }
        int count = failures.incrementAndGet();
        LOG.warnf("Engine health check failed (%d of %d in a row): %s", count, failuresToDie, failure);
        if (count >= failuresToDie && !dead) {
            dead = true;
            LOG.errorf("Engine at %s failed %d health checks in a row: counting it as dead", url, count);
        }
    }

    /** The engine's process exited: it is dead whatever its health route says. */
    void processExited() {
        dead = true;
    }

    boolean dead() {
        return dead;
    }
}
