package dev.vigil.frontend.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

import dev.vigil.health.http.RequestHeadLimits;

/** Issue 12 §10, §11: the HTTP layer's own errors (unknown route, method, body, target, headers) are JSON, and request bodies never reach the disk. */
@QuarkusTest
class HttpErrorsTest {

    @Test
    void anUnknownPathIsAJson404() {
        given().get("/no/such/route")
                .then()
                .statusCode(404)
                .contentType("application/json")
                .body("message", equalTo("Route not found: GET /no/such/route"))
                .body("type", equalTo("Not Found"))
                .body("code", equalTo(404));
    }

    @Test
    void aWrongMethodIsAJson405() {
        given().delete("/v1/chat/completions")
                .then()
                .statusCode(405)
                .contentType("application/json")
                .body("type", equalTo("Method Not Allowed"))
                .body("code", equalTo(405));
        given().put("/v1/models").then().statusCode(405).contentType("application/json");
    }

    @Test
    void aBodyOverTheLimitIsAJson413() throws Exception {
        // Only the headers are sent: the server must refuse on the declared length alone, before
        // reading (or buffering) any of the body, as a client would see it with any large upload.
        URI uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + (OpenAiRoutes.MAX_BODY_BYTES + 1) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAnswer(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertTrue(answer.toLowerCase(Locale.ROOT).contains("content-type: application/json"), answer);
            assertTrue(answer.contains("\"code\":413"), answer);
        }
    }

    @Test
    void aRequestTargetOverTheLimitIsAJson414() {
        given().get("/live?pad=" + "a".repeat(RequestHeadLimits.MAX_TARGET_BYTES - 20))
                .then()
                .statusCode(200);
        given().get("/live?pad=" + "a".repeat(RequestHeadLimits.MAX_TARGET_BYTES))
                .then()
                .statusCode(414)
                .contentType("application/json")
                .header("connection", "close")
                .body("type", equalTo("URI Too Long"))
                .body("code", equalTo(414))
                .body("message", startsWith("Request target of "));
    }

    @Test
    void headersOverTheLimitAreAJson431() {
        String half = "b".repeat(RequestHeadLimits.MAX_HEADER_BYTES / 2);
        given().header("x-pad-1", half).get("/live").then().statusCode(200);
        given().header("x-pad-1", half)
                .header("x-pad-2", half)
                .get("/live")
                .then()
                .statusCode(431)
                .contentType("application/json")
                .header("connection", "close")
                .body("type", equalTo("Request Header Fields Too Large"))
                .body("code", equalTo(431));
    }

    /** The status line, headers and a body of Content-Length bytes, leaving the connection open. */
    static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(headers);
        byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
        return headers + new String(body, StandardCharsets.UTF_8);
    }

    @Test
    void aBodyThatIsNotUtf8IsA400() {
        byte[] body = "{\"model\":\"m\",\"prompt\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        given().contentType("application/json")
                .body(body)
                .post("/v1/completions")
                .then()
                .statusCode(400)
                .contentType("application/json")
                .body("message", startsWith("Invalid JSON: Invalid UTF-8"));
    }

    @Test
    void aMultipartUploadIsRefusedWithoutWritingAFile() throws Exception {
        Path uploads = Path.of("file-uploads");
        given().multiPart("file", "big.bin", new byte[64 * 1024])
                .post("/v1/chat/completions")
                .then()
                .statusCode(415)
                .contentType("application/json")
                .body("code", equalTo(415))
                .body("message", startsWith("Unsupported content type multipart/form-data"));
        assertFalse(Files.exists(uploads), "an uploads directory was created at " + uploads.toAbsolutePath());
    }

    @Test
    void aFormBodyAsCurlSendsItWithoutAContentTypeIsAJson415() {
        given().contentType("application/x-www-form-urlencoded")
                .body("{\"model\":\"m\",\"prompt\":\"x\"}")
                .post("/v1/completions")
                .then()
                .statusCode(415)
                .contentType("application/json")
                .body("message", containsString("Content-Type: application/json"));
    }

    @Test
    void belowTheMetricsPageIsA404() {
        given().get("/metrics").then().statusCode(200);
        given().get("/metrics/x")
                .then()
                .statusCode(404)
                .contentType("application/json")
                .body("code", equalTo(404));
        given().post("/metrics/x").then().statusCode(404).contentType("application/json");
    }
}
