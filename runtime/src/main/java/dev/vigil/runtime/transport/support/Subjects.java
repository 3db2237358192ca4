package dev.vigil.runtime.transport.support;

/** NATS subject matching, so events behave on the in-process and TCP planes as they do on NATS. */
public final class Subjects {

    private Subjects() {}

    /** Rejects what NATS would: empty subjects, empty tokens, whitespace. */
    public static String requireValid(String subject) {
        if (subject == null
                || subject.isEmpty()
                || subject.startsWith(".")
                || subject.endsWith(".")
                || subject.contains("..")
                || subject.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("invalid subject: '" + subject + "'");
        }
        return subject;
    }

    /** Whether {@code subject} matches {@code pattern}: {@code *} is one token, a final {@code >} one or more. */
    public static boolean matches(String pattern, String subject) {
        String[] p = pattern.split("\\.", -1);
        String[] s = subject.split("\\.", -1);
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals(">") && i == p.length - 1) {
                return s.length > i;
            }
            if (i >= s.length || !(p[i].equals("*") || p[i].equals(s[i]))) {
                return false;
            }
        }
        return p.length == s.length;
    }
}
