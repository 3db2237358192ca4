package dev.vigil.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import org.jboss.logmanager.ExtLogRecord;

/**
 * The INFO-and-above records one logger (a class's or a whole package's) publishes while open, each
 * as {@code LEVEL message} with the message formatted as an operator reads it. Close it to detach.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.of(MockEngine.class)) {
 *     ...
 *     assertTrue(log.has("INFO", "Aborted Request ID: "), log.lines().toString());
 * }
 * }</pre>
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private LogCapture(String loggerName) {
        logger = Logger.getLogger(loggerName);
        setLevel(Level.INFO);
        logger.addHandler(this);
    }

    /** What {@code source} logs (its logger is named after the class). */
    public static LogCapture of(Class<?> source) {
        return new LogCapture(source.getName());
    }

    /** What the logger {@code name} logs, and so every class of a package when {@code name} is the package. */
    public static LogCapture of(String name) {
        return new LogCapture(name);
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() < Level.INFO.intValue()) {
            return;
        }
        // JBoss Logging's records carry their own format style (printf or MessageFormat): only the
        // record knows how to format itself; a plain JUL record uses MessageFormat.
        String message = record instanceof ExtLogRecord ext
                ? ext.getFormattedMessage()
                : new SimpleFormatter().formatMessage(record);
        messages.add(message);
        lines.add(record.getLevel().getName() + " " + message);
    }

    /** Each record so far as {@code LEVEL message}, oldest first. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Each record's message so far, without its level, oldest first. */
    public List<String> messages() {
        return List.copyOf(messages);
    }

    /** Whether a record at {@code level} (its name: INFO, WARN, ERROR) has a message starting with {@code start}. */
    public boolean has(String level, String start) {
        return lines.stream().anyMatch(l -> l.startsWith(level + " " + start));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
