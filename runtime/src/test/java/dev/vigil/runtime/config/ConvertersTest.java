package dev.vigil.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConvertersTest {

    @Test
    void portsFromZeroTo65535() {
        PortConverter ports = new PortConverter();
        assertEquals(0, ports.convert("0"));
        assertEquals(9090, ports.convert(" 9090 "));
        assertEquals(65535, ports.convert("65535"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "65536", "70000", "80.5", "0x50"})
    void badPortsNameWhatIsAccepted(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> new PortConverter().convert(value));
        assertEquals("expected an integer port 0-65535", e.getMessage());
    }

    @Test
    void pathsStartWithSlash() {
        HttpPathConverter paths = new HttpPathConverter();
        assertEquals("/custom/health", paths.convert("/custom/health"));
        assertEquals("/", paths.convert("/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"health", "custom/live", "/with space", "/q?x=1", "/a#b"})
    void badPathsAreRejected(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> new HttpPathConverter().convert(value));
        assertEquals(true, e.getMessage().startsWith("expected a path starting with '/'"));
    }

    @Test
    void wholeSecondsIncludeZero() {
        var seconds = new SecondsConverter.AtLeastZero();
        assertEquals(Duration.ZERO, seconds.convert("0"));
        assertEquals(Duration.ofSeconds(10), seconds.convert(" 10 "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "1.5", "10s", "+3", "", "9999999999999"})
    void badWholeSecondsNameWhatIsAccepted(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> new SecondsConverter.AtLeastZero().convert(value));
        assertEquals("expected a whole number of seconds, 0 or more", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "0", "1.5"})
    void positiveSecondsStartAtOne(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> new SecondsConverter.AtLeastOne().convert(value));
        assertEquals("expected a whole number of seconds, at least 1", e.getMessage());
        assertEquals(Duration.ofSeconds(3), new SecondsConverter.AtLeastOne().convert("3"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+5", "-0", "1e1", "0x10", "5.0", "5 s", "1_000", " ", "\u0665", "2147483648"})
    void secondsAreDigitsOnlyWhateverTheMinimum(String value) {
        assertThrows(IllegalArgumentException.class, () -> new SecondsConverter.AtLeastZero().convert(value));
        assertThrows(IllegalArgumentException.class, () -> new SecondsConverter.AtLeastOne().convert(value));
    }

    @Test
    void secondsGoUpToWhatADurationHoldsInNanoseconds() {
        Duration longest = new SecondsConverter.AtLeastOne().convert("2147483647");
        assertEquals(Duration.ofSeconds(Integer.MAX_VALUE), longest);
        assertEquals(Integer.MAX_VALUE * 1_000_000_000L, longest.toNanos());
        assertEquals(Duration.ofSeconds(7), new SecondsConverter.AtLeastZero().convert("007"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e3", "1E-1", "0x1p3", "2d", "0.5f", "NaN", "Infinity", "-Infinity", "+1", "-0", "1.", ""})
    void decimalsArePlainWhateverTheRange(String value) {
        assertThrows(IllegalArgumentException.class, () -> new DecimalConverter.Positive().convert(value));
        assertThrows(IllegalArgumentException.class, () -> new DecimalConverter.NonNegative().convert(value));
        assertThrows(IllegalArgumentException.class, () -> new DecimalConverter.Fraction().convert(value));
    }

    @Test
    void positiveDecimalsExcludeZero() {
        var positive = new DecimalConverter.Positive();
        assertEquals(0.5, positive.convert(" 0.5 "));
        assertEquals(0.001, positive.convert(".001"));
        for (String bad : List.of("0", "0.0", "-1", "9".repeat(400))) {
            var e = assertThrows(IllegalArgumentException.class, () -> positive.convert(bad));
            assertEquals("expected a number greater than 0, such as 1 or 2.5", e.getMessage());
        }
    }

    @Test
    void nonNegativeDecimalsIncludeZero() {
        var nonNegative = new DecimalConverter.NonNegative();
        assertEquals(0.0, nonNegative.convert("0"));
        assertEquals(1.5, nonNegative.convert("1.5"));
        assertEquals(10_000_000.0, nonNegative.convert("10000000"));
        for (String bad : List.of("-0.1", "abc", "9".repeat(400))) {
            var e = assertThrows(IllegalArgumentException.class, () -> nonNegative.convert(bad));
            assertEquals("expected a number 0 or greater, such as 1.5", e.getMessage());
        }
    }

    @Test
    void fractionsRunFromZeroToOneInclusive() {
        var fraction = new DecimalConverter.Fraction();
        assertEquals(0.0, fraction.convert("0"));
        assertEquals(0.85, fraction.convert("0.85"));
        assertEquals(1.0, fraction.convert("1.0"));
        for (String bad : List.of("1.01", "2", "-0.5", "85%")) {
            var e = assertThrows(IllegalArgumentException.class, () -> fraction.convert(bad));
            assertEquals("expected a number between 0.0 and 1.0, such as 0.85", e.getMessage());
        }
    }

    @Test
    void enumsAreReadByTheirAliasesIgnoringCaseAndSurroundingSpace() {
        var backends = new DiscoveryBackend.Converter();
        assertEquals(DiscoveryBackend.ETCD, backends.convert("etcd"));
        assertEquals(DiscoveryBackend.ETCD, backends.convert(" Kv_Store "));
        assertEquals(DiscoveryBackend.MEM, backends.convert("MEM\t"));
        var planes = new RequestPlaneKind.Converter();
        assertEquals(RequestPlaneKind.NATS, planes.convert("NATS"));
        assertEquals(RequestPlaneKind.LOCAL, planes.convert(" local"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "etcd3", "kv-store", "e tcd", "nats"})
    void unknownEnumNamesSayWhatIsAccepted(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> new DiscoveryBackend.Converter().convert(value));
        assertEquals("expected 'etcd' or 'mem'", e.getMessage());
    }

    @Test
    void anAliasThatCouldNeverMatchIsAMistakeInTheCode() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new EnumNames<>("expected 'etcd'", Map.of("Etcd", DiscoveryBackend.ETCD)));
        assertThrows(
                IllegalArgumentException.class,
                () -> new EnumNames<>("expected 'etcd'", Map.of(" etcd", DiscoveryBackend.ETCD)));
    }

    @Test
    void strictBooleansAreOnlyTrueAndFalse() {
        StrictBooleanConverter booleans = new StrictBooleanConverter();
        assertEquals(true, booleans.convert("true"));
        assertEquals(false, booleans.convert("false"));
        for (String bad : List.of("1", "yes", "TRUE", "on", "flase")) {
            var e = assertThrows(IllegalArgumentException.class, () -> booleans.convert(bad));
            assertEquals("expected 'true' or 'false'", e.getMessage());
        }
    }

    @Test
    void nameListsAcceptJsonArraysAndFigmentsBareArrays() {
        NameListConverter lists = new NameListConverter();
        assertEquals(List.of("generate"), lists.convert("[\"generate\"]").names());
        assertEquals(
                List.of("generate", "load_metrics"),
                lists.convert("[\"generate\", \"load_metrics\"]").names());
        assertEquals(
                List.of("generate", "clear_kv_blocks"),
                lists.convert("[generate, clear_kv_blocks]").names());
        assertEquals(List.of(), lists.convert("[]").names());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"generate", "\"generate\"", "[1, 2]", "[\"\"]", "[\"a\", null]", "{\"a\":1}", "[a b]", "[,]"})
    void nameListsRejectEverythingElse(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> new NameListConverter().convert(value));
        assertEquals("expected a JSON array of strings, such as [\"generate\"]", e.getMessage());
    }

    @Test
    void envNamesFollowTheMicroProfileRule() {
        // Literals, not EnvNames constants: the expected names are spelled out to check the rule itself.
        assertEquals("DYN_SYSTEM_PORT", EnvNames.forProperty("dyn.system.port"));
        assertEquals(
                "DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS", EnvNames.forProperty("dyn.system.use-endpoint-health-status"));
        assertEquals("DYN_HTTP_SVC_LIVE_PATH", EnvNames.forProperty("dyn.http.svc.live-path"));
    }

    @Test
    void hostsAreNamesOrAddresses() {
        HostConverter hosts = new HostConverter();
        assertEquals("10.0.0.5", hosts.convert("10.0.0.5"));
        assertEquals("worker-0.vigil", hosts.convert(" worker-0.vigil "));
        assertEquals("::1", hosts.convert("[::1]"));
        assertEquals("fe80::1", hosts.convert("fe80::1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "http://10.0.0.5", "10.0.0.5:9090", "a b", "-host", "host/path"})
    void badHostsSayWhatIsAccepted(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> new HostConverter().convert(value));
        assertEquals(
                "expected a host name or IP address without scheme or port, such as 10.0.0.5 or worker-0.vigil",
                e.getMessage());
    }
}
