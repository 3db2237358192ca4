package dev.vigil.worker.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.vigil.runtime.time.ManualClock;
import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.IncomingRequest;
import dev.vigil.worker.metrics.EndpointMetrics;
import dev.vigil.worker.metrics.WorkerMetricNames;

/** A metered request's duration is the time on its clock from arrival to its one end. */
class MeteredRequestTest {

    final MeterRegistry registry = new SimpleMeterRegistry();
    final EndpointMetrics metrics = new EndpointMetrics(registry, "ns", "backend", "generate");
    final ManualClock clock = new ManualClock();

    Timer duration() {
        return registry.get(WorkerMetricNames.REQUEST_DURATION).timer();
    }

    @Test
    void theDurationRunsFromArrivalToTheEnd() {
        MeteredRequest request = new MeteredRequest(new Quiet(), metrics, clock);
        clock.advance(Duration.ofMillis(1250));
        request.complete();
        assertEquals(1, duration().count());
        assertEquals(1250, duration().totalTime(TimeUnit.MILLISECONDS), 0.001);
    }

    @Test
    void onlyTheFirstEndIsTimed() {
        MeteredRequest request = new MeteredRequest(new Quiet(), metrics, clock);
        clock.advance(Duration.ofMillis(40));
        request.failEngine("gone");
        clock.advance(Duration.ofSeconds(5));
        request.complete();
        assertEquals(1, duration().count());
        assertEquals(40, duration().totalTime(TimeUnit.MILLISECONDS), 0.001);
    }

    /** A request that takes everything and says nothing. */
    static final class Quiet implements IncomingRequest {
        @Override
        public String requestId() {
            return "r";
        }

        @Override
        public byte[] payload() {
            return new byte[3];
        }

        @Override
        public void send(byte[] data) {}

        @Override
        public void complete() {}

        @Override
        public void fail(String message) {}

        @Override
        public void failEngine(String message) {}

        @Override
        public void failBusy(String message) {}

        @Override
        public boolean stopped() {
            return false;
        }

        @Override
        public boolean killed() {
            return false;
        }

        @Override
        public void onControl(Consumer<Control> listener) {}
    }
}
