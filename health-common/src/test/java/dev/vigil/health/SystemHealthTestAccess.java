package dev.vigil.health;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Lets tests in other packages build a health state on a fake clock. */
public final class SystemHealthTestAccess {

    private SystemHealthTestAccess() {}

    public static SystemHealth withClock(HealthStatus starting, List<String> required, AtomicLong nanos) {
        return new SystemHealth(starting, required, false, nanos::get);
    }
}
