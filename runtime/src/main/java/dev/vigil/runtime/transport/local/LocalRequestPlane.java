package dev.vigil.runtime.transport.local;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.vigil.runtime.discovery.Subscription;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.Transport;
import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.ErrorKind;
import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.ResponseStream;
import dev.vigil.runtime.transport.ServedEndpoint;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.runtime.transport.support.GatedEndpoint;
import dev.vigil.runtime.transport.support.NoCall;
import dev.vigil.runtime.transport.support.ObserverChannel;
import dev.vigil.runtime.transport.support.PlaneExecutor;
import dev.vigil.runtime.transport.support.SerialExecutor;
import dev.vigil.runtime.transport.support.ServedRequest;
import dev.vigil.runtime.transport.support.Subjects;

/**
 * A request plane inside one JVM, for unit tests and {@code @QuarkusTest}s: the worker and frontend
 * parts of a test talk through it as they would through NATS, with the same semantics. A call to a
 * subject nobody serves fails at once with {@link StreamError.CannotConnect}; frames arrive in
 * order, one observer call at a time, on a pool thread (never on the handler's thread); STOP still
 * ends with {@code onComplete}; after KILL the observer hears nothing more; a handler's {@code fail}
 * is a {@link StreamError.Backend}. Nothing can go silent in process, so there is no silence
 * timeout; closing the plane ends open streams with {@link StreamError.Disconnected} and kills the
 * requests it serves.
 *
 * <p>Event subjects match like NATS subjects ({@code *} one token, a final {@code >} the rest).
 */
public final class LocalRequestPlane implements RequestPlane {

    private static final Logger LOG = Logger.getLogger(LocalRequestPlane.class);

    /** What the streams of this plane's calls hold for their observers ({@link #heldBytes()}). */
    private final java.util.concurrent.atomic.AtomicLong heldBytes = new java.util.concurrent.atomic.AtomicLong();

    private static final LocalRequestPlane SHARED = new LocalRequestPlane(true);

    private final boolean shared;
    private final PlaneExecutor pool;
    private final ConcurrentMap<String, LocalEndpoint> endpoints = new ConcurrentHashMap<>();
    private final Set<LocalRequest> open = ConcurrentHashMap.newKeySet();
    private final List<LocalSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** A plane of its own, closed for good by {@link #close()}. */
    public LocalRequestPlane() {
        this(false);
    }

    private LocalRequestPlane(boolean shared) {
        this.shared = shared;
        // Cached and daemon: callbacks of idle planes hold no thread and never keep a test JVM alive.
        this.pool = new PlaneExecutor("vigil-local-plane");
    }

    /**
     * The one plane of this JVM, for parts that find each other through it (a worker and a
     * frontend in one test). Its {@link #close()} does nothing: it lives as long as the JVM, and no
     * part that uses it owns it.
     */
    public static LocalRequestPlane shared() {
        return SHARED;
    }

    /** The endpoint's subject ({@code EndpointId.subject}), as a {@link Transport.Local}: only this JVM reaches it. */
    @Override
    public Transport transport(EndpointId endpoint, InstanceId id) {
        return new Transport.Local(endpoint.subject(id));
    }

    @Override
    public ServedEndpoint serve(String subject, RequestHandler handler) {
        Subjects.requireValid(subject);
        Objects.requireNonNull(handler, "handler");
        requireOpen();
        LocalEndpoint endpoint = new LocalEndpoint(subject, handler);
        if (endpoints.putIfAbsent(subject, endpoint) != null) {
            throw new IllegalStateException(subject + " is already served on this plane");
        }
        LOG.debugf("Serving %s in process", subject);
        return endpoint;
    }

    @Override
    public ResponseStream call(String subject, String requestId, byte[] payload, ResponseObserver observer) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(payload, "payload");
        requireOpen();
        ObserverChannel channel =
                new ObserverChannel(observer, pool, ObserverChannel.DEFAULT_MAX_HELD_BYTES, heldBytes);
        LocalEndpoint endpoint = endpoints.get(subject);
        ResponseStream call = endpoint == null ? null : endpoint.accept(requestId, payload.clone(), channel);
        if (call == null) {
            channel.error(new StreamError.CannotConnect("no responders on " + subject));
            return new NoCall(requestId);
        }
        return call;
    }

    @Override
    public long heldBytes() {
        return heldBytes.get();
    }

    @Override
    public long rejectedTasks() {
        return pool.rejected();
    }

    @Override
    public void publish(String subject, byte[] payload) {
        Subjects.requireValid(subject);
        Objects.requireNonNull(payload, "payload");
        requireOpen();
        for (LocalSubscription subscription : subscriptions) {
            if (Subjects.matches(subscription.pattern, subject)) {
                subscription.deliver(payload.clone());
            }
        }
    }

    @Override
    public Subscription subscribe(String subject, Consumer<byte[]> handler) {
        Subjects.requireValid(subject);
        Objects.requireNonNull(handler, "handler");
        requireOpen();
        LocalSubscription subscription = new LocalSubscription(subject, handler, new SerialExecutor(pool));
        subscriptions.add(subscription);
        return () -> subscriptions.remove(subscription);
    }

    @Override
    public boolean connected() {
        return !closed;
    }

    /** Does nothing on {@link #shared()}; otherwise ends everything, see the class comment. */
    @Override
    public void close() {
        if (shared || closed) {
            return;
        }
        closed = true;
        endpoints.values().forEach(LocalEndpoint::close);
        subscriptions.clear();
        for (LocalRequest request : open) {
            request.channel.error(new StreamError.Disconnected("request plane closed"));
            request.control(Control.KILL);
        }
        // Not shutdownNow: the Disconnected errors just queued must still reach their observers.
        pool.shutdown();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("request plane closed");
        }
    }

    private final class LocalEndpoint extends GatedEndpoint {

        private final RequestHandler handler;

        LocalEndpoint(String subject, RequestHandler handler) {
            super(subject);
            this.handler = handler;
        }

        /** Takes a request, or returns null once closed (the caller then could not connect). */
        ResponseStream accept(String requestId, byte[] payload, ObserverChannel channel) {
            LocalRequest request = new LocalRequest(requestId, payload, channel, this);
            if (!tryEnter(() -> open.add(request))) {
                return null;
            }
            // The caller never waits for the worker: the handler runs on a pool thread.
            request.dispatch(pool, handler, subject());
            return new LocalCall(request);
        }

        @Override
        protected void stopServing() {
            endpoints.remove(subject(), this);
            LOG.debugf("Stopped serving %s in process (%d in flight)", subject(), inFlight());
        }
    }

    private final class LocalRequest extends ServedRequest {

        private final ObserverChannel channel;
        private final LocalEndpoint endpoint;

        LocalRequest(String requestId, byte[] payload, ObserverChannel channel, LocalEndpoint endpoint) {
            super(requestId, payload, pool);
            this.channel = channel;
            this.endpoint = endpoint;
        }

        @Override
        protected void emitData(long seq, byte[] data) {
            // Copied as it would be on the wire, so the handler may reuse its buffer.
            if (!channel.data(data.clone())) {
                // The caller did not take its data and the stream's bound was reached.
                control(Control.KILL);
            }
        }

        @Override
        protected void emitEnd(long count) {
            channel.complete();
        }

        @Override
        protected void emitError(long count, String message, ErrorKind kind) {
            channel.error(kind.error(message));
        }

        @Override
        protected void onEnd() {
            open.remove(this);
            endpoint.exit();
        }
    }

    private record LocalCall(LocalRequest request) implements ResponseStream {

        @Override
        public String requestId() {
            return request.requestId();
        }

        @Override
        public void stop() {
            request.control(Control.STOP);
        }

        @Override
        public void kill() {
            request.channel.silence();
            request.control(Control.KILL);
        }

        @Override
        public void pause() {
            request.channel.pause();
        }

        @Override
        public void resume() {
            request.channel.resume();
        }
    }

    private record LocalSubscription(String pattern, Consumer<byte[]> handler, SerialExecutor serial) {

        void deliver(byte[] payload) {
            try {
                serial.execute(() -> handler.accept(payload));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // The handler fell SerialExecutor.MAX_QUEUED events behind: this one is dropped.
                LOG.debugf("Dropped an event on %s: %s", pattern, e.getMessage());
            }
        }
    }
}
