package dev.vigil.runtime.transport.nats;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker process for {@link NatsRequestPlaneIT}: serves one subject with a stream that never ends
 * (a frame every {@value #FRAME_MILLIS} ms), prints {@code READY} once served, and waits to be
 * killed. Arguments: the NATS URL and the subject.
 */
public final class ServeUntilKilled {

    static final long FRAME_MILLIS = 50;

    private ServeUntilKilled() {}

    public static void main(String[] args) throws InterruptedException {
        NatsRequestPlane plane = NatsRequestPlane.connect(args[0], NatsPlaneSettings.defaults());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        plane.serve(args[1], request -> {
            AtomicInteger n = new AtomicInteger();
            ticker.scheduleAtFixedRate(
                    () -> request.send(("frame-" + n.getAndIncrement()).getBytes(StandardCharsets.UTF_8)),
                    0,
                    FRAME_MILLIS,
                    TimeUnit.MILLISECONDS);
        });
        System.out.println("READY");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
