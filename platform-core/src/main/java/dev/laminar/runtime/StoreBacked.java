package dev.laminar.runtime;

import dev.laminar.state.StateStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A {@link Checkpointable} operator that keeps its keyed state in {@link StateStore}s. At a barrier
 * the checkpoint coordinator serializes the operator's small heap part through
 * {@link Checkpointable#snapshot} and captures each store — incrementally when the store's previous
 * capture is in a checkpoint chain, else in full — and writes the captures off the reactor. Recovery
 * calls {@link Checkpointable#restore} and then {@link #restoreStores}.
 */
public interface StoreBacked extends Checkpointable {
  /**
   * The operator's stores by a name that is stable across checkpoints and restores (reactor thread, at
   * the barrier, after {@link #snapshot}). A store missing from a later call has been dropped.
   */
  Map<String, StateStore> stores();

  /**
   * After {@link #restore}: puts back each store named in the snapshot from its chain of snapshot
   * files (a full one, then the incremental ones after it, oldest first).
   */
  void restoreStores(Map<String, List<Path>> chains) throws IOException;

  /**
   * Refuses chains that another form of the operator wrote (the heap operators keep their state in one journal
   * store, the store-backed ones in stores of their own names): restoring them would read state in the wrong
   * layout, or silently none. {@code own} tells this form's store names.
   *
   * @param operator what the operator is, for the message (e.g. "the TUMBLE aggregate's store-backed form")
   */
  static void requireOwnStores(Map<String, List<Path>> chains, java.util.function.Predicate<String> own, String operator)
      throws IOException {
    for (String name : chains.keySet()) {
      if (!own.test(name)) {
        throw new IOException("the checkpoint has a store '" + name + "' that " + operator + " does not keep (it has " + chains.keySet()
            + "): the state was written by the operator's other form, by an earlier build or with -Dlaminar.state.store set "
            + "otherwise; restore with the setting the checkpoint was taken with");
      }
    }
  }
}
