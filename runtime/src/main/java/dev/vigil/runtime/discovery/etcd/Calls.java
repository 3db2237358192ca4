package dev.vigil.runtime.discovery.etcd;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;

import dev.vigil.runtime.discovery.DiscoveryException;
import dev.vigil.runtime.time.Clock;

/**
 * Waits for jetcd calls with a bound. jetcd's futures have no deadline of their own, and a call made
 * while etcd is unreachable may never complete, so every wait here is bounded and a failure becomes
 * a {@link DiscoveryException} whose message fits on one line.
 */
final class Calls {

    /** Between attempts while etcd is unavailable: a connection attempt on loopback takes about 1 ms. */
    private static final long RETRY_PAUSE_MILLIS = 200;

    /**
     * How often a long wait for etcd says it is still waiting: a process started before etcd (its
     * start-up wait is {@code ETCD_STARTUP_CONNECT_TIMEOUT_SECONDS}) shows why it is not up yet.
     */
    static final Duration STILL_WAITING_EVERY = Duration.ofSeconds(10);

    private static final Logger LOG = Logger.getLogger(Calls.class);

    private Calls() {}

    /** The result of {@code call}, or a DiscoveryException starting with {@code what}. */
    static <T> T await(CompletableFuture<T> call, Duration timeout, String what) {
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new DiscoveryException(what + ": no answer from etcd within " + seconds(timeout), e);
        } catch (ExecutionException e) {
            throw new DiscoveryException(what + ": " + describe(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(true);
            throw new DiscoveryException(what + ": interrupted", e);
        }
    }

    /**
     * Like {@link #await}, but a call that fails because etcd is unavailable (connection down, no
     * leader) is made again until {@code bound} is spent. Only for calls that are safe to repeat: reads, deletes, revokes, our create-if-absent
     * (a repeat finds our own key and value, which is success), grants (a lost reply leaves an empty
     * lease that expires).
     */
    static <T> T retrying(Supplier<CompletableFuture<T>> call, Duration bound, String what) {
        return retrying(call, bound, what, Clock.SYSTEM);
    }

    /** As {@link #retrying(Supplier, Duration, String)}, with {@code bound} measured on {@code clock}. */
    static <T> T retrying(Supplier<CompletableFuture<T>> call, Duration bound, String what, Clock clock) {
        long start = clock.nanoTime();
        long deadline = start + bound.toNanos();
        long nextReport = start + STILL_WAITING_EVERY.toNanos();
        Throwable unavailable = null; // the last reason etcd could not be reached, for the message
        while (true) {
            CompletableFuture<T> attempt = call.get();
            try {
                return attempt.get(Math.max(0, deadline - clock.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                attempt.cancel(true);
                if (unavailable != null) {
                    throw new DiscoveryException(
                            what + " (tried for " + seconds(bound) + "): " + describe(unavailable), unavailable);
                }
                throw new DiscoveryException(what + ": no answer from etcd within " + seconds(bound), e);
            } catch (ExecutionException e) {
                Throwable error = e.getCause();
                if (!isUnavailable(error)) {
                    throw new DiscoveryException(what + ": " + describe(error), error);
                }
                unavailable = error;
                long now = clock.nanoTime();
                long left = deadline - now;
                if (left > 0 && now - nextReport >= 0) {
                    LOG.warnf(
                            "%s: still trying, %s of %s spent: %s",
                            what,
                            seconds(Duration.ofSeconds(TimeUnit.NANOSECONDS.toSeconds(now - start))),
                            seconds(bound),
                            describe(error));
                    nextReport += STILL_WAITING_EVERY.toNanos();
                }
                if (left <= 0) {
                    throw new DiscoveryException(
                            what + " (tried for " + seconds(bound) + "): " + describe(error), error);
                }
                pause(Math.min(RETRY_PAUSE_MILLIS, TimeUnit.NANOSECONDS.toMillis(left) + 1), what);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                attempt.cancel(true);
                throw new DiscoveryException(what + ": interrupted", e);
            }
        }
    }

    /** etcd could not be reached or has no leader right now: worth trying again shortly. */
    static boolean isUnavailable(Throwable error) {
        Throwable t = unwrap(error);
        if (t instanceof EtcdException etcd) {
            return etcd.getErrorCode() == ErrorCode.UNAVAILABLE;
        }
        return Status.fromThrowable(t).getCode() == Status.Code.UNAVAILABLE;
    }

    private static void pause(long millis, String what) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DiscoveryException(what + ": interrupted", e);
        }
    }

    /**
     * etcd's answer when a lease does not exist (expired or revoked): jetcd raises it as its own
     * exception from a keep-alive and as a plain gRPC status from other calls.
     */
    static boolean isLeaseNotFound(Throwable error) {
        Throwable t = unwrap(error);
        if (t instanceof EtcdException etcd) {
            return etcd.getErrorCode() == ErrorCode.NOT_FOUND
                    && String.valueOf(etcd.getMessage()).contains("lease not found");
        }
        Status status = Status.fromThrowable(t);
        return status.getCode() == Status.Code.NOT_FOUND
                && String.valueOf(status.getDescription()).contains("lease not found");
    }

    /**
     * One line: the error's own message and, when different, its root cause's, which is where the
     * useful part often is ({@code UNAVAILABLE: io exception (Connection refused: /127.0.0.1:2379)}).
     */
    static String describe(Throwable error) {
        Throwable top = unwrap(error);
        if (top == null) {
            return "unknown error";
        }
        Throwable root = top;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = message(top);
        if (root != top && !message.contains(message(root))) {
            message += " (" + message(root) + ")";
        }
        return message;
    }

    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : millis + " ms";
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String message(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
