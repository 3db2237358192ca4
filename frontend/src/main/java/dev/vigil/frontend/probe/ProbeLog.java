package dev.vigil.frontend.probe;

import org.jboss.logging.Logger;

/**
 * The prober's log lines: one per change of an instance's routing, and a probe's failures at DEBUG
 * (probes run all the time; dstack logs them at debug level too). No line holds a resolved url,
 * header or body.
 */
final class ProbeLog {

    private static final Logger LOG = Logger.getLogger(ProbeRunner.class);

    private ProbeLog() {}

    static void log(ProbedInstance instance, Probe probe, ProbeOutcome outcome, ProbedInstance.Change change) {
        String id = instance.id().hex();
        if (!outcome.success()) {
            LOG.debugf("Probe %d (%s) of instance %s failed: %s", probe.index(), probe.url(), id, outcome.detail());
        }
        switch (change) {
            case ADMITTED -> LOG.infof("Instance %s passed its probes and now receives traffic", id);
            case READMITTED -> LOG.infof("Instance %s passed its probes again and receives traffic again", id);
            case TAKEN_OUT -> LOG.warnf(
                    "Instance %s taken out of routing: probe %d (%s) failed %d times in a row, last: %s",
                    id, probe.index(), probe.url(), probe.failureThreshold(), outcome.detail());
            case NONE -> {}
        }
    }
}
