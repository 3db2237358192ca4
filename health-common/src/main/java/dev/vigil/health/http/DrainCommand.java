package dev.vigil.health.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A worker container's {@code preStop} hook, run as its own short-lived JVM ({@code java -cp
 * '/deployments/lib/main/*' dev.vigil.health.http.DrainCommand [WAIT_SECONDS]}), since the images
 * have no shell and no curl: asks the worker in the same container to drain ({@code POST
 * /engine/drain} on its system port, {@code DYN_SYSTEM_PORT}, default 8081), then polls {@code GET
 * /engine/status} once a second until it answers {@code "safe_to_delete":true} or {@code WAIT_SECONDS}
 * (default 25) have passed. Exit 0 once safe to delete, 1 otherwise; either way the kubelet then sends
 * SIGTERM, whose graceful shutdown cuts off only what is still running (the frontends migrate it).
 *
 * <p>Keep {@code WAIT_SECONDS} below the pod's {@code terminationGracePeriodSeconds} minus the
 * worker's shutdown budget: the grace period counts the hook and the shutdown together.
 */
public final class DrainCommand {

    static final int TIMEOUT_MS = 3000;
    static final int DEFAULT_WAIT_SECONDS = 25;

    private DrainCommand() {}

    public static void main(String[] args) throws InterruptedException {
        int port;
        int waitSeconds;
        try {
            port = port(System.getenv());
            waitSeconds = args.length == 0 ? DEFAULT_WAIT_SECONDS : seconds(args[0]);
        } catch (IllegalArgumentException e) {
            System.err.println("drain: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            String answer = call(port, "POST", "/engine/drain");
            if (!answer.startsWith("200")) {
                System.err.println("drain: POST /engine/drain answered " + answer);
                System.exit(1);
            }
        } catch (IOException e) {
            System.err.println("drain: cannot reach the worker on 127.0.0.1:" + port + ": " + e.getMessage());
            System.exit(1);
        }
        long deadline = System.currentTimeMillis() + waitSeconds * 1000L;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            try {
                last = call(port, "GET", "/engine/status");
                if (safeToDelete(last)) {
                    System.out.println("drain: safe to delete");
                    System.exit(0);
                }
            } catch (IOException e) {
                last = e.getMessage();
            }
            Thread.sleep(1000);
        }
        System.err.println("drain: not safe to delete after " + waitSeconds + " s: " + last);
        System.exit(1);
    }

    static int port(Map<String, String> env) {
        String text = env.getOrDefault("DYN_SYSTEM_PORT", "");
        if (text.isBlank()) {
            return 8081;
        }
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("DYN_SYSTEM_PORT='" + text + "' is not a port number (1-65535)");
    }

    static int seconds(String text) {
        try {
            int seconds = Integer.parseInt(text.strip());
            if (seconds >= 0) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("WAIT_SECONDS '" + text + "' is not a whole number of seconds");
    }

    /** Whether a status answer says the worker can go: its body has {@code "safe_to_delete":true}. */
    static boolean safeToDelete(String answer) {
        return answer.startsWith("200") && answer.replace(" ", "").contains("\"safe_to_delete\":true");
    }

    /** {@code "<status> <body>"} of one HTTP/1.0 call (the server closes when done: no chunking to read). */
    static String call(int port, String method, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = read(socket.getInputStream());
            int lineEnd = response.indexOf('\n');
            String statusLine = lineEnd < 0 ? response : response.substring(0, lineEnd);
            int status = HealthCheckCommand.parseStatus(statusLine.strip());
            int bodyStart = response.indexOf("\r\n\r\n");
            return status + " "
                    + (bodyStart < 0 ? "" : response.substring(bodyStart + 4).strip());
        }
    }

    private static String read(InputStream in) throws IOException {
        // A status body is a few dozen bytes; anything past 4 KiB is not the answer we want.
        byte[] bytes = in.readNBytes(4096);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
