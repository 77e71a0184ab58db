package dev.laminar.bench;

import dev.laminar.state.HeapStateStore;
import dev.laminar.state.OffHeapStateStore;
import dev.laminar.state.StateStore;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Keyed state get/put of fixed-size entries (16-byte key: window end + group id; 16-byte value: an
 * accumulator) on a store holding {@code keys} entries, keys drawn at random. Off-heap (mmap'd
 * open-addressing table) versus the heap store.
 *
 * <p>Run: {@code java -jar bench/target/laminar-bench.jar StateStore -prof gc}
 * ({@code gc.alloc.rate.norm} is bytes per get or put).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class StateStoreBenchmark {
  private static final int MASK = (1 << 20) - 1;

  @Param({"offheap", "heap"})
  public String store;

  @Param({"10000", "1000000"})
  public int keys;

  private Path dir;
  private StateStore state;
  private Arena arena;
  private MemorySegment key;
  private MemorySegment value;
  private long[] order;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("laminar-state-bench");
    state = store.equals("offheap") ? new OffHeapStateStore(dir, 16, 16, true, keys) : new HeapStateStore(16, 16, true);
    arena = Arena.ofConfined();
    key = arena.allocate(16, 8);
    value = arena.allocate(16, 8);
    for (int i = 0; i < keys; i++) {
      setKey(i);
      value.set(ValueLayout.JAVA_LONG, 0, i);
      state.put(key, value);
    }
    SplittableRandom random = new SplittableRandom(1);
    order = new long[MASK + 1];
    for (int i = 0; i < order.length; i++) {
      order[i] = random.nextInt(keys);
    }
  }

  private void setKey(long i) {
    key.set(ValueLayout.JAVA_LONG, 0, 1_000 * (i % 64)); // 64 window ends
    key.set(ValueLayout.JAVA_LONG, 8, i);
  }

  @Benchmark
  public boolean get() {
    setKey(order[next++ & MASK]);
    return state.get(key, value);
  }

  @Benchmark
  public void put() {
    long i = order[next++ & MASK];
    setKey(i);
    value.set(ValueLayout.JAVA_LONG, 8, i);
    state.put(key, value);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    state.close();
    arena.close();
    Files.deleteIfExists(dir);
  }
}
