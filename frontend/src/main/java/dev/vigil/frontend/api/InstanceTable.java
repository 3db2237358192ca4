package dev.vigil.frontend.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.vigil.frontend.probe.InstanceView;
import dev.vigil.frontend.routing.WorkerStates;
import dev.vigil.runtime.model.InstanceId;

/**
 * The command-line view of the prober, like {@code dstack ps --verbose}: one row per worker instance
 * with a PROBES column of one symbol per probe in configuration order, five to a group: {@code ✓}
 * the streak reached {@code ready_after}, {@code ~} succeeding but below it, {@code ×} streak 0
 * (the last run failed or none has succeeded yet). As in dstack the symbol is the current streak,
 * not the latched readiness: a routable instance may show {@code ×}. HEALTH is the state that fuses
 * probes with discovery, request outcomes and drain.
 */
public final class InstanceTable {

    static final List<String> HEADER =
            List.of("INSTANCE", "COMPONENT", "ENDPOINTS", "STATUS URL", "STATE", "PROBES", "HEALTH");

    private InstanceTable() {}

    /**
     * @param health each process's fused state ({@link WorkerStates}): the HEALTH column, {@code -}
     *     for a process it has not seen yet
     */
    public static String render(List<InstanceView> instances, Map<InstanceId, WorkerStates.Status> health) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (InstanceView i : instances) {
            rows.add(List.of(
                    i.id().hex(),
                    i.namespace() + "." + i.component(),
                    String.valueOf(i.endpoints().size()),
                    i.statusUrl() == null ? "-" : i.statusUrl(),
                    i.state(),
                    i.symbols().isEmpty() ? "-" : i.symbols(),
                    health.containsKey(i.id()) ? health.get(i.id()).state().wireName() : "-"));
        }
        int[] widths = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int c = 0; c < row.size(); c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.size(); c++) {
                line.append(row.get(c));
                if (c < row.size() - 1) {
                    line.append(" ".repeat(widths[c] - row.get(c).length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        if (instances.isEmpty()) {
            out.append("(no worker instances discovered)\n");
        }
        return out.toString();
    }
}
