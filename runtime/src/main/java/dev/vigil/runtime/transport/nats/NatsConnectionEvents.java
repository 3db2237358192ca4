package dev.vigil.runtime.transport.nats;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;

/** Logs what jnats reports about the connection, in the operator's terms. */
final class NatsConnectionEvents implements ConnectionListener, ErrorListener {

    private static final Logger LOG = Logger.getLogger(NatsRequestPlane.class);

    private final String url;
    /** jnats reports DISCONNECTED again after each failed attempt; the operator needs it once. */
    private final AtomicBoolean down = new AtomicBoolean();

    NatsConnectionEvents(String url) {
        this.url = url;
    }

    @Override
    @SuppressWarnings("deprecation")
    public void connectionEvent(Connection connection, Events type) {
        switch (type) {
            case DISCONNECTED -> {
                if (down.compareAndSet(false, true)) {
                    LOG.warnf(
                            "Lost the NATS connection to %s; reconnecting every %d ms",
                            url, NatsRequestPlane.RECONNECT_WAIT_MILLIS);
                }
            }
            case RECONNECTED -> {
                down.set(false);
                LOG.infof("Reconnected to NATS at %s", url);
            }
            case RESUBSCRIBED -> LOG.debugf("Subscriptions restored on NATS at %s", url);
            case LAME_DUCK -> LOG.warnf("NATS at %s is shutting down (lame duck mode)", url);
            default -> LOG.debugf("NATS connection to %s: %s", url, type.getEvent());
        }
    }

    @Override
    public void errorOccurred(Connection connection, String error) {
        LOG.warnf("NATS at %s reported an error: %s", url, error);
    }

    @Override
    public void exceptionOccurred(Connection connection, Exception exception) {
        // I/O errors are how a lost connection (said once, above) and each failed reconnect
        // attempt show up: expected, not worth a warning each.
        if (!(exception instanceof IOException) && connection.getStatus() == Connection.Status.CONNECTED) {
            LOG.warnf("NATS connection to %s: %s", url, exception.toString());
        } else {
            LOG.debugf("NATS connection to %s: %s", url, exception.toString());
        }
    }

    @Override
    public void slowConsumerDetected(Connection connection, io.nats.client.Consumer consumer) {
        LOG.warnf("NATS at %s: a subscription fell behind and messages were dropped", url);
    }
}
