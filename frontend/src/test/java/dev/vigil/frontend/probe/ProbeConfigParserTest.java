package dev.vigil.frontend.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.vigil.frontend.probe.Probe.Header;
import dev.vigil.frontend.probe.Probe.Method;

class ProbeConfigParserTest {

    static final Function<String, Optional<String>> ENV =
            name -> Optional.ofNullable(Map.of("PROBE_KEY", "secret-1").get(name));

    static List<Probe> parse(String text) {
        return ProbeConfigParser.parse(text, ENV);
    }

    @Test
    void defaultsAreDstacks() {
        Probe p = parse("- type: http").get(0);
        assertEquals("/", p.url());
        assertEquals(Method.GET, p.method());
        assertEquals(List.of(), p.headers());
        assertNull(p.body());
        assertEquals(Duration.ofSeconds(10), p.timeout());
        assertEquals(Duration.ofSeconds(15), p.interval());
        assertEquals(1, p.readyAfter());
        assertEquals(false, p.untilReady());
        assertNull(p.failureThreshold());
        assertEquals(1, p.index());
    }

    @Test
    void everyFieldInYamlAndTheProbesKey() {
        Probe p = parse(
                        """
                probes:
                  - type: http
                    url: /v1/chat/completions
                    method: post
                    headers:
                      - name: Authorization
                        value: Bearer ${{ env.PROBE_KEY }}
                    body: '{"model":"m","max_tokens":1}'
                    timeout: 1m
                    interval: 30
                    ready_after: 3
                    until_ready: true
                    failure_threshold: 2
                """)
                .get(0);
        assertEquals(Method.POST, p.method());
        assertEquals(
                List.of(new Header("Authorization", "Bearer ${{ env.PROBE_KEY }}")),
                p.headers(),
                "kept unresolved: resolved at each send");
        assertEquals(Duration.ofMinutes(1), p.timeout());
        assertEquals(Duration.ofSeconds(30), p.interval());
        assertEquals(3, p.readyAfter());
        assertTrue(p.untilReady());
        assertEquals(2, p.failureThreshold());
    }

    @Test
    void jsonIsAcceptedToo() {
        List<Probe> probes = parse("[{\"type\":\"http\",\"url\":\"/health\"},{\"type\":\"http\",\"url\":\"/live\"}]");
        assertEquals(
                List.of("/health", "/live"), probes.stream().map(Probe::url).toList());
        assertEquals(2, probes.get(1).index());
    }

    @Test
    void emptyMeansNoProbes() {
        assertEquals(List.of(), parse(""));
        assertEquals(List.of(), parse("[]"));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "- type: exec|probe 1: field 'type': expected http, got 'exec'",
                "- url: /x|probe 1: field 'type': expected http, got nothing",
                "- {type: http, url: health}|probe 1 (health): field 'url': expected a path starting with '/', printable, at most 2048 characters",
                "- {type: http, method: GET}|probe 1 (/): field 'method': expected get, post, put, delete, patch or head, got 'GET'",
                "- {type: http, body: x}|probe 1 (/): field 'body': not allowed with method get; set method to post, put, patch or delete",
                "- {type: http, method: head, body: x}|probe 1 (/): field 'body': not allowed with method head; set method to post, put, patch or delete",
                "- {type: http, timeout: 0}|probe 1 (/): field 'timeout': expected 1s to 300s, got 0s",
                "- {type: http, timeout: 301s}|probe 1 (/): field 'timeout': expected 1s to 300s, got 301s",
                "- {type: http, timeout: 10x}|probe 1 (/): field 'timeout': expected a duration such as 10s, 1m or 30 (seconds), got '10x'",
                "- {type: http, timeout: 1.5s}|probe 1 (/): field 'timeout': expected a duration such as 10s, 1m or 30 (seconds), got '1.5s'",
                "- {type: http, interval: 99999999999999999999s}|probe 1 (/): field 'interval': expected a duration such as 10s, 1m or 30 (seconds), got '99999999999999999999s'",
                "- {type: http, interval: 0s}|probe 1 (/): field 'interval': expected at least 1s",
                "- {type: http, ready_after: 0}|probe 1 (/): field 'ready_after': expected an integer of at least 1, got '0'",
                "- {type: http, until_ready: yes please}|probe 1 (/): field 'until_ready': expected true or false, got 'yes please'",
                "- {type: http, failure_threshold: -1}|probe 1 (/): field 'failure_threshold': expected an integer of at least 1, got '-1'",
                "- {type: http, colour: red}|probe 1: unknown field 'colour'; accepted: body, failure_threshold, headers, interval, method, ready_after, timeout, type, until_ready, url",
                "- {type: http, headers: [{name: X}]}|probe 1 (/): field 'headers': each header needs a string name and value",
                "- {type: http, headers: [{name: X, value: '${{ env.NOPE }}'}]}|probe 1 (/): ${{ env.NOPE }} refers to NOPE, which is not set in the frontend's environment",
                "[{type: http}, {type: http}]|probe 2: probes must be unique; it repeats an earlier one",
                "{type: http}|probes: expected a list of probes (or a map with a 'probes' list)",
            })
    void errorsNameTheProbeTheFieldAndWhatIsAccepted(String yaml, String message) {
        ProbeConfigException e = assertThrows(ProbeConfigException.class, () -> parse(yaml));
        assertEquals(message, e.getMessage());
    }

    @Test
    void limits() {
        String eleven = "[" + String.join(",", java.util.Collections.nCopies(11, "{type: http}")) + "]";
        assertEquals(
                "probes: at most 10 probes are allowed, got 11",
                assertThrows(ProbeConfigException.class, () -> parse(eleven)).getMessage());
        StringBuilder headers = new StringBuilder("- {type: http, headers: [");
        for (int i = 0; i < 17; i++) {
            headers.append(i == 0 ? "" : ",").append("{name: H").append(i).append(", value: v}");
        }
        assertEquals(
                "probe 1 (/): field 'headers': at most 16 headers, got 17",
                assertThrows(ProbeConfigException.class, () -> parse(headers + "]}"))
                        .getMessage());
        String body = "x".repeat(2049);
        assertEquals(
                "probe 1 (/): field 'body': expected 1 to 2048 characters",
                assertThrows(
                                ProbeConfigException.class,
                                () -> parse("- {type: http, method: post, body: " + body + "}"))
                        .getMessage());
    }

    @Test
    void templatesResolveWhenSentWithEscapes() {
        assertEquals("Bearer secret-1 costs $5", ProbeTemplate.resolve("Bearer ${{ env.PROBE_KEY }} costs $$5", ENV));
        assertEquals(
                "Bearer secret-2",
                ProbeTemplate.resolve("Bearer ${{env.PROBE_KEY}}", name -> Optional.of("secret-2")),
                "a rotated value applies on the next send");
        ProbeConfigException e = assertThrows(
                ProbeConfigException.class, () -> ProbeTemplate.resolve("${{ env.GONE }}", name -> Optional.empty()));
        assertEquals("environment variable GONE is not set", e.getMessage());
    }
}
