package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.StateCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Checkpoint encoding of the window operators' per-group maps (group states, results last emitted). */
final class GroupStateIo {
  private GroupStateIo() {}

  static void writeGroups(Map<GroupKey, GroupAccumulator> groups, DataOutput out) throws IOException {
    out.writeInt(groups.size());
    for (Map.Entry<GroupKey, GroupAccumulator> e : groups.entrySet()) {
      StateCodec.writeState(e.getKey(), out);
      StateCodec.writeState(e.getValue(), out);
    }
  }

  /** The groups in their original (first-seen) order. */
  static LinkedHashMap<GroupKey, GroupAccumulator> readGroups(WindowGroupKeys keys, GroupAccumulatorFactory factory, DataInput in)
      throws IOException {
    int n = in.readInt();
    LinkedHashMap<GroupKey, GroupAccumulator> groups = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      GroupKey key = keys.blank();
      StateCodec.readState(key, in);
      GroupAccumulator acc = factory.create();
      StateCodec.readState(acc, in);
      groups.put(key, acc);
    }
    return groups;
  }

  /** One group: its key, its state and the result last emitted for it (or null). */
  static void writeGroup(GroupKey key, GroupAccumulator accs, Object[] emitted, DataOutput out) throws IOException {
    StateCodec.writeState(key, out);
    StateCodec.writeState(accs, out);
    writeRow(emitted, out);
  }

  /** Reads what {@link #writeGroup} wrote into {@code key} and {@code accs}; returns the result last emitted, or null. */
  static Object[] readGroup(GroupKey key, GroupAccumulator accs, DataInput in) throws IOException {
    StateCodec.readState(key, in);
    StateCodec.readState(accs, in);
    return readRow(in);
  }

  /** An emitted row's values, or null. */
  static void writeRow(Object[] row, DataOutput out) throws IOException {
    out.writeInt(row == null ? -1 : row.length);
    if (row != null) {
      for (Object v : row) {
        StateCodec.writeValue(v, out);
      }
    }
  }

  static Object[] readRow(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    Object[] row = new Object[n];
    for (int v = 0; v < n; v++) {
      row[v] = StateCodec.readValue(in);
    }
    return row;
  }

  static void writeEmitted(Map<GroupKey, Object[]> emitted, DataOutput out) throws IOException {
    out.writeInt(emitted.size());
    for (Map.Entry<GroupKey, Object[]> e : emitted.entrySet()) {
      StateCodec.writeState(e.getKey(), out);
      out.writeInt(e.getValue().length);
      for (Object v : e.getValue()) {
        StateCodec.writeValue(v, out);
      }
    }
  }

  static HashMap<GroupKey, Object[]> readEmitted(WindowGroupKeys keys, DataInput in) throws IOException {
    int n = in.readInt();
    HashMap<GroupKey, Object[]> emitted = new HashMap<>();
    for (int i = 0; i < n; i++) {
      GroupKey key = keys.blank();
      StateCodec.readState(key, in);
      Object[] values = new Object[in.readInt()];
      for (int v = 0; v < values.length; v++) {
        values[v] = StateCodec.readValue(in);
      }
      emitted.put(key, values);
    }
    return emitted;
  }
}
