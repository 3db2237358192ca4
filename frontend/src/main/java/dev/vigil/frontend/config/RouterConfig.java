package dev.vigil.frontend.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import dev.vigil.runtime.config.NonNegativeIntConverter;
import dev.vigil.runtime.config.StrictBooleanConverter;

/** How requests are spread over worker instances. */
@ConfigMapping(prefix = "dyn.router")
public interface RouterConfig {

    /**
     * {@code DYN_ROUTER_MODE}: {@code round-robin}, {@code random}, {@code power-of-two} or {@code
     * least-loaded} (see {@link RouterMode}).
     */
    @WithDefault("round-robin")
    @WithConverter(RouterMode.Converter.class)
    RouterMode mode();

    /**
     * {@code DYN_ROUTER_MIN_INITIAL_WORKERS} (Dynamo's): /health answers 503 {@code not_ready} until
     * this many worker processes have been routable at once (known, and past their probes when
     * {@code DYN_PROBES} is set), so a load balancer sends nothing to a frontend that would answer
     * 503 to most of it. Held only at start: once reached, readiness no longer depends on it. 0
     * (default): not held.
     */
    @WithName("min-initial-workers")
    @WithDefault("0")
    @WithConverter(NonNegativeIntConverter.class)
    int minInitialWorkers();

    /**
     * {@code DYN_ROUTER_FAIL_OPEN} (Vigil's): when every instance of a model that discovery lists and
     * that passed its probes once is kept out by this frontend's own judgement (inhibited, circuit
     * open, probes failing after they had passed), a request goes to the least bad of them instead of
     * every client getting 503 (Envoy's panic threshold). {@code false}: such requests get 503. An
     * instance that never passed its probes gets nothing either way.
     */
    @WithName("fail-open")
    @WithDefault("true")
    @WithConverter(StrictBooleanConverter.class)
    boolean failOpen();

    /**
     * {@code DYN_ROUTER_SHARED_HEALTH} (Vigil's): a frontend that could not reach a worker (or saw its
     * circuit open) writes that verdict to discovery, and every other frontend keeps the worker out
     * for as long as the reporter does (at most {@code SharedVerdicts.MAX_TTL}), so frontends do not
     * each fail on the same dead worker. {@code false}: neither written nor read, as in Dynamo.
     */
    @WithName("shared-health")
    @WithDefault("true")
    @WithConverter(StrictBooleanConverter.class)
    boolean sharedHealth();
}
