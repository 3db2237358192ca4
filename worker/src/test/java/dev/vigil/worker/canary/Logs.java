package dev.vigil.worker.canary;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The INFO-and-above lines one class logs while open, as {@code LEVEL message}. */
final class Logs extends Handler implements AutoCloseable {

    private final Logger logger;
    final List<String> lines = new CopyOnWriteArrayList<>();

    Logs(Class<?> source) {
        logger = Logger.getLogger(source.getName());
        setLevel(Level.INFO);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.INFO.intValue()) {
            lines.add(record.getLevel() + " " + new java.util.logging.SimpleFormatter().formatMessage(record));
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
