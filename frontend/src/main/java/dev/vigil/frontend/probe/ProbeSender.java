package dev.vigil.frontend.probe;

import io.vertx.core.Future;

/** Sends one probe to one instance; the future always completes, with a success or a failure. */
public interface ProbeSender extends AutoCloseable {

    Future<ProbeOutcome> send(String statusUrl, Probe probe);

    @Override
    void close();
}
