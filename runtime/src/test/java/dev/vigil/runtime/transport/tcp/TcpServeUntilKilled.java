package dev.vigil.runtime.transport.tcp;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.InstanceId;

/**
 * A worker process for {@link TcpRequestPlaneTest}: serves one endpoint on the TCP plane with a
 * stream that never ends (a frame every {@value #FRAME_MILLIS} ms), prints {@code ADDRESS <address>}
 * once served, and waits to be killed.
 */
public final class TcpServeUntilKilled {

    static final long FRAME_MILLIS = 50;

    private TcpServeUntilKilled() {}

    public static void main(String[] args) throws InterruptedException {
        TcpRequestPlane plane =
                TcpRequestPlane.create(TcpPlaneSettings.defaults().withListener("127.0.0.1", 0), null);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        String address = plane.transport(new EndpointId("vigil_test", "backend", "generate"), new InstanceId(7))
                .address();
        plane.serve(address, request -> {
            AtomicInteger n = new AtomicInteger();
            ticker.scheduleAtFixedRate(
                    () -> request.send(("frame-" + n.getAndIncrement()).getBytes(StandardCharsets.UTF_8)),
                    0,
                    FRAME_MILLIS,
                    TimeUnit.MILLISECONDS);
        });
        System.out.println("ADDRESS " + address);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
