package dev.vigil.runtime.discovery;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.runtime.config.ConfigProblem;
import dev.vigil.runtime.json.Json;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.HealthVerdict;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.ModelCard;
import dev.vigil.runtime.model.Transport;

/**
 * The one place discovery values are encoded and decoded, in Dynamo's JSON:
 *
 * <pre>{@code
 * {"type":"Endpoint","component":"backend","endpoint":"generate","namespace":"dynamo",
 *  "instance_id":7587888160958627365,"transport":{"nats_tcp":"dynamo_backend.generate-694d98147d54be25"}}
 * {"type":"Endpoint","component":"backend","endpoint":"generate","namespace":"dynamo",
 *  "instance_id":7587888160958627365,"transport":{"tcp":"10.0.0.5:41235/694d98147d54be25/generate"}}
 * {"type":"Model","name":"mock-model","namespace":"dynamo","component":"backend","endpoint":"generate",
 *  "instance_id":7587888160958627365,"kv_total_blocks":1024,"block_size":16,"max_num_seqs":256}
 * }</pre>
 *
 * <p>Vigil's workers add {@code "system_status_url":"http://10.0.0.5:9090"} to an endpoint value:
 * where their system status server answers, so a frontend can probe it. The field is left out when
 * there is none, so such values are byte for byte Dynamo's, and Dynamo's values (without it) read
 * back with no address.
 *
 * <p>{@code instance_id} is an exact unsigned 64-bit JSON integer: ids at or above 2^63 are written
 * as their unsigned decimal, never as a negative signed long, and read back exactly. Decoding ignores
 * fields it does not know (Dynamo adds some, such as {@code device_type}).
 */
public final class DiscoveryJson {

    private static final Logger LOG = Logger.getLogger(DiscoveryJson.class);

    private static final ObjectMapper MAPPER = Json.WIRE;
    private static final JsonFactory FACTORY = MAPPER.getFactory();
    private static final BigInteger TWO_TO_THE_64 = BigInteger.ONE.shiftLeft(64);

    private static final String ENDPOINT_TYPE = "Endpoint";
    private static final String MODEL_TYPE = "Model";
    private static final String DRAINING_TYPE = "Draining";
    private static final String VERDICT_TYPE = "Verdict";
    private static final String SYSTEM_STATUS_URL = "system_status_url";
    /** Dynamo's {@code TransportType} variants: {@code Nats} is renamed {@code nats_tcp}, {@code Tcp} is {@code tcp}. */
    private static final String NATS_TRANSPORT = "nats_tcp";

    private static final String TCP_TRANSPORT = "tcp";
    /**
     * Vigil's in-process plane ({@code Transport.Local}), which Dynamo has not: such an instance only
     * ever lives in a test's in-memory discovery, but it is written as what it is, not as NATS.
     */
    private static final String LOCAL_TRANSPORT = "local";

    private DiscoveryJson() {}

    /** The value stored at {@link DiscoveryKeys#instance(Instance)}. */
    public static String encode(Instance instance) {
        return write(json -> writeInstance(json, instance, true));
    }

    /**
     * Writes {@code instance} as one element of the frontend's {@code /health} {@code instances}
     * list: the same object as the stored value, rendered as Dynamo's frontend renders it (keys in
     * alphabetical order), without the discovery-only {@code type} and {@code system_status_url}.
     */
    public static void writeListed(JsonGenerator json, Instance instance) throws IOException {
        json.writeStartObject();
        writeInstance(json, instance, false);
        json.writeEndObject();
    }

    /**
     * The one writer of the instance shape. Stored: Dynamo's struct order, tagged with its type,
     * plus Vigil's status address when there is one. Listed: the same fields sorted by name.
     */
    private static void writeInstance(JsonGenerator json, Instance instance, boolean stored) throws IOException {
        if (stored) {
            json.writeStringField("type", ENDPOINT_TYPE);
        }
        json.writeStringField("component", instance.component());
        json.writeStringField("endpoint", instance.endpoint());
        if (stored) {
            json.writeStringField("namespace", instance.namespace());
            writeId(json, instance.id());
        } else {
            writeId(json, instance.id());
            json.writeStringField("namespace", instance.namespace());
        }
        json.writeObjectFieldStart("transport");
        // Java 17 has no pattern switch: the kinds are told apart by type.
        if (instance.transport() instanceof Transport.Tcp tcp) {
            json.writeStringField(TCP_TRANSPORT, tcp.address());
        } else if (instance.transport() instanceof Transport.Local local) {
            json.writeStringField(LOCAL_TRANSPORT, local.address());
        } else {
            json.writeStringField(NATS_TRANSPORT, instance.address());
        }
        json.writeEndObject();
        if (stored && instance.systemStatusUrl() != null) {
            json.writeStringField(SYSTEM_STATUS_URL, instance.systemStatusUrl());
        }
    }

    /** The value stored at {@link DiscoveryKeys#model(ModelCard)}. */
    public static String encode(ModelCard card) {
        return write(json -> {
            json.writeStringField("type", MODEL_TYPE);
            json.writeStringField("name", card.name());
            json.writeStringField("namespace", card.endpoint().namespace());
            json.writeStringField("component", card.endpoint().component());
            json.writeStringField("endpoint", card.endpoint().endpoint());
            writeId(json, card.instanceId());
            json.writeNumberField("kv_total_blocks", card.kvTotalBlocks());
            json.writeNumberField("block_size", card.blockSize());
            json.writeNumberField("max_num_seqs", card.maxNumSeqs());
        });
    }

    /** The value stored at {@link DiscoveryKeys#draining(InstanceId)}: {@code {"type":"Draining","instance_id":N}}. */
    public static String encodeDraining(InstanceId id) {
        return write(json -> {
            json.writeStringField("type", DRAINING_TYPE);
            writeId(json, id);
        });
    }

    /** The draining process stored at {@code key}, or empty with a WARN naming the key, like {@link #decodeInstance}. */
    public static Optional<InstanceId> decodeDraining(String key, byte[] value) {
        return decode(key, () -> {
            JsonNode node = tree(value);
            requireType(node, DRAINING_TYPE);
            InstanceId id = id(node);
            InstanceId named = DiscoveryKeys.parseDraining(key)
                    .orElseThrow(() -> new IllegalArgumentException("not a draining key"));
            if (!named.equals(id)) {
                throw new IllegalArgumentException("value names " + id.hex() + ", not its key's " + named.hex());
            }
            return id;
        });
    }

    /**
     * The value stored at {@link DiscoveryKeys#verdict}: {@code
     * {"type":"Verdict","worker":N,"reporter":M,"exclusion":"inhibited","ttl_ms":5000}}.
     */
    public static String encode(HealthVerdict verdict) {
        return write(json -> {
            json.writeStringField("type", VERDICT_TYPE);
            json.writeFieldName("worker");
            json.writeNumber(new BigInteger(verdict.worker().decimal()));
            json.writeFieldName("reporter");
            json.writeNumber(new BigInteger(verdict.reporter().decimal()));
            json.writeStringField("exclusion", verdict.exclusion());
            json.writeNumberField("ttl_ms", verdict.ttl().toMillis());
        });
    }

    /** The verdict stored at {@code key}, or empty with a WARN naming the key, like {@link #decodeInstance}. */
    public static Optional<HealthVerdict> decodeVerdict(String key, byte[] value) {
        return decode(key, () -> {
            JsonNode node = tree(value);
            requireType(node, VERDICT_TYPE);
            InstanceId worker = unsigned(node, "worker");
            InstanceId reporter = unsigned(node, "reporter");
            DiscoveryKeys.VerdictKey named = DiscoveryKeys.parseVerdict(key)
                    .orElseThrow(() -> new IllegalArgumentException("not a verdict key"));
            if (!named.worker().equals(worker) || !named.reporter().equals(reporter)) {
                throw new IllegalArgumentException("value names another worker or reporter than its key");
            }
            JsonNode ttl = node.get("ttl_ms");
            if (ttl == null || !ttl.isIntegralNumber() || !ttl.canConvertToLong() || ttl.longValue() < 0) {
                throw new IllegalArgumentException("missing non-negative integer field 'ttl_ms'");
            }
            return new HealthVerdict(worker, reporter, text(node, "exclusion"), Duration.ofMillis(ttl.longValue()));
        });
    }

    /**
     * Reads an endpoint instance value.
     *
     * @throws IllegalArgumentException when it is not one, saying why
     */
    public static Instance parseInstance(byte[] value) {
        JsonNode node = tree(value);
        requireType(node, ENDPOINT_TYPE);
        JsonNode transport = node.get("transport");
        if (transport == null || !transport.isObject()) {
            throw new IllegalArgumentException("missing object field 'transport'");
        }
        return new Instance(
                text(node, "namespace"),
                text(node, "component"),
                text(node, "endpoint"),
                id(node),
                transport(transport),
                optionalText(node, SYSTEM_STATUS_URL));
    }

    private static Transport transport(JsonNode transport) {
        if (transport.hasNonNull(TCP_TRANSPORT)) {
            return new Transport.Tcp(text(transport, TCP_TRANSPORT));
        }
        if (transport.hasNonNull(NATS_TRANSPORT)) {
            return new Transport.Nats(text(transport, NATS_TRANSPORT));
        }
        if (transport.hasNonNull(LOCAL_TRANSPORT)) {
            return new Transport.Local(text(transport, LOCAL_TRANSPORT));
        }
        throw new IllegalArgumentException("transport is none of 'nats_tcp', 'tcp' and 'local'");
    }

    /**
     * Reads a model card value.
     *
     * @throws IllegalArgumentException when it is not one, saying why
     */
    public static ModelCard parseModel(byte[] value) {
        JsonNode node = tree(value);
        requireType(node, MODEL_TYPE);
        return new ModelCard(
                text(node, "name"),
                new EndpointId(text(node, "namespace"), text(node, "component"), text(node, "endpoint")),
                id(node),
                integer(node, "kv_total_blocks"),
                integer(node, "block_size"),
                integer(node, "max_num_seqs"));
    }

    /**
     * The endpoint instance stored at {@code key}, or empty, with a WARN naming the key, when the
     * value does not parse or names another instance than its key. A watcher skips such a value
     * instead of failing: one bad writer must not blind every frontend.
     */
    public static Optional<Instance> decodeInstance(String key, byte[] value) {
        return decode(key, () -> {
            Instance instance = parseInstance(value);
            DiscoveryKeys.Parsed parsed = DiscoveryKeys.parseInstance(key)
                    .orElseThrow(() -> new IllegalArgumentException("not an endpoint instance key"));
            requireMatch(parsed, instance.endpointId(), instance.id());
            return instance;
        });
    }

    /** The model card stored at {@code key}, or empty with a WARN naming the key, like {@link #decodeInstance}. */
    public static Optional<ModelCard> decodeModel(String key, byte[] value) {
        return decode(key, () -> {
            ModelCard card = parseModel(value);
            DiscoveryKeys.Parsed parsed = DiscoveryKeys.parseModel(key)
                    .orElseThrow(() -> new IllegalArgumentException("not a model card key"));
            requireMatch(parsed, card.endpoint(), card.instanceId());
            return card;
        });
    }

    private static <T> Optional<T> decode(String key, Supplier<T> parse) {
        try {
            return Optional.of(parse.get());
        } catch (IllegalArgumentException e) {
            LOG.warnf("Skipping discovery key %s: %s", key, e.getMessage());
            return Optional.empty();
        }
    }

    private static void requireMatch(DiscoveryKeys.Parsed key, EndpointId endpoint, InstanceId id) {
        if (!key.endpoint().equals(endpoint) || !key.id().equals(id)) {
            throw new IllegalArgumentException("value names " + endpoint + "/" + id.hex() + ", not its key's "
                    + key.endpoint() + "/" + key.id().hex());
        }
    }

    private interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private static String write(Body body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            body.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to a StringWriter does not fail
        }
        return out.toString();
    }

    private static void writeId(JsonGenerator json, InstanceId id) throws IOException {
        json.writeFieldName("instance_id");
        // A signed long would print ids >= 2^63 as negative numbers: write the unsigned decimal.
        json.writeNumber(new BigInteger(id.decimal()));
    }

    private static JsonNode tree(byte[] value) {
        JsonNode node;
        try {
            node = MAPPER.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON (" + ConfigProblem.firstLine(e.getMessage()) + ")");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return node;
    }

    private static void requireType(JsonNode node, String type) {
        String actual = text(node, "type");
        if (!type.equals(actual)) {
            throw new IllegalArgumentException("type is '" + actual + "', expected '" + type + "'");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("missing string field '" + field + "'");
        }
        return value.textValue();
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is not a string");
        }
        return value.textValue();
    }

    private static int integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException("missing integer field '" + field + "'");
        }
        return value.intValue();
    }

    private static InstanceId id(JsonNode node) {
        return unsigned(node, "instance_id");
    }

    private static InstanceId unsigned(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber()) {
            throw new IllegalArgumentException("missing integer field '" + field + "'");
        }
        BigInteger id = value.bigIntegerValue();
        if (id.signum() < 0 || id.compareTo(TWO_TO_THE_64) >= 0) {
            throw new IllegalArgumentException(field + " " + id + " is not an unsigned 64-bit integer");
        }
        return new InstanceId(id.longValue()); // the low 64 bits: the unsigned value's bit pattern
    }
}
