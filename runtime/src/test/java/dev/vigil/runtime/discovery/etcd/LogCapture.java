package dev.vigil.runtime.discovery.etcd;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/** Collects what the etcd discovery package logs, as "LEVEL message" lines, while open. */
final class LogCapture extends Handler implements AutoCloseable {

    private static final String PACKAGE = "dev.vigil.runtime.discovery.etcd";

    private final Logger logger = Logger.getLogger(PACKAGE);
    private final List<String> lines = new CopyOnWriteArrayList<>();

    LogCapture() {
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        lines.add(record.getLevel().getName() + " " + message);
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    boolean has(String level, String start) {
        return lines.stream().anyMatch(l -> l.startsWith(level + " " + start));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
