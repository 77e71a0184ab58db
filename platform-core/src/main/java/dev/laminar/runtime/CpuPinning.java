package dev.laminar.runtime;

import java.util.BitSet;
import java.util.function.IntSupplier;
import net.openhft.affinity.Affinity;

/**
 * Pins an engine's reactor threads to CPUs, one distinct CPU each ({@code LaminarConfig.pinReactors}), with
 * OpenHFT affinity. All or nothing: {@link #claim} picks the CPUs (or says why it cannot), each reactor
 * thread pins itself first thing ({@link #pinner}), and {@link #settle} unpins every reactor again unless
 * all of them were pinned. {@link #release} gives the CPUs back once the engine has closed its reactors.
 *
 * <p>The CPUs are those the thread opening the engine may run on (the process's CPU set, e.g. from
 * {@code taskset} or a cgroup), less the CPUs that reactors of other engines of this process are pinned
 * to. Reactor i gets the i-th of them in ascending order; when there are more than reactors, the lowest is
 * left to the operating system and the engine's other threads (sources, sinks), as is usual.
 */
public final class CpuPinning {
  /** CPUs that reactors of this process's engines are pinned to (guarded by the class). */
  private static final BitSet CLAIMED = new BitSet();

  /** What the reactor threads may run on when not pinned (their affinity before pinning). */
  private final BitSet allowed;
  /** The CPU of each reactor; empty when none is pinned. */
  private final int[] cpus;
  /** Why a reactor's thread could not pin itself (written on that thread before {@link #settle} reads it). */
  private final String[] failures;
  /** Why no reactor is pinned, or null while pinning holds. */
  private String unpinned;
  private boolean released;

  private CpuPinning(BitSet allowed, int[] cpus, int reactors, String unpinned) {
    this.allowed = allowed;
    this.cpus = cpus;
    this.failures = new String[reactors];
    this.unpinned = unpinned;
  }

  /** Claims a distinct CPU for each of {@code reactors} reactors, or none (with the reason) when that cannot be. */
  public static CpuPinning claim(int reactors) {
    BitSet allowed;
    try {
      // JNA's native part first: where it cannot load, the affinity library would log stack traces while it picks
      // an implementation; this way the engine's one warning says why
      Class.forName("com.sun.jna.Native");
      allowed = Affinity.getAffinity();
    } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
      return new CpuPinning(null, new int[0], reactors, "thread affinity is not available here (" + e + ")");
    }
    if (allowed == null || allowed.isEmpty()) {
      return new CpuPinning(null, new int[0], reactors, "this platform does not support thread affinity (OpenHFT affinity: "
          + Affinity.getAffinityImpl().getClass().getSimpleName() + ")");
    }
    synchronized (CpuPinning.class) {
      BitSet free = (BitSet) allowed.clone();
      free.andNot(CLAIMED);
      if (free.cardinality() < reactors) {
        BitSet held = (BitSet) allowed.clone();
        held.and(CLAIMED);
        return new CpuPinning(null, new int[0], reactors, "only " + free.cardinality() + " free CPU(s) for " + reactors
            + " reactor(s): the thread opening the engine may run on CPUs " + allowed
            + (held.isEmpty() ? "" : ", and reactors of other engines in this process are pinned to " + held));
      }
      if (free.cardinality() > reactors) {
        free.clear(free.nextSetBit(0));
      }
      return of(allowed, free.stream().limit(reactors).toArray());
    }
  }

  /** Claims exactly {@code cpus} (reactor i on {@code cpus[i]}) for threads that may run on {@code allowed} otherwise. */
  static CpuPinning of(BitSet allowed, int[] cpus) {
    synchronized (CpuPinning.class) {
      for (int cpu : cpus) {
        CLAIMED.set(cpu);
      }
    }
    return new CpuPinning((BitSet) allowed.clone(), cpus.clone(), cpus.length, null);
  }

  /** What reactor {@code reactor}'s thread runs first: pins itself to its CPU; returns that CPU, or -1 when it is not pinned. */
  public IntSupplier pinner(int reactor) {
    return () -> pinCurrentThread(reactor);
  }

  private int pinCurrentThread(int reactor) {
    if (cpus.length == 0) {
      return -1;
    }
    int cpu = cpus[reactor];
    BitSet one = new BitSet();
    one.set(cpu);
    try {
      Affinity.setAffinity(one);
      BitSet now = Affinity.getAffinity();
      if (now.equals(one)) {
        return cpu;
      }
      failures[reactor] = "its affinity stayed " + now;
    } catch (RuntimeException | LinkageError e) {
      failures[reactor] = e.toString();
    }
    unpinCurrentThread();
    return -1;
  }

  /** Lets the current thread run on every CPU it could before it was pinned. */
  private void unpinCurrentThread() {
    try {
      Affinity.setAffinity(allowed);
    } catch (RuntimeException | LinkageError e) {
      // the thread keeps whatever affinity it has: it still runs, and settle() reports that pinning failed
    }
  }

  /**
   * Waits until each reactor's thread has run its {@link #pinner}. Unless every one is pinned, unpins them
   * all and releases the CPUs. Returns null when every reactor is pinned, else why none is.
   */
  public String settle(Reactor[] reactors) {
    if (unpinned != null) {
      return unpinned;
    }
    StringBuilder failed = new StringBuilder();
    for (int i = 0; i < reactors.length; i++) {
      Reactor r = reactors[i];
      if (r.submit(r::pinnedCpu).join() != cpus[i]) {
        failed.append(failed.isEmpty() ? "" : "; ").append("reactor ").append(i).append(" could not be pinned to CPU ").append(cpus[i])
            .append(": ").append(failures[i]);
      }
    }
    if (failed.isEmpty()) {
      return null;
    }
    for (Reactor r : reactors) {
      if (r.pinnedCpu() >= 0) {
        r.unpin(this::unpinCurrentThread);
      }
    }
    release();
    unpinned = failed.toString();
    return unpinned;
  }

  /** Gives the CPUs back (after the engine closed its reactors, or when pinning failed). */
  public void release() {
    synchronized (CpuPinning.class) {
      if (!released) {
        for (int cpu : cpus) {
          CLAIMED.clear(cpu);
        }
        released = true;
      }
    }
  }

  /** Which CPU each reactor is pinned to, e.g. {@code reactor 0 on CPU 1, reactor 1 on CPU 0}. */
  public static String describe(Reactor[] reactors) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < reactors.length; i++) {
      s.append(i == 0 ? "" : ", ").append("reactor ").append(i).append(" on CPU ").append(reactors[i].pinnedCpu());
    }
    return s.toString();
  }
}
