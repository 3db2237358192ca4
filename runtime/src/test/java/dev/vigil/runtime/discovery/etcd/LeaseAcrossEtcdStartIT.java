package dev.vigil.runtime.discovery.etcd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.testing.EtcdServer;

/**
 * A worker that connects while etcd is still coming up gets its lease only after some
 * retries. That lease must be kept alive like any other; it used to be dropped at the first renewal
 * ("not renewed within its TTL; last error: none"), because its deadline counted from the first,
 * failed grant attempt.
 */
@Timeout(60)
class LeaseAcrossEtcdStartIT {

    static final Duration TTL = Duration.ofSeconds(3);

    @Test
    void aLeaseGrantedWhileEtcdWasStartingIsKeptAlive() throws Exception {
        try (EtcdServer etcd = new EtcdServer()) {
            CompletableFuture<EtcdDiscovery> connecting =
                    CompletableFuture.supplyAsync(() -> EtcdDiscovery.connect(List.of(etcd.endpoint()), TTL));
            // etcd is down for more than a third of the TTL (the first renewal's delay) while the
            // worker keeps trying; then it comes up.
            await().during(TTL.dividedBy(2))
                    .atMost(EtcdDiscovery.CONNECT_TIMEOUT)
                    .until(() -> !connecting.isDone());
            etcd.start();
            EtcdDiscovery discovery = connecting.get(EtcdDiscovery.CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            try {
                AtomicBoolean lost = new AtomicBoolean();
                discovery.onLeaseLost(() -> lost.set(true));
                await().during(TTL.multipliedBy(2)).atMost(TTL.multipliedBy(4)).until(() -> !lost.get());
                assertTrue(
                        discovery.leaseRenewals() >= 3, "renewed every third of the TTL: " + discovery.leaseRenewals());
            } finally {
                discovery.close();
            }
        }
    }
}
