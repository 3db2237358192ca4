package dev.vigil.worker.engine.openai;

/** How what the engine said, or what went wrong reaching it, is put in a log line or an error. */
final class EngineMessages {

    /** How much of a bad answer is quoted. */
    static final int EXCERPT_CHARS = 200;

    private EngineMessages() {}

    /** {@code text} on one line, cut at {@value #EXCERPT_CHARS} characters. */
    static String excerpt(String text) {
        String flat = text.strip().replaceAll("\\s+", " ");
        return flat.length() > EXCERPT_CHARS ? flat.substring(0, EXCERPT_CHARS) + "…" : flat;
    }

    /** The failure's message, or its kind when it has none. */
    static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
