package dev.vigil.worker.lifecycle;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.vigil.runtime.discovery.Subscription;
import dev.vigil.runtime.model.EventSubjects;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.tokenizer.Tokenizer;
import dev.vigil.runtime.transport.local.LocalRequestPlane;
import dev.vigil.worker.engine.MockEngine;
import dev.vigil.worker.engine.MockerSettings;

class LoadPublisherTest {

    static final Duration INTERVAL = Duration.ofMillis(20);

    final LocalRequestPlane plane = new LocalRequestPlane();
    final MockEngine engine = new MockEngine(new MockerSettings(0, 0, 1, 321, 16, 4, 0), Tokenizer.cl100k());
    final InstanceId id = new InstanceId(0x694d98147d54be25L);
    final LoadPublisher publisher = new LoadPublisher(plane, engine, "load_test", id, INTERVAL);

    @AfterEach
    void close() {
        publisher.close();
        engine.close();
        plane.close();
    }

    @Test
    void publishesTheEngineLoadAsThisWorkerOnTheNamespaceSubjectEveryInterval() {
        List<LoadMetrics> heard = new CopyOnWriteArrayList<>();
        Subscription subscription = plane.subscribe(
                EventSubjects.loadMetrics("load_test"), bytes -> heard.add(WireCodec.decodeLoadMetrics(bytes)));

        publisher.start();

        await().atMost(INTERVAL.multipliedBy(100)).until(() -> heard.size() >= 3);
        assertEquals(id.value(), heard.get(0).workerId());
        assertEquals(321, heard.get(0).kvTotalBlocks());
        subscription.close();
    }

    @Test
    void nothingIsPublishedOnceClosed() {
        List<byte[]> heard = new CopyOnWriteArrayList<>();
        plane.subscribe(EventSubjects.loadMetrics("load_test"), heard::add);
        publisher.start();
        await().atMost(INTERVAL.multipliedBy(100)).until(() -> !heard.isEmpty());

        publisher.close();
        // Publications made before the close may still be on their way to the subscriber (the plane
        // delivers on its own thread, and a busy machine lets a few queue up): let them land first.
        int[] previous = {-1};
        await().pollInterval(INTERVAL)
                .atMost(INTERVAL.multipliedBy(250))
                .until(() -> previous[0] == (previous[0] = heard.size()));
        int settled = heard.size();

        await().during(INTERVAL.multipliedBy(10))
                .atMost(INTERVAL.multipliedBy(250))
                .until(() -> heard.size() == settled);
    }
}
