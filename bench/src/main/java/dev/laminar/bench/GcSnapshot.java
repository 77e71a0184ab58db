package dev.laminar.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/** Collections and collection time of all garbage collectors so far (to diff around a phase). */
record GcSnapshot(long count, long timeMillis) {
  static GcSnapshot now() {
    long count = 0;
    long time = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      time += Math.max(0, gc.getCollectionTime());
    }
    return new GcSnapshot(count, time);
  }

  GcSnapshot since(GcSnapshot before) {
    return new GcSnapshot(count - before.count, timeMillis - before.timeMillis);
  }
}
