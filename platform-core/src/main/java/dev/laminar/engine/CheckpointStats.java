package dev.laminar.engine;

/**
 * Figures of one completed checkpoint (for monitoring and benchmarks).
 *
 * @param epoch the checkpoint's epoch
 * @param reactorStallNanos time the reactor spent at the barrier: snapshotting the heap state of operators and
 *     copying the changed entries of their state stores (it processed no rows meanwhile)
 * @param writeNanos time spent writing and syncing the state files, off the reactor (the checkpoint thread)
 * @param stateBytes bytes of state files written for this epoch (heap snapshots plus store captures)
 * @param fullCaptures state stores captured whole (first capture of a store, or after a failed checkpoint)
 * @param incrementalCaptures state stores captured incrementally (only entries changed since the previous checkpoint)
 * @param chainBytes bytes of every snapshot file the manifest references for state stores (what recovery reads)
 * @param compactionNanos time the checkpoint thread spent after the manifest was durable on handing due snapshot
 *     chains to the background compactor and sweeping unreferenced files (the compaction itself runs on its own thread)
 */
public record CheckpointStats(long epoch, long reactorStallNanos, long writeNanos, long stateBytes, int fullCaptures,
    int incrementalCaptures, long chainBytes, long compactionNanos) {}
