package dev.vigil.runtime.transport.support;

import dev.vigil.runtime.transport.ResponseStream;

/**
 * The handle of a call that was never sent (its observer already heard why): there is nothing to
 * stop, kill, pause or resume. One for every plane.
 */
public record NoCall(String requestId) implements ResponseStream {

    @Override
    public void stop() {}

    @Override
    public void kill() {}

    @Override
    public void pause() {}

    @Override
    public void resume() {}
}
