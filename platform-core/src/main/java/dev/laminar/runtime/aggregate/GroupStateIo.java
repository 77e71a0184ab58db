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
