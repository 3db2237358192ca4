package dev.vigil.worker.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vigil.runtime.protocol.LoadMetrics;

/**
 * Which sequences run: admission in FIFO order when a slot ({@code max_num_seqs}) and the prompt's
 * KV blocks are free, block growth while decoding, and the load numbers. Thread-safe; it never calls
 * out to a sink, and the only callback it makes under its lock ({@code Admitted}) just sets a timer,
 * so sequences may call it while holding their own lock.
 */
final class Scheduler {

    /** Told, under the scheduler's lock, that a sequence may start its prefill of {@code tokens}. */
    interface Admitted {
        void start(Sequence sequence, int prefillTokens);
    }

    /** A running sequence's share of the engine. */
    private static final class Slot {
        int blocks;
        final int prefillTokens;
        boolean decoding;

        Slot(int blocks, int prefillTokens) {
            this.blocks = blocks;
            this.prefillTokens = prefillTokens;
        }
    }

    private final int maxNumSeqs;
    private final KvCache kv;
    private final Admitted admitted;
    private final Deque<Sequence> waiting = new ArrayDeque<>();
    private final Map<Sequence, Slot> running = new LinkedHashMap<>();
    private boolean open;
    private boolean closed;

    Scheduler(MockerSettings settings, Admitted admitted) {
        this.maxNumSeqs = settings.maxNumSeqs();
        this.kv = new KvCache(settings.numBlocks(), settings.blockSize());
        this.admitted = admitted;
    }

    /** From now on sequences are admitted: the model is loaded. */
    synchronized void open() {
        open = true;
        admit();
    }

    /** Queues a new sequence; false once the engine is closing. */
    synchronized boolean enqueue(Sequence sequence) {
        if (closed) {
            return false;
        }
        waiting.addLast(sequence);
        admit();
        return true;
    }

    /**
     * Makes room for the token that brings {@code sequence} to {@code tokens} tokens, and marks its
     * prefill done. Returns false when the sequence cannot take it now: either it no longer runs (the
     * engine closed) or no block is free even after emptying the prefix cache, in which case it is
     * preempted as vLLM does — its blocks freed, put back at the head of the queue, to recompute its
     * whole sequence when it is admitted again. It preempts itself rather than a younger sequence
     * because that needs no lock on another sequence.
     */
    synchronized boolean advance(Sequence sequence, long tokens) {
        Slot slot = running.get(sequence);
        if (slot == null) {
            return false;
        }
        int blocks = kv.grow(slot.blocks, tokens);
        if (blocks < 0) {
            MockEngine.LOG.debugf("Request %s preempted: no free KV block", sequence.requestId());
            running.remove(sequence);
            kv.release(slot.blocks);
            waiting.addFirst(sequence);
            admit();
            return false;
        }
        slot.blocks = blocks;
        slot.decoding = true;
        return true;
    }

    /** The sequence finished normally: its full blocks go to the prefix cache. */
    synchronized void finish(Sequence sequence, List<Integer> tokens) {
        Slot slot = running.remove(sequence);
        if (slot != null) {
            kv.retain(slot.blocks, tokens);
            admit();
        }
    }

    /** The sequence was stopped, killed or failed, queued or running: its blocks are freed, not cached. */
    synchronized void abort(Sequence sequence) {
        Slot slot = running.remove(sequence);
        if (slot != null) {
            kv.release(slot.blocks);
            admit();
        } else {
            waiting.remove(sequence);
        }
    }

    /** Empties the prefix cache; returns the blocks freed. */
    synchronized int cachedBlocks() {
        return kv.cachedBlocks();
    }

    synchronized int clearCache() {
        return kv.clear();
    }

    /** Every sequence still queued or running, which the scheduler forgets: the engine is closing. */
    synchronized List<Sequence> drain() {
        open = false;
        closed = true;
        List<Sequence> all = new ArrayList<>(running.keySet());
        all.addAll(waiting);
        running.clear();
        waiting.clear();
        return all;
    }

    synchronized LoadMetrics metrics(long workerId) {
        long prefillTokens = 0;
        long decodeBlocks = 0;
        for (Slot slot : running.values()) {
            if (slot.decoding) {
                decodeBlocks += slot.blocks;
            } else {
                prefillTokens += slot.prefillTokens;
            }
        }
        return new LoadMetrics(
                workerId,
                kv.activeBlocks(),
                kv.totalBlocks(),
                prefillTokens,
                decodeBlocks,
                running.size(),
                waiting.size());
    }

    /** Starts queued sequences in order while a slot and their blocks are free. */
    private void admit() {
        while (open && !waiting.isEmpty() && running.size() < maxNumSeqs) {
            Sequence next = waiting.peekFirst();
            KvCache.Admission admission = kv.admit(next.tokens());
            if (admission == null) {
                // Strict FIFO, as vLLM's default policy: a later, smaller prompt does not overtake.
                return;
            }
            waiting.pollFirst();
            int prefillTokens = next.tokens().size() - admission.cachedTokens();
            running.put(next, new Slot(admission.blocks(), prefillTokens));
            admitted.start(next, prefillTokens);
        }
    }
}
