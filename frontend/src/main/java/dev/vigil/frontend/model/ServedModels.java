package dev.vigil.frontend.model;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.ModelCard;

/**
 * The models workers have registered, and which endpoint instances serve each. Replaced as a whole on
 * every discovery change, so readers never lock.
 */
@ApplicationScoped
public class ServedModels {

    /**
     * A model and the processes that registered it.
     *
     * @param contextTokens the most tokens a sequence can hold on the largest of its instances (KV
     *     blocks × block size); a prompt of that many tokens or more fits nowhere
     */
    public record Model(String name, Set<EndpointId> endpoints, Set<InstanceId> instanceIds, long contextTokens) {

        /** The instances among {@code known} that serve this model. */
        public List<Instance> instancesIn(List<Instance> known) {
            return known.stream().filter(this::serves).toList();
        }

        /** Whether {@code instance} is one of this model's. */
        public boolean serves(Instance instance) {
            return endpoints.contains(instance.endpointId()) && instanceIds.contains(instance.id());
        }
    }

    private volatile Map<String, Model> models = Map.of();

    public void replace(Collection<ModelCard> cards) {
        Map<String, List<ModelCard>> byName =
                cards.stream().collect(Collectors.groupingBy(ModelCard::name, TreeMap::new, Collectors.toList()));
        Map<String, Model> built = new TreeMap<>();
        byName.forEach((name, list) -> built.put(
                name,
                new Model(
                        name,
                        list.stream().map(ModelCard::endpoint).collect(Collectors.toUnmodifiableSet()),
                        list.stream().map(ModelCard::instanceId).collect(Collectors.toUnmodifiableSet()),
                        list.stream()
                                .mapToLong(c -> (long) c.kvTotalBlocks() * c.blockSize())
                                .max()
                                .orElse(0))));
        models = Collections.unmodifiableMap(built);
    }

    /** Models by name, sorted. */
    public Map<String, Model> all() {
        return models;
    }

    public Model find(String name) {
        return models.get(name);
    }

    /** Every endpoint that serves some model: what the frontend's /health lists as {@code endpoints}. */
    public Set<EndpointId> modelEndpoints() {
        return models.values().stream().flatMap(m -> m.endpoints().stream()).collect(Collectors.toUnmodifiableSet());
    }
}
