package dev.vigil.frontend.load;

/**
 * When a worker counts as busy; a null threshold is not checked. All null: never busy.
 *
 * @param decodeBlocks fraction of KV blocks in use (0–1)
 * @param prefillTokens prompt tokens awaiting prefill
 * @param prefillTokensFrac multiple of the worker's batch size in prompt tokens awaiting prefill
 */
public record Thresholds(Double decodeBlocks, Integer prefillTokens, Double prefillTokensFrac) {

    public static final Thresholds NONE = new Thresholds(null, null, null);

    public boolean configured() {
        return decodeBlocks != null || prefillTokens != null || prefillTokensFrac != null;
    }
}
