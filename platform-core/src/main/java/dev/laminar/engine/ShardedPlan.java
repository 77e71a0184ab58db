package dev.laminar.engine;

import dev.laminar.runtime.HeadDealer;

/**
 * A sink's or subscription's plan deployed over every reactor: keyed ({@link Shards}: rows routed by key
 * to one shard per reactor) or a global aggregate ({@link GlobalShards}: partial states folded on every
 * reactor, combined on one).
 */
interface ShardedPlan {
  /** How many parts take a checkpoint barrier dealt with {@link #barrier} (and snapshot, as shard 0..count-1). */
  int count();

  /**
   * The lane of the plan's edge that part {@code part} marks when it takes a checkpoint barrier, or -1 when it feeds no
   * lane (a shard whose output goes to a combiner): by default its own.
   */
  default int lane(int part) {
    return part;
  }

  /** The operator to attach to input {@code input}'s stream on reactor 0. */
  HeadDealer dealer(int input);

  /** Reactor 0: deals checkpoint barrier {@code id} as the plan's next event. */
  void barrier(long id);

  /** Removes the inboxes and timers; call after the dealers were detached on reactor 0. */
  void undeploy();

  /** Queue and routing figures (DESCRIBE), starting with how the plan is spread ("routed by key: …"). */
  String describe();
}
