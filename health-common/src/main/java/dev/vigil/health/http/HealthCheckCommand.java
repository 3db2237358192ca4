package dev.vigil.health.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A container's health check, run as its own short-lived JVM ({@code java -cp
 * '/deployments/lib/main/*' dev.vigil.health.http.HealthCheckCommand ...}): the images have no shell
 * and no curl. Asks the app in the same container for its health path on 127.0.0.1 and exits 0 on a
 * 200, 1 on anything else (another status, no answer within the timeout, a refused connection).
 *
 * <p>Arguments: {@code PORT_VARIABLE DEFAULT_PORT PATH_VARIABLE DEFAULT_PATH}: the port and path are
 * read from the same variables the app reads ({@code DYN_HTTP_PORT} / {@code DYN_HTTP_SVC_HEALTH_PATH}
 * for the frontend, {@code DYN_SYSTEM_PORT} / {@code DYN_SYSTEM_HEALTH_PATH} for the worker), so the
 * check follows the app wherever the deployment moves it; {@code -} for a variable means none (the
 * default is the value). Plain sockets, not an HTTP client: the
 * check runs every few seconds and must start fast.
 */
public final class HealthCheckCommand {

    /** Below the health check timeouts of compose.yaml and the images (4 s). */
    static final int TIMEOUT_MS = 3000;

    private HealthCheckCommand() {}

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: HealthCheckCommand PORT_VARIABLE DEFAULT_PORT PATH_VARIABLE DEFAULT_PATH");
            System.exit(2);
        }
        Target target;
        try {
            target = Target.resolve(System.getenv(), args[0], args[1], args[2], args[3]);
        } catch (IllegalArgumentException e) {
            System.err.println("health check: " + e.getMessage());
            System.exit(2);
            return;
        }
        int status;
        try {
            status = statusOf(target, TIMEOUT_MS);
        } catch (IOException e) {
            System.err.println("health check: " + target + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        if (status != 200) {
            System.err.println("health check: " + target + " answered " + status);
        }
        System.exit(status == 200 ? 0 : 1);
    }

    /** Where the check asks: the app's port and health path on the loopback address. */
    record Target(int port, String path) {

        static Target resolve(
                Map<String, String> env,
                String portVariable,
                String defaultPort,
                String pathVariable,
                String defaultPath) {
            String portText = orDefault(env.get(portVariable), defaultPort);
            int port;
            try {
                port = Integer.parseInt(portText.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(portVariable + "='" + portText + "' is not a port number");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(portVariable + "=" + port + " is not a port number (1-65535)");
            }
            String path = orDefault(env.get(pathVariable), defaultPath).strip();
            if (!path.startsWith("/")) {
                path = "/" + path;
            }
            return new Target(port, path);
        }

        private static String orDefault(String value, String fallback) {
            // env.get("-") is null: "-" names no variable.
            return value == null || value.isBlank() ? fallback : value;
        }

        @Override
        public String toString() {
            return "http://127.0.0.1:" + port + path;
        }
    }

    /** The status code of {@code GET path} (HTTP/1.0: the server closes when done, no chunking to read). */
    static int statusOf(Target target, int timeoutMs) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", target.port()), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target.path() + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return parseStatus(readStatusLine(socket.getInputStream()));
        }
    }

    private static String readStatusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n' && line.length() < 256) {
            line.append((char) c);
        }
        return line.toString().strip();
    }

    /** {@code HTTP/1.1 200 OK} → 200; anything that is not a status line → -1. */
    static int parseStatus(String statusLine) {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            return -1;
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
