package dev.laminar.bench;

import dev.laminar.durability.wal.SyncPolicy;
import dev.laminar.durability.wal.WalConfig;
import dev.laminar.durability.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The owner's cost of one {@code WriteAheadLog.append} of a 128-byte record (copy, CRC32C, publish),
 * per sync policy. At full speed the owner outruns the disk, so this includes backpressure waits;
 * {@code gc.alloc.rate.norm} shows whether an append allocates. The latency distribution and the
 * durability latency are in {@link WalHarness}.
 *
 * <p>Run: {@code java -jar bench/target/laminar-bench.jar WalAppend -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class WalAppendBenchmark {
  @Param({"EVERY_COMMIT", "INTERVAL", "NONE"})
  public SyncPolicy policy;

  private Path dir;
  private WriteAheadLog wal;
  private final ByteBuffer payload = ByteBuffer.allocateDirect(128);

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory(Path.of("bench/target").toAbsolutePath(), "wal-jmh");
    wal = WriteAheadLog.open(WalConfig.defaults(dir).withSyncPolicy(policy).withSegmentBytes(256L << 20));
  }

  @Benchmark
  public long append() {
    return wal.append(payload);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    wal.close();
    WalHarness.delete(dir);
  }
}
