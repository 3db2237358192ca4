package dev.vigil.worker.endpoint;

/** The worker's endpoints, by their Dynamo names. */
public enum WorkerEndpoint {
    GENERATE("generate"),
    CLEAR_KV_BLOCKS("clear_kv_blocks"),
    LOAD_METRICS("load_metrics");

    private final String wireName;

    WorkerEndpoint(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
