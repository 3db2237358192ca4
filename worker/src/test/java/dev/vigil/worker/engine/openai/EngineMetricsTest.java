package dev.vigil.worker.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The load in vLLM's and SGLang's Prometheus text. */
class EngineMetricsTest {

    @Test
    void vllm() {
        String text = "# HELP vllm:num_requests_running Number of requests in model execution batches.\n"
                + "# TYPE vllm:num_requests_running gauge\n"
                + "vllm:num_requests_running{engine=\"0\",model_name=\"Qwen/Qwen3-0.6B\"} 3.0\n"
                + "vllm:num_requests_waiting{engine=\"0\",model_name=\"Qwen/Qwen3-0.6B\"} 2.0\n"
                + "vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"Qwen/Qwen3-0.6B\"} 0.5\n"
                + "vllm:cache_config_info{block_size=\"16\",num_gpu_blocks=\"4096\",engine=\"0\"} 1.0\n"
                + "vllm:generation_tokens_total{model_name=\"Qwen/Qwen3-0.6B\"} 1.2e+06\n";
        EngineMetrics m = EngineMetrics.parse(text).orElseThrow();
        assertEquals(new EngineMetrics(3, 2, 0.5, 4096), m);
        assertEquals(4096, m.totalBlocks());
        assertEquals(2048, m.usedBlocks());
    }

    @Test
    void olderVllmReportsGpuCacheUsage() {
        EngineMetrics m = EngineMetrics.parse("vllm:gpu_cache_usage_perc{model_name=\"m\"} 0.25\n")
                .orElseThrow();
        assertEquals(1000, m.totalBlocks(), "only a fraction: published in thousandths");
        assertEquals(250, m.usedBlocks());
    }

    @Test
    void sglang() {
        String text = "sglang:num_running_reqs{model_name=\"m\"} 7.0\n"
                + "sglang:num_queue_reqs{model_name=\"m\"} 1.0\n"
                + "sglang:token_usage{model_name=\"m\"} 0.28\n";
        assertEquals(new EngineMetrics(7, 1, 0.28, 0), EngineMetrics.parse(text).orElseThrow());
    }

    @Test
    void llamaCpp() {
        String text = "# HELP llamacpp:requests_processing Number of requests processing.\n"
                + "# TYPE llamacpp:requests_processing gauge\n"
                + "llamacpp:requests_processing 2\n"
                + "llamacpp:requests_deferred 3\n"
                + "llamacpp:kv_cache_usage_ratio 0.5\n"
                + "llamacpp:kv_cache_tokens 512\n";
        EngineMetrics m = EngineMetrics.parse(text).orElseThrow();
        assertEquals(new EngineMetrics(2, 3, 0.5, 0), m);
        assertEquals(500, m.usedBlocks());
    }

    @Test
    void otherMetricsAreNoLoad() {
        assertTrue(EngineMetrics.parse("process_cpu_seconds_total 12.5\n").isEmpty());
    }
}
