package dev.vigil.health.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.vigil.health.http.HealthCheckCommand.Target;

class HealthCheckCommandTest {

    @Test
    void theAppsOwnVariablesMoveTheCheckAndTheDefaultsApplyWithoutThem() {
        assertEquals(
                new Target(8000, "/health"),
                Target.resolve(Map.of(), "DYN_HTTP_PORT", "8000", "DYN_HTTP_SVC_HEALTH_PATH", "/health"));
        assertEquals(
                new Target(9090, "/ready"),
                Target.resolve(
                        Map.of("DYN_SYSTEM_PORT", " 9090 ", "DYN_SYSTEM_HEALTH_PATH", "ready"),
                        "DYN_SYSTEM_PORT",
                        "8081",
                        "DYN_SYSTEM_HEALTH_PATH",
                        "/health"));
    }

    @Test
    void aPortThatIsNotOneIsNamedInTheError() {
        IllegalArgumentException notANumber = assertThrows(
                IllegalArgumentException.class,
                () -> Target.resolve(Map.of("DYN_HTTP_PORT", "http"), "DYN_HTTP_PORT", "8000", "P", "/health"));
        assertTrue(notANumber.getMessage().contains("DYN_HTTP_PORT='http'"), notANumber.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> Target.resolve(Map.of("DYN_HTTP_PORT", "70000"), "DYN_HTTP_PORT", "8000", "P", "/health"));
    }

    @Test
    void onlyAStatusLineGivesAStatus() {
        assertEquals(200, HealthCheckCommand.parseStatus("HTTP/1.1 200 OK"));
        assertEquals(503, HealthCheckCommand.parseStatus("HTTP/1.0 503 Service Unavailable"));
        assertEquals(-1, HealthCheckCommand.parseStatus("SSH-2.0-OpenSSH"));
        assertEquals(-1, HealthCheckCommand.parseStatus(""));
    }

    @Test
    void asksThePathAndReportsTheStatusTheServerAnswers() throws Exception {
        for (int status : new int[] {200, 503}) {
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> answerOnce(server, status));
                int answered = HealthCheckCommand.statusOf(new Target(server.getLocalPort(), "/health"), 5000);
                assertEquals(status, answered);
                assertTrue(request.get().startsWith("GET /health HTTP/1.0"), request.get());
            }
        }
    }

    @Test
    void nobodyListeningIsAnErrorNotAStatus() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        assertThrows(IOException.class, () -> HealthCheckCommand.statusOf(new Target(port, "/health"), 5000));
    }

    private static String answerOnce(ServerSocket server, int status) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c == -1) {
                    break;
                }
                head.append((char) c);
            }
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 " + status + " X\r\ncontent-length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return head.toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
