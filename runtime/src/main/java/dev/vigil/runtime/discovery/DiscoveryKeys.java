package dev.vigil.runtime.discovery;

import java.util.Objects;
import java.util.Optional;

import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.ModelCard;

/**
 * The one place discovery keys are spelled, in Dynamo's layout:
 *
 * <ul>
 *   <li>{@code v1/instances/{namespace}/{component}/{endpoint}/{instanceIdHex}} for endpoint
 *       instances;
 *   <li>{@code v1/mdc/{namespace}/{component}/{endpoint}/{instanceIdHex}} for model cards.
 * </ul>
 *
 * <p>A key can be parsed back into its endpoint and instance id: an etcd delete event carries the key
 * and no value, so the key alone must say what went away.
 */
public final class DiscoveryKeys {

    /** Every endpoint instance key starts with this; watch it to see them all. */
    public static final String INSTANCES_PREFIX = "v1/instances/";

    /** Every model card key starts with this. */
    public static final String MODELS_PREFIX = "v1/mdc/";

    /**
     * Vigil's: a worker process an operator asked to drain has a key under this prefix, named by its
     * instance id alone (a drain takes the whole process out of routing, every endpoint at once).
     * Dynamo's frontends do not read it; Vigil's leave the process out of routing while it exists.
     */
    public static final String DRAINING_PREFIX = "v1/vigil/draining/";

    /**
     * Vigil's: {@code v1/vigil/verdicts/{workerHex}/{reporterHex}}, one frontend's verdict on one
     * worker ({@code HealthVerdict}), under the frontend's lease. At most one per pair: a newer
     * verdict replaces the older.
     */
    public static final String VERDICTS_PREFIX = "v1/vigil/verdicts/";

    private DiscoveryKeys() {}

    /**
     * What a key names: an endpoint served by one process.
     *
     * @param endpoint {@code namespace.component.endpoint}
     * @param id the process (lease) that registered it
     */
    public record Parsed(EndpointId endpoint, InstanceId id) {

        public Parsed {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(id, "id");
        }
    }

    /** {@code v1/instances/dynamo/backend/generate/694d98147d54be25}. */
    public static String instance(Instance instance) {
        return instance(instance.endpointId(), instance.id());
    }

    /** The key of {@code endpoint} served by the process {@code id}. */
    public static String instance(EndpointId endpoint, InstanceId id) {
        return key(INSTANCES_PREFIX, endpoint, id);
    }

    /** {@code v1/mdc/dynamo/backend/generate/694d98147d54be25}. */
    public static String model(ModelCard card) {
        return key(MODELS_PREFIX, card.endpoint(), card.instanceId());
    }

    /** Parses an endpoint instance key; empty when it is not one (wrong prefix, segment count, id). */
    public static Optional<Parsed> parseInstance(String key) {
        return parse(INSTANCES_PREFIX, key);
    }

    /** Parses a model card key; empty when it is not one. */
    public static Optional<Parsed> parseModel(String key) {
        return parse(MODELS_PREFIX, key);
    }

    /** {@code v1/vigil/draining/694d98147d54be25}: the process {@code id} is draining. */
    public static String draining(InstanceId id) {
        return DRAINING_PREFIX + id.hex();
    }

    /** The process a draining key names; empty when it is not one. */
    public static Optional<InstanceId> parseDraining(String key) {
        if (key == null || !key.startsWith(DRAINING_PREFIX)) {
            return Optional.empty();
        }
        String hex = key.substring(DRAINING_PREFIX.length());
        return canonicalHex(hex) ? Optional.of(InstanceId.fromHex(hex)) : Optional.empty();
    }

    /** The key of {@code reporter}'s verdict on {@code worker}. */
    public static String verdict(InstanceId worker, InstanceId reporter) {
        return VERDICTS_PREFIX + worker.hex() + "/" + reporter.hex();
    }

    /** What a verdict key names: whose verdict on which worker. */
    public record VerdictKey(InstanceId worker, InstanceId reporter) {}

    /** The (worker, reporter) a verdict key names; empty when it is not one. */
    public static Optional<VerdictKey> parseVerdict(String key) {
        if (key == null || !key.startsWith(VERDICTS_PREFIX)) {
            return Optional.empty();
        }
        String[] parts = key.substring(VERDICTS_PREFIX.length()).split("/", -1);
        if (parts.length != 2 || !canonicalHex(parts[0]) || !canonicalHex(parts[1])) {
            return Optional.empty();
        }
        return Optional.of(new VerdictKey(InstanceId.fromHex(parts[0]), InstanceId.fromHex(parts[1])));
    }

    private static String key(String prefix, EndpointId endpoint, InstanceId id) {
        return prefix
                + segment("namespace", endpoint.namespace())
                + "/"
                + segment("component", endpoint.component())
                + "/"
                + segment("endpoint", endpoint.endpoint())
                + "/"
                + id.hex();
    }

    // A '/' inside a name would shift the segments and make the key parse back as another endpoint,
    // so such names are refused when the key is built rather than misread when it is watched.
    private static String segment(String what, String name) {
        if (name.isEmpty() || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException(what + " must be non-empty and contain no '/': '" + name + "'");
        }
        return name;
    }

    private static Optional<Parsed> parse(String prefix, String key) {
        if (key == null || !key.startsWith(prefix)) {
            return Optional.empty();
        }
        String[] parts = key.substring(prefix.length()).split("/", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        for (String part : parts) {
            if (part.isEmpty()) {
                return Optional.empty();
            }
        }
        String hex = parts[3];
        if (!canonicalHex(hex)) {
            return Optional.empty();
        }
        return Optional.of(new Parsed(new EndpointId(parts[0], parts[1], parts[2]), InstanceId.fromHex(hex)));
    }

    // Keys are written lower-case and unpadded; anything else would not round-trip to the same key.
    private static boolean canonicalHex(String hex) {
        return !hex.isEmpty()
                && hex.length() <= 16
                && hex.matches("[0-9a-f]+")
                && !(hex.length() > 1 && hex.startsWith("0"));
    }
}
