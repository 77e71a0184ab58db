package dev.laminar.durability.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WriteAheadLogTest {
  @TempDir
  Path dir;

  private WalConfig config(SyncPolicy policy, long segmentBytes) {
    return WalConfig.defaults(dir.resolve("wal")).withSyncPolicy(policy).withSegmentBytes(segmentBytes)
        .withBuffers(4096, 4).withSyncIntervalMillis(5);
  }

  private static byte[] payload(Random random, int i) {
    byte[] p = new byte[random.nextInt(300)];
    random.nextBytes(p);
    if (p.length >= 4) {
      ByteBuffer.wrap(p).putInt(0, i);
    }
    return p;
  }

  private record Appended(long lsn, byte[] payload) {}

  private List<Appended> appendAll(WriteAheadLog wal, Random random, int n) {
    List<Appended> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] p = payload(random, i);
      out.add(new Appended(wal.append(p), p));
    }
    return out;
  }

  private static List<Appended> readAll(WriteAheadLog wal, long from) {
    List<Appended> out = new ArrayList<>();
    try (WalReader r = wal.reader(from)) {
      while (r.next()) {
        byte[] p = new byte[r.payload().remaining()];
        r.payload().get(p);
        out.add(new Appended(r.lsn(), p));
      }
    }
    return out;
  }

  private static void assertSame(List<Appended> actual, List<Appended> expected) {
    assertThat(actual).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i).lsn()).as("lsn of record %d", i).isEqualTo(expected.get(i).lsn());
      assertThat(actual.get(i).payload()).as("payload of record %d", i).isEqualTo(expected.get(i).payload());
    }
  }

  @ParameterizedTest
  @EnumSource(SyncPolicy.class)
  void appendedRecordsBecomeDurableAndReplayInOrderAcrossSegments(SyncPolicy policy) throws Exception {
    Random random = new Random(42);
    List<Appended> appended;
    try (WriteAheadLog wal = WriteAheadLog.open(config(policy, 2048))) {
      appended = appendAll(wal, random, 500);
      long last = appended.getLast().lsn();
      wal.awaitDurable(last);
      assertThat(wal.isDurable(last)).isTrue();
      assertThat(wal.durableLsn()).isEqualTo(wal.nextLsn());
      assertSame(readAll(wal, wal.firstLsn()), appended);
      assertThat(wal.whenDurable(last).get(1, TimeUnit.MINUTES)).isGreaterThan(last);
    }
    assertThat(Segments.list(dir.resolve("wal")).size()).as("segments after rotation at 2 KiB").isGreaterThan(10);
    try (WriteAheadLog wal = WriteAheadLog.open(config(policy, 2048))) {
      assertThat(wal.recoveryReport().cut()).isFalse();
      assertThat(wal.recoveryReport().records()).isEqualTo(500);
      assertSame(readAll(wal, 0), appended);
      int from = 321;
      assertSame(readAll(wal, appended.get(from).lsn()), appended.subList(from, appended.size()));
    }
  }

  /** One record at a time, each waited for: a waiter registered while the flusher publishes is never lost. */
  @ParameterizedTest
  @EnumSource(SyncPolicy.class)
  void eachRecordWaitedForBecomesDurable(SyncPolicy policy) throws Exception {
    try (WriteAheadLog wal = WriteAheadLog.open(config(policy, 1 << 20))) {
      for (int i = 0; i < 500; i++) {
        long lsn = wal.append(new byte[] {(byte) i});
        var done = wal.whenDurable(lsn);
        long durableAt = done.get(1, TimeUnit.MINUTES);
        assertThat(durableAt).isGreaterThan(lsn);
        assertThat(wal.durableLsn()).isGreaterThanOrEqualTo(durableAt);
      }
    }
  }

  @Test
  void intervalPolicyForcesOnRequestAndOnClose() throws Exception {
    WalConfig cfg = config(SyncPolicy.INTERVAL, 1 << 20).withSyncIntervalMillis(3_600_000);
    try (WriteAheadLog wal = WriteAheadLog.open(cfg)) {
      long lsn = wal.append(new byte[] {1, 2, 3});
      wal.requestSync(); // an hour-long interval: only the request can make it durable
      wal.awaitDurable(lsn);
      assertThat(wal.isDurable(lsn)).isTrue();
      wal.append(new byte[] {4});
    }
    try (WriteAheadLog wal = WriteAheadLog.open(cfg)) {
      assertThat(wal.recoveryReport().records()).isEqualTo(2);
    }
  }

  @Test
  void recordsLargerThanABufferAndASegmentAreKeptWhole() throws Exception {
    Random random = new Random(7);
    byte[] big = new byte[10_000];
    random.nextBytes(big);
    try (WriteAheadLog wal = WriteAheadLog.open(config(SyncPolicy.EVERY_COMMIT, 4096))) {
      long a = wal.append(new byte[] {1});
      long b = wal.append(big);
      long c = wal.append(new byte[] {2});
      wal.awaitDurable(c);
      assertSame(readAll(wal, a), List.of(new Appended(a, new byte[] {1}), new Appended(b, big), new Appended(c, new byte[] {2})));
    }
  }

  @Test
  void underNoneRecordsAreForcedOnlyWhenAskedOrWhenASegmentCloses() throws Exception {
    try (WriteAheadLog wal = WriteAheadLog.open(config(SyncPolicy.NONE, 1 << 20))) {
      long start = wal.forcedLsn();
      long last = 0;
      for (int i = 0; i < 100; i++) {
        last = wal.append(new byte[100]);
      }
      wal.awaitDurable(last); // NONE: durable = written to the OS
      assertThat(wal.durableLsn()).isEqualTo(wal.nextLsn());
      assertThat(wal.forcedLsn()).as("nothing asked for a force and no segment closed").isEqualTo(start);
      wal.requestSync();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (wal.forcedLsn() < wal.nextLsn() && System.nanoTime() < deadline) {
        Thread.onSpinWait(); // waiting for the flusher's answer to the request
      }
      assertThat(wal.forcedLsn()).as("forced after requestSync").isEqualTo(wal.nextLsn());
    }
    Path second = dir.resolve("wal-rotating");
    try (WriteAheadLog wal = WriteAheadLog.open(WalConfig.defaults(second).withSyncPolicy(SyncPolicy.NONE).withSegmentBytes(4096)
        .withBuffers(4096, 4))) {
      while (Segments.list(second).size() < 3) {
        wal.append(new byte[1000]);
        wal.awaitDurable(wal.nextLsn() - 1);
      }
      assertThat(wal.forcedLsn()).as("a closed segment is forced under NONE too").isGreaterThanOrEqualTo(Segments.list(second).get(1))
          .isPositive();
    }
  }

  @Test
  void truncateBeforeDeletesOnlyWholeSegmentsBelowTheLsn() throws Exception {
    Random random = new Random(3);
    try (WriteAheadLog wal = WriteAheadLog.open(config(SyncPolicy.NONE, 2048))) {
      List<Appended> appended = appendAll(wal, random, 300);
      wal.awaitDurable(appended.getLast().lsn());
      long keepFrom = appended.get(150).lsn();
      int before = Segments.list(dir.resolve("wal")).size();
      int deleted = wal.truncateBefore(keepFrom);
      assertThat(deleted).isPositive();
      assertThat(Segments.list(dir.resolve("wal"))).hasSize(before - deleted);
      assertThat(wal.firstLsn()).isLessThanOrEqualTo(keepFrom);
      List<Appended> kept = readAll(wal, wal.firstLsn());
      assertThat(kept.getFirst().lsn()).isEqualTo(wal.firstLsn());
      assertSame(kept.subList(kept.size() - 150, kept.size()), appended.subList(150, 300));
      int remaining = Segments.list(dir.resolve("wal")).size();
      assertThat(wal.truncateBefore(Long.MAX_VALUE)).as("the segment being written is never deleted")
          .isEqualTo(remaining - 1);
      assertThat(Segments.list(dir.resolve("wal"))).hasSize(1);
    }
  }

  @Test
  void randomTornTailsAreCutBackToTheLastWholeRecord() throws Exception {
    for (int round = 0; round < 40; round++) {
      long seed = 1000 + round;
      Path walDir = dir.resolve("torn-" + round);
      Random random = new Random(seed);
      WalConfig cfg = WalConfig.defaults(walDir).withSegmentBytes(1 + random.nextInt(8192) + 64)
          .withBuffers(4096, 4).withSyncPolicy(SyncPolicy.NONE);
      List<Appended> appended;
      try (WriteAheadLog wal = WriteAheadLog.open(cfg)) {
        appended = appendAll(wal, random, 50 + random.nextInt(200));
      }
      long end = appended.getLast().lsn() + WalRecordFormat.frameBytes(appended.getLast().payload().length);
      long cutAt = random.nextLong(end);
      tearAt(walDir, cutAt);
      List<Appended> survivors = appended.stream()
          .filter(a -> a.lsn() + WalRecordFormat.frameBytes(a.payload().length) <= cutAt).toList();
      try (WriteAheadLog wal = WriteAheadLog.open(cfg)) {
        RecoveryReport report = wal.recoveryReport();
        long survivorsEnd = survivors.isEmpty() ? 0 : survivors.getLast().lsn() + WalRecordFormat.frameBytes(survivors.getLast().payload().length);
        assertThat(report.nextLsn()).as("seed %d: next LSN after a tear at %d", seed, cutAt).isEqualTo(survivorsEnd);
        assertThat(report.bytesCut()).as("seed %d", seed).isEqualTo(cutAt - survivorsEnd);
        assertThat(report.cut()).as("seed %d", seed).isEqualTo(cutAt > survivorsEnd);
        assertThat(report.records()).as("seed %d", seed).isEqualTo(survivors.size());
        assertSame(readAll(wal, wal.firstLsn()), survivors);
        long next = wal.append(new byte[] {9, 9});
        assertThat(next).as("seed %d: appends continue after the last whole record", seed).isEqualTo(survivorsEnd);
      }
    }
  }

  @Test
  void randomFlippedBitsAreDetectedAndNothingAfterThemIsReturned() throws Exception {
    for (int round = 0; round < 60; round++) {
      long seed = 5000 + round;
      Path walDir = dir.resolve("flip-" + round);
      Random random = new Random(seed);
      WalConfig cfg = WalConfig.defaults(walDir).withSegmentBytes(64 + random.nextInt(8192))
          .withBuffers(4096, 4).withSyncPolicy(SyncPolicy.NONE);
      List<Appended> appended;
      try (WriteAheadLog wal = WriteAheadLog.open(cfg)) {
        appended = appendAll(wal, random, 20 + random.nextInt(200));
      }
      long end = appended.getLast().lsn() + WalRecordFormat.frameBytes(appended.getLast().payload().length);
      long flipAt = random.nextLong(end);
      flipBit(walDir, flipAt, random.nextInt(8));
      int damaged = 0;
      while (damaged + 1 < appended.size() && appended.get(damaged + 1).lsn() <= flipAt) {
        damaged++;
      }
      List<Appended> survivors = appended.subList(0, damaged);
      try (WriteAheadLog wal = WriteAheadLog.open(cfg)) {
        RecoveryReport report = wal.recoveryReport();
        assertThat(report.cut()).as("seed %d: flipped bit at LSN %d detected", seed, flipAt).isTrue();
        assertThat(report.cutAtLsn()).as("seed %d", seed).isEqualTo(appended.get(damaged).lsn());
        assertThat(report.bytesCut()).as("seed %d", seed).isEqualTo(end - appended.get(damaged).lsn());
        assertThat(report.recordsCut()).as("seed %d", seed).isPositive();
        assertSame(readAll(wal, wal.firstLsn()), survivors);
      }
    }
  }

  /** Simulates a crash that lost everything from log byte {@code lsn} on. */
  private static void tearAt(Path walDir, long lsn) throws IOException {
    for (long base : Segments.list(walDir)) {
      Path file = Segments.path(walDir, base);
      if (base >= lsn && base > 0) {
        Files.delete(file);
      } else if (base + Files.size(file) > lsn) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(lsn - base);
        }
      }
    }
  }

  private static void flipBit(Path walDir, long lsn, int bit) throws IOException {
    long base = Segments.list(walDir).stream().filter(b -> b <= lsn).reduce((a, b) -> b).orElseThrow();
    Path file = Segments.path(walDir, base);
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) (lsn - base)] ^= (byte) (1 << bit);
    Files.write(file, bytes);
    assertThat(Arrays.equals(bytes, Files.readAllBytes(file))).isTrue();
  }
}
