package dev.vigil.worker.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.vigil.health.canary.EndpointActivity;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.time.ManualClock;
import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.IncomingRequest;
import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.worker.admission.AdmissionQueue;
import dev.vigil.worker.engine.Engine;
import dev.vigil.worker.engine.EngineCapacity;
import dev.vigil.worker.engine.Generation;
import dev.vigil.worker.engine.TokenSink;
import dev.vigil.worker.metrics.EndpointMetrics;
import dev.vigil.worker.metrics.WorkerMetricNames;

/**
 * A generate request through the admission queue and the engine: one slot here, so the second
 * request waits, and what happens to a waiting request (cancelled, refused) never reaches the engine.
 */
class GenerateCallTest {

    final ManualClock clock = new ManualClock();
    final MeterRegistry registry = new SimpleMeterRegistry();
    final EndpointMetrics metrics = new EndpointMetrics(registry, "ns", "backend", "generate");
    final FakeEngine engine = new FakeEngine();
    final List<String> cancellations = new ArrayList<>();
    final AdmissionQueue admission = new AdmissionQueue(
            new AdmissionQueue.Settings(1, 1, Duration.ofSeconds(5)),
            clock,
            AdmissionQueue.Timer.NONE,
            AdmissionQueue.Listener.NONE);
    final RequestHandler generate = new EndpointHandlers(
                    engine,
                    admission,
                    new InstanceId(7),
                    endpoint -> EndpointActivity.NONE,
                    () -> cancellations.add("cancelled"),
                    endpoint -> metrics,
                    clock)
            .forEndpoint(WorkerEndpoint.GENERATE);

    Caller call(String id, Integer priority) {
        Caller caller = new Caller(id, new GenerateRequest("m", List.of(1, 2), null, null, null, null, priority));
        generate.handle(caller);
        return caller;
    }

    double generateErrors() {
        return registry.get(WorkerMetricNames.ERRORS)
                .tag(WorkerMetricNames.ERROR_TYPE_TAG, WorkerMetricNames.GENERATE)
                .counter()
                .count();
    }

    @Test
    void aKilledWaitingRequestLeavesTheQueueAtOnceAndNeverReachesTheEngine() {
        Caller running = call("running", null);
        Caller waiting = call("waiting", null);
        assertEquals(List.of("running"), engine.started);
        assertEquals(1, admission.waiting());
        waiting.control(Control.KILL);
        assertEquals(0, admission.waiting());
        assertEquals(List.of(), waiting.events, "a killed request is sent nothing");
        assertEquals(List.of("cancelled"), cancellations);
        engine.sinks.get(0).onEnd();
        assertEquals(List.of("complete"), running.events);
        assertEquals(List.of("running"), engine.started, "the one that left is not started");
        assertEquals(0, admission.running());
    }

    @Test
    void aStoppedWaitingRequestEndsAsCancelledWithoutTheEngine() {
        call("running", null);
        Caller waiting = call("waiting", null);
        waiting.control(Control.STOP);
        assertEquals(2, waiting.events.size(), waiting.events.toString());
        assertTrue(waiting.events.get(0).contains("\"finish_reason\":\"cancelled\""), waiting.events.toString());
        assertEquals("complete", waiting.events.get(1));
        assertEquals(0, admission.waiting());
        assertEquals(List.of("running"), engine.started);
    }

    @Test
    void aFullQueueAnswersBusyAndCountsNoError() {
        call("running", null);
        call("waiting", null);
        Caller refused = call("refused", null);
        assertEquals(1, refused.events.size());
        assertTrue(
                refused.events.get(0).startsWith("busy: worker busy: its admission queue is full"),
                refused.events.toString());
        assertEquals(0, generateErrors());
        assertEquals(List.of("running"), engine.started);
    }

    @Test
    void theSlotPassesOnWhenTheEngineEndsOrTheRunningRequestIsKilled() {
        Caller first = call("first", null);
        call("second", null);
        first.control(Control.KILL);
        assertEquals(1, engine.killed.size(), "the engine was told");
        assertEquals(List.of("first", "second"), engine.started, "and the slot went to the next");
        engine.sinks.get(1).onBusy("engine full: HTTP 429");
        assertEquals(0, admission.running(), "an engine's busy answer frees the slot too");
        assertEquals(0, generateErrors());
    }

    @Test
    void waitingRequestsCountInThePublishedQueueDepth() {
        call("running", null);
        call("waiting", null);
        assertEquals(
                1,
                new EndpointHandlers(
                                engine,
                                admission,
                                new InstanceId(7),
                                endpoint -> EndpointActivity.NONE,
                                () -> {},
                                endpoint -> metrics,
                                clock)
                        .load()
                        .queueDepth());
    }

    /** The caller's side of one request: what it was sent, in order, and its controls. */
    static final class Caller implements IncomingRequest {
        final String id;
        final byte[] payload;
        final List<String> events = new ArrayList<>();
        final List<Consumer<Control>> listeners = new ArrayList<>();

        Caller(String id, GenerateRequest body) {
            this.id = id;
            this.payload = WireCodec.encode(body);
        }

        void control(Control control) {
            List.copyOf(listeners).forEach(l -> l.accept(control));
        }

        @Override
        public String requestId() {
            return id;
        }

        @Override
        public byte[] payload() {
            return payload;
        }

        @Override
        public void send(byte[] data) {
            events.add(new String(data, StandardCharsets.UTF_8));
        }

        @Override
        public void complete() {
            events.add("complete");
        }

        @Override
        public void fail(String message) {
            events.add("fail: " + message);
        }

        @Override
        public void failEngine(String message) {
            events.add("engine: " + message);
        }

        @Override
        public void failBusy(String message) {
            events.add("busy: " + message);
        }

        @Override
        public boolean stopped() {
            return false;
        }

        @Override
        public boolean killed() {
            return false;
        }

        @Override
        public void onControl(Consumer<Control> listener) {
            listeners.add(listener);
        }
    }

    /** An engine that holds every request until the test ends it through its sink. */
    static final class FakeEngine implements Engine {
        final List<String> started = new ArrayList<>();
        final List<TokenSink> sinks = new ArrayList<>();
        final List<String> killed = new ArrayList<>();

        @Override
        public CompletionStage<Void> start() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Generation generate(String requestId, GenerateRequest request, TokenSink sink) {
            started.add(requestId);
            sinks.add(sink);
            return new Generation() {
                @Override
                public void stop() {
                    sink.onEnd();
                }

                @Override
                public void kill() {
                    killed.add(requestId);
                }

                @Override
                public void pause() {}

                @Override
                public void resume() {}
            };
        }

        @Override
        public int clearKvBlocks() {
            return 0;
        }

        @Override
        public LoadMetrics loadMetrics(long workerId) {
            return new LoadMetrics(workerId, 0, 100, 0, 0, started.size(), 0);
        }

        @Override
        public EngineCapacity capacity() {
            return new EngineCapacity(100, 16, 8);
        }

        @Override
        public boolean isDead() {
            return false;
        }

        @Override
        public GenerateRequest healthCheckRequest() {
            return new GenerateRequest("m", List.of(1), null, null);
        }

        @Override
        public Optional<dev.vigil.worker.engine.FaultInjection> faultInjection() {
            return Optional.empty();
        }

        @Override
        public void close() {}
    }
}
