package dev.laminar.tck;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The live threads and open file descriptors of this JVM at one moment, for checking that a
 * connector's {@code close()} gives back what it took.
 *
 * <p>Threads are compared by identity, so a thread that ended and another that started do not cancel
 * out. Threads of the JDK's common fork-join pool are ignored: they belong to the JVM, not to whoever
 * happened to submit work first, and linger for a minute after their last task.
 *
 * <p>File descriptors come from {@code /proc/self/fd} (descriptor number and what it points to). Where
 * that does not exist but the JVM reports a count ({@code UnixOperatingSystemMXBean}), only the count is
 * compared; elsewhere descriptors are not checked ({@link #fileDescriptorsChecked()} is false).
 */
final class ResourceSnapshot {
  private static final Path PROC_FD = Path.of("/proc/self/fd");
  private static final Duration POLL = Duration.ofMillis(20);

  private final Set<Thread> threads;
  /** Descriptor number → target; empty when only the count is known. */
  private final Map<Integer, String> descriptors;
  /** Open descriptors, or -1 when unknown. */
  private final long descriptorCount;

  private ResourceSnapshot(Set<Thread> threads, Map<Integer, String> descriptors, long descriptorCount) {
    this.threads = threads;
    this.descriptors = descriptors;
    this.descriptorCount = descriptorCount;
  }

  /** The threads and descriptors now. */
  static ResourceSnapshot take() {
    Set<Thread> threads = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && !isJvmShared(t)) {
        threads.add(t);
      }
    }
    if (Files.isDirectory(PROC_FD)) {
      Map<Integer, String> fds = procFds();
      return new ResourceSnapshot(threads, fds, fds.size());
    }
    return new ResourceSnapshot(threads, Map.of(), mxBeanCount());
  }

  /** Whether descriptors are compared at all on this platform. */
  boolean fileDescriptorsChecked() {
    return descriptorCount >= 0;
  }

  /**
   * Waits until every thread started since this snapshot has ended and no more descriptors are open
   * than then, polling for at most {@code timeout} (threads and descriptors are often released by a
   * background thread a moment after {@code close()} returns).
   *
   * @throws AssertionError naming each thread still alive (with where it is) and each descriptor still
   *     open (with what it points to), prefixed by {@code what}
   */
  void assertReleased(String what, Duration timeout) {
    assertReleased(what, timeout, true);
  }

  /** Like {@link #assertReleased(String, Duration)}, but only threads are checked. */
  void assertThreadsReleased(String what, Duration timeout) {
    assertReleased(what, timeout, false);
  }

  /**
   * Waits until no file descriptor points into {@code dir} (compared by real path), for at most
   * {@code timeout}; does nothing where {@code /proc/self/fd} does not exist.
   *
   * @throws AssertionError naming each descriptor still open there, prefixed by {@code what}
   */
  static void assertNoneOpenUnder(Path dir, String what, Duration timeout) throws IOException {
    if (!Files.isDirectory(PROC_FD)) {
      return;
    }
    String prefix = dir.toRealPath().toString();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> open = new ArrayList<>();
      procFds().forEach((fd, target) -> {
        if (target.startsWith(prefix)) {
          open.add("fd " + fd + " → " + target);
        }
      });
      if (open.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(what + ": " + open.size() + " file descriptor(s) still open in " + prefix + ":\n  "
            + String.join("\n  ", open));
      }
      LockSupport.parkNanos(POLL.toNanos());
    }
  }

  private void assertReleased(String what, Duration timeout, boolean checkDescriptors) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ResourceSnapshot now = take();
      List<Thread> leakedThreads = new ArrayList<>();
      for (Thread t : now.threads) {
        if (!threads.contains(t)) {
          leakedThreads.add(t);
        }
      }
      List<String> leakedFds = checkDescriptors ? now.descriptorsNotIn(this) : List.of();
      if (leakedThreads.isEmpty() && leakedFds.isEmpty()) {
        return;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(what + ": not released within " + timeout + describe(leakedThreads, leakedFds));
      }
      if (!leakedThreads.isEmpty()) {
        join(leakedThreads.get(0), Math.min(left, POLL.toNanos()));
      } else {
        LockSupport.parkNanos(Math.min(left, POLL.toNanos()));
      }
    }
  }

  private List<String> descriptorsNotIn(ResourceSnapshot before) {
    List<String> out = new ArrayList<>();
    if (before.descriptorCount < 0 || descriptorCount < 0) {
      return out;
    }
    if (descriptors.isEmpty() && before.descriptors.isEmpty()) {
      if (descriptorCount > before.descriptorCount) {
        out.add((descriptorCount - before.descriptorCount) + " more open file descriptor(s) than before ("
            + before.descriptorCount + " → " + descriptorCount + ")");
      }
      return out;
    }
    // a descriptor number now pointing elsewhere than before counts too: the old one was closed, this one is new
    descriptors.forEach((fd, target) -> {
      if (!target.equals(before.descriptors.get(fd))) {
        out.add("fd " + fd + " → " + target);
      }
    });
    return out;
  }

  private static String describe(List<Thread> leakedThreads, List<String> leakedFds) {
    StringBuilder sb = new StringBuilder();
    if (!leakedThreads.isEmpty()) {
      sb.append("; ").append(leakedThreads.size()).append(" thread(s) started and still alive:");
      for (Thread t : leakedThreads) {
        sb.append("\n  '").append(t.getName()).append("' (").append(t.getState())
            .append(t.isDaemon() ? ", daemon" : "").append(", ").append(t.getClass().getName()).append(')');
        StackTraceElement[] stack = t.getStackTrace();
        for (int i = 0; i < Math.min(6, stack.length); i++) {
          sb.append("\n      at ").append(stack[i]);
        }
      }
    }
    if (!leakedFds.isEmpty()) {
      sb.append("; ").append(leakedFds.size()).append(" file descriptor(s) still open:");
      for (String fd : leakedFds) {
        sb.append("\n  ").append(fd);
      }
    }
    return sb.toString();
  }

  private static void join(Thread t, long nanos) {
    try {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for thread '" + t.getName() + "' to end", e);
    }
  }

  private static boolean isJvmShared(Thread t) {
    return t.getName().startsWith("ForkJoinPool.commonPool-worker-");
  }

  private static Map<Integer, String> procFds() {
    Map<Integer, String> fds = new TreeMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC_FD)) {
      for (Path entry : entries) {
        String target;
        try {
          target = Files.readSymbolicLink(entry).toString();
        } catch (IOException e) {
          continue; // closed while listing (for example the stream's own descriptor)
        }
        if (target.startsWith("/proc/") && target.endsWith("/fd")) {
          continue; // the listing's own descriptor
        }
        fds.put(Integer.parseInt(entry.getFileName().toString()), target);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot list " + PROC_FD, e);
    }
    return fds;
  }

  private static long mxBeanCount() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getOpenFileDescriptorCount();
    }
    return -1;
  }
}
