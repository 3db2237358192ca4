package dev.vigil.frontend.probe;

import java.util.List;

import dev.vigil.runtime.model.InstanceId;

/**
 * One worker process as the prober sees it, for {@code /v1/instances} and the status table.
 *
 * @param statusUrl its published system status address, null when it published none
 * @param state {@code probing}, {@code ready}, {@code failed} or {@code unprobeable} ({@code ready}
 *     for every instance when no probes are configured)
 * @param symbols dstack's PROBES column, empty when no probes are configured
 */
public record InstanceView(
        InstanceId id,
        String namespace,
        String component,
        List<String> endpoints,
        String statusUrl,
        String state,
        boolean routable,
        List<ProbeView> probes,
        String symbols) {}
