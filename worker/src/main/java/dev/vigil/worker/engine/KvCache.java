package dev.vigil.worker.engine;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Block accounting of the simulated KV cache: blocks held by running sequences, plus a prefix cache
 * of the full blocks of finished sequences. Cached blocks take space until they are evicted, least
 * recently cached first, when a sequence needs the space, or until {@link #clear()}; a new
 * prompt that starts with cached blocks takes them over and skips their prefill.
 *
 * <p>A block is identified by a hash chained over its tokens and every token before it, so equal
 * hashes mean equal prefixes, as in vLLM's prefix caching. A cached block is handed to at most one
 * sequence (no sharing, no reference counts): enough for a mock.
 *
 * <p>Not thread-safe; the {@link Scheduler} guards it.
 */
final class KvCache {

    /** Blocks a sequence was given on admission, and how many of its leading tokens were cached. */
    record Admission(int blocks, int cachedTokens) {}

    private final int totalBlocks;
    private final int blockSize;
    private long activeBlocks;
    /** Hashes of cached blocks, least recently cached first. */
    private final LinkedHashSet<Long> cached = new LinkedHashSet<>();

    KvCache(int totalBlocks, int blockSize) {
        this.totalBlocks = totalBlocks;
        this.blockSize = blockSize;
    }

    int totalBlocks() {
        return totalBlocks;
    }

    /**
     * Blocks held by running sequences: what the worker reports as {@code kv_used_blocks}. Cached
     * blocks are left out because any new sequence may evict them, so they are free capacity; counted
     * as used, a worker that served many distinct prompts would look full, and stay busy, while idle.
     */
    long activeBlocks() {
        return activeBlocks;
    }

    /** Blocks kept in the prefix cache: free to reuse or evict. */
    int cachedBlocks() {
        return cached.size();
    }

    /** Blocks taken: held by sequences or kept in the prefix cache. */
    private long takenBlocks() {
        return activeBlocks + cached.size();
    }

    int blocksFor(long tokens) {
        return (int) ((tokens + blockSize - 1) / blockSize);
    }

    /**
     * Reserves the blocks of a sequence about to be prefilled, or returns null when they are not free
     * now (evicting every cached block it cannot use included). It is admitted only if its next token
     * would fit too: otherwise a sequence just preempted for want of that block would be admitted
     * again at once and preempted again, in a loop.
     */
    Admission admit(List<Integer> tokens) {
        long[] hashes = fullBlockHashes(tokens);
        // At least the last token is always computed, as in vLLM: its logits give the next token.
        int reusable = tokens.isEmpty() ? 0 : (tokens.size() - 1) / blockSize;
        int hits = 0;
        while (hits < reusable && cached.contains(hashes[hits])) {
            hits++;
        }
        int needed = blocksFor(tokens.size()) - hits;
        if (blocksFor(tokens.size() + 1L) > freeBlocks() + cached.size()) {
            return null;
        }
        for (int i = 0; i < hits; i++) {
            cached.remove(hashes[i]);
        }
        activeBlocks += hits;
        take(needed);
        return new Admission(hits + needed, hits * blockSize);
    }

    /**
     * Grows a sequence holding {@code held} blocks to hold {@code tokens} tokens. Returns the blocks
     * it holds now, or -1 when even evicting the whole prefix cache would not make room.
     */
    int grow(int held, long tokens) {
        int needed = blocksFor(tokens) - held;
        if (needed <= 0) {
            return held;
        }
        if (needed > freeBlocks() + cached.size()) {
            return -1;
        }
        take(needed);
        return held + needed;
    }

    /** A sequence gives its blocks back without caching them. */
    void release(int held) {
        activeBlocks -= held;
    }

    /**
     * A sequence that finished normally gives its blocks back, keeping its full blocks in the prefix
     * cache (a block already cached is refreshed, the duplicate freed); the partial last block is
     * freed.
     */
    void retain(int held, List<Integer> tokens) {
        activeBlocks -= held;
        for (long hash : fullBlockHashes(tokens)) {
            cached.remove(hash);
            cached.add(hash);
        }
    }

    /** Empties the prefix cache; returns the blocks freed. */
    int clear() {
        int freed = cached.size();
        cached.clear();
        return freed;
    }

    private long freeBlocks() {
        return totalBlocks - takenBlocks();
    }

    private void take(int blocks) {
        Iterator<Long> oldest = cached.iterator();
        while (freeBlocks() < blocks && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
        activeBlocks += blocks;
    }

    private long[] fullBlockHashes(List<Integer> tokens) {
        long[] hashes = new long[tokens.size() / blockSize];
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < hashes.length * blockSize; i++) {
            hash = (hash ^ (tokens.get(i) & 0xffffffffL)) * 0x100000001b3L;
            if ((i + 1) % blockSize == 0) {
                hashes[i / blockSize] = hash;
            }
        }
        return hashes;
    }
}
