package dev.vigil.worker.engine.openai;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load an engine reports in its Prometheus text ({@code GET /metrics}), read from the names vLLM,
 * SGLang and llama.cpp use. A sample's labels are ignored and samples of one name are summed (one engine
 * serves one model).
 *
 * <ul>
 *   <li>vLLM: {@code vllm:num_requests_running}, {@code vllm:num_requests_waiting}, {@code
 *       vllm:kv_cache_usage_perc} (0–1; {@code vllm:gpu_cache_usage_perc} before v0.10), and the KV
 *       cache size from the {@code num_gpu_blocks} label of {@code vllm:cache_config_info};
 *   <li>SGLang: {@code sglang:num_running_reqs}, {@code sglang:num_queue_reqs}, {@code
 *       sglang:token_usage} (0–1);
 *   <li>llama.cpp ({@code llama-server --metrics}, and Vigil's llama.cpp engine): {@code
 *       llamacpp:requests_processing}, {@code llamacpp:requests_deferred}, {@code
 *       llamacpp:kv_cache_usage_ratio} (0–1).
 * </ul>
 *
 * @param running requests the engine is generating for
 * @param waiting requests queued at the engine
 * @param kvUsage fraction of the KV cache in use, 0–1, or -1 when not reported
 * @param kvBlocks KV cache size in blocks, or 0 when not reported
 */
record EngineMetrics(int running, int waiting, double kvUsage, long kvBlocks) {

    /** KV scale when the engine reports only a fraction: usage is published in thousandths. */
    static final long FRACTION_SCALE = 1000;

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})?\\s+(\\S+)");
    private static final Pattern GPU_BLOCKS = Pattern.compile("num_gpu_blocks=\"(\\d+)\"");

    /** The load in {@code text}, or empty when it has none of the names above. */
    static Optional<EngineMetrics> parse(String text) {
        Map<String, Double> sums = new HashMap<>();
        long blocks = 0;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.find()) {
                continue;
            }
            String name = m.group(1);
            if (name.equals("vllm:cache_config_info") && m.group(3) != null) {
                Matcher b = GPU_BLOCKS.matcher(m.group(3));
                if (b.find()) {
                    blocks = Long.parseLong(b.group(1));
                }
                continue;
            }
            double value;
            try {
                value = Double.parseDouble(m.group(4));
            } catch (NumberFormatException e) {
                continue;
            }
            if (Double.isFinite(value)) {
                sums.merge(name, value, Double::sum);
            }
        }
        Double running =
                first(sums, "vllm:num_requests_running", "sglang:num_running_reqs", "llamacpp:requests_processing");
        Double waiting =
                first(sums, "vllm:num_requests_waiting", "sglang:num_queue_reqs", "llamacpp:requests_deferred");
        Double usage = first(
                sums,
                "vllm:kv_cache_usage_perc",
                "vllm:gpu_cache_usage_perc",
                "sglang:token_usage",
                "llamacpp:kv_cache_usage_ratio");
        if (running == null && waiting == null && usage == null) {
            return Optional.empty();
        }
        return Optional.of(new EngineMetrics(
                running == null ? 0 : (int) Math.round(running),
                waiting == null ? 0 : (int) Math.round(waiting),
                usage == null ? -1 : Math.max(0, Math.min(1, usage)),
                blocks));
    }

    private static Double first(Map<String, Double> sums, String... names) {
        for (String name : names) {
            Double value = sums.get(name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** KV cache size in blocks as published: the engine's, or {@link #FRACTION_SCALE}. */
    long totalBlocks() {
        return kvUsage < 0 ? 0 : (kvBlocks > 0 ? kvBlocks : FRACTION_SCALE);
    }

    /** KV blocks in use as published, on the scale of {@link #totalBlocks()}. */
    long usedBlocks() {
        return kvUsage < 0 ? 0 : Math.round(kvUsage * totalBlocks());
    }
}
