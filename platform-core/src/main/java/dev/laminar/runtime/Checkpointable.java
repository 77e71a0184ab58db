package dev.laminar.runtime;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * An operator whose state a checkpoint captures: {@link #snapshot} writes it at the barrier (reactor
 * thread, after every row before the barrier has been processed) and {@link #restore} reads it back
 * into a freshly built operator of the same plan before it receives any row.
 */
public interface Checkpointable {
  void snapshot(DataOutput out) throws IOException;

  void restore(DataInput in) throws IOException;
}
