package dev.vigil.runtime.lifecycle;

import java.time.Duration;
import java.util.Optional;

/**
 * How a graceful stop spends its budget: the router grace it asks for, the cap on waiting for
 * requests in flight (empty: only the budget bounds it), and who hears the stages.
 */
public record ShutdownPlan(
        ShutdownBudget budget, Duration routerGrace, Optional<Duration> inFlightCap, ShutdownObserver observer) {}
