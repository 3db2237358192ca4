package dev.vigil.health.canary;

/**
 * The request path's side of the canary, for one endpoint: tells it when a real request starts,
 * produces a token and ends. Successful requests postpone the canary (no need to probe an endpoint
 * that just proved itself), and tokens are the progress the stall watchdog looks for.
 */
@FunctionalInterface
public interface EndpointActivity {

    /** A request was accepted by the endpoint's handler. Cheap: called once per request. */
    ActiveRequest requestStarted();

    /** Activity nobody watches: the canary is off, or the endpoint has no payload. */
    EndpointActivity NONE = () -> ActiveRequest.NONE;

    /**
     * One request in flight. Its methods are cheap and lock-free in the common case, fit for every
     * token. Only the first of {@link #succeeded} and {@link #ended} counts.
     */
    interface ActiveRequest {

        /** The engine produced a token for this request. */
        void tokenProduced();

        /** The request finished successfully: its end was sent to the caller. */
        void succeeded();

        /** The request ended any other way: failed, killed, or its caller went away. */
        void ended();

        ActiveRequest NONE = new ActiveRequest() {
            @Override
            public void tokenProduced() {}

            @Override
            public void succeeded() {}

            @Override
            public void ended() {}
        };
    }
}
