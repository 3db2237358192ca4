package dev.vigil.frontend.api;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.vigil.frontend.probe.InstanceView;
import dev.vigil.frontend.probe.Probe;
import dev.vigil.frontend.probe.ProbeView;
import dev.vigil.frontend.probe.Probes;
import dev.vigil.frontend.routing.CircuitBreakers;
import dev.vigil.frontend.routing.WorkerStates;
import dev.vigil.runtime.model.InstanceId;

/**
 * {@code GET /v1/instances}: every worker instance the frontend knows, whether it may get traffic
 * and each probe's streaks, its fused health state ({@link WorkerStates}) and its circuit, as JSON; with {@code Accept: text/plain} (or {@code ?format=table}) the
 * same as a {@code dstack ps --verbose}-style table. Probe urls are shown as configured, with their
 * {@code ${{ env.NAME }}} references unresolved; header values and bodies are never shown.
 */
@ApplicationScoped
public class InstancesRoutes {

    public static final String PATH = "/v1/instances";

    @Inject
    Probes probes;

    @Inject
    WorkerStates states;

    @Inject
    CircuitBreakers breakers;

    @Inject
    ObjectMapper json;

    void install(@Observes Router router) {
        router.get(PATH).handler(this::list);
    }

    private void list(RoutingContext ctx) {
        List<InstanceView> view = withLeftWorkers(probes.view());
        String accept = ctx.request().getHeader("accept");
        boolean table = "table".equals(ctx.request().getParam("format"))
                || (accept != null && accept.contains("text/plain") && !accept.contains("json"));
        if (table) {
            ctx.response()
                    .putHeader("content-type", "text/plain; charset=utf-8")
                    .end(InstanceTable.render(view, states.all()));
            return;
        }
        ctx.response()
                .putHeader("content-type", "application/json")
                .end(render(view).toString());
    }

    /**
     * The listed workers, then those that left discovery recently (draining or gone), as they were
     * last listed, with state {@code left} and not routable.
     */
    private List<InstanceView> withLeftWorkers(List<InstanceView> listed) {
        Set<InstanceId> ids = listed.stream().map(InstanceView::id).collect(Collectors.toSet());
        List<InstanceView> all = new ArrayList<>(listed);
        for (InstanceId id : states.all().keySet().stream()
                .sorted(Comparator.comparing(InstanceId::hex))
                .toList()) {
            if (!ids.contains(id)) {
                states.lastSeen(id)
                        .ifPresent(v -> all.add(new InstanceView(
                                v.id(),
                                v.namespace(),
                                v.component(),
                                v.endpoints(),
                                v.statusUrl(),
                                "left",
                                false,
                                List.of(),
                                "")));
            }
        }
        return all;
    }

    ObjectNode render(List<InstanceView> view) {
        Map<InstanceId, WorkerStates.Status> health = states.all();
        ObjectNode body = json.createObjectNode();
        body.put("object", "list");
        ArrayNode configured = body.putArray("probes");
        for (Probe probe : probes.configured()) {
            ObjectNode p = configured.addObject();
            p.put("probe", probe.index());
            p.put("type", "http");
            p.put("url", probe.url());
            p.put("method", probe.method().name().toLowerCase(Locale.ROOT));
            ArrayNode headers = p.putArray("headers");
            probe.headers().forEach(h -> headers.add(h.name()));
            p.put("has_body", probe.body() != null);
            p.put("timeout_secs", probe.timeout().toMillis() / 1000.0);
            p.put("interval_secs", probe.interval().toMillis() / 1000.0);
            p.put("ready_after", probe.readyAfter());
            p.put("until_ready", probe.untilReady());
            if (probe.failureThreshold() == null) {
                p.putNull("failure_threshold");
            } else {
                p.put("failure_threshold", probe.failureThreshold());
            }
        }
        ArrayNode data = body.putArray("data");
        for (InstanceView i : view) {
            ObjectNode instance = data.addObject();
            instance.put("instance_id", new BigInteger(i.id().decimal()));
            instance.put("instance_hex", i.id().hex());
            instance.put("namespace", i.namespace());
            instance.put("component", i.component());
            ArrayNode endpoints = instance.putArray("endpoints");
            i.endpoints().forEach(endpoints::add);
            instance.put("system_status_url", i.statusUrl());
            instance.put("state", i.state());
            instance.put("routable", i.routable());
            instance.put("probes_status", i.symbols());
            WorkerStates.Status status = health.get(i.id());
            if (status == null) {
                instance.putNull("worker_state");
            } else {
                ObjectNode state = instance.putObject("worker_state");
                state.put("state", status.state().wireName());
                state.put("reason", status.reason());
                state.put("since", status.since().toString());
            }
            var circuit = breakers.status(i.id());
            if (circuit.isEmpty()) {
                instance.putNull("circuit");
            } else {
                ObjectNode c = instance.putObject("circuit");
                c.put("state", circuit.get().state());
                c.put("reason", circuit.get().reason());
            }
            ArrayNode list = instance.putArray("probes");
            for (ProbeView p : i.probes()) {
                ObjectNode probe = list.addObject();
                probe.put("probe", p.config().index());
                probe.put("url", p.config().url());
                probe.put("symbol", String.valueOf(p.symbol()));
                probe.put("ready", p.ready());
                probe.put("success_streak", p.successStreak());
                probe.put("failure_streak", p.failureStreak());
                probe.put("executions", p.executions());
                probe.put("active", p.active());
                if (p.last() == null) {
                    probe.putNull("last");
                } else {
                    ObjectNode last = probe.putObject("last");
                    last.put("result", p.last().result().label());
                    if (p.last().status() == 0) {
                        last.putNull("status");
                    } else {
                        last.put("status", p.last().status());
                    }
                    last.put("latency_ms", Math.round(p.last().latency().toNanos() / 10_000.0) / 100.0);
                    last.put("detail", p.last().detail());
                }
            }
        }
        return body;
    }
}
