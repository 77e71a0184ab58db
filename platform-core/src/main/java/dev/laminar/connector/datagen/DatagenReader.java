package dev.laminar.connector.datagen;

import dev.laminar.connector.datagen.DatagenSpec.FieldSpec;
import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.source.PollStatus;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.type.Column;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads one datagen split. Row {@code i}'s values are hashes of (seed, split, i, column), so the
 * position is just the next row number.
 */
final class DatagenReader implements SourceReader {
  private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final DatagenSpec spec;
  private final int split;
  private final long seedBase;
  private final long nanosPerRow;
  private final String[][] stringValues;
  private final BigDecimal[][] decimalValues;
  private long next;
  private long startNanos;
  private long rowAtStart;

  DatagenReader(DatagenSpec spec, int split) {
    this.spec = spec;
    this.split = split;
    this.seedBase = mix(spec.seed() * 0x9E3779B97F4A7C15L + split);
    this.nanosPerRow = spec.rowsPerSecond() > 0 ? 1_000_000_000L * spec.splits() / spec.rowsPerSecond() : 0;
    int n = spec.schema().size();
    stringValues = new String[n][];
    decimalValues = new BigDecimal[n][];
    for (int c = 0; c < n; c++) {
      FieldSpec f = spec.fields()[c];
      stringValues[c] = f.values().toArray(new String[0]);
      Column col = spec.schema().column(c);
      if (col.type().kind() == dev.laminar.sdk.type.TypeKind.DECIMAL && !f.values().isEmpty()) {
        decimalValues[c] = f.values().stream().map(v -> new BigDecimal(v).setScale(col.type().scale(), java.math.RoundingMode.HALF_UP))
            .toArray(BigDecimal[]::new);
      }
    }
  }

  @Override
  public void restore(byte[] position) {
    next = ByteBuffer.wrap(position).getLong();
  }

  @Override
  public void open() {
    startNanos = System.nanoTime();
    rowAtStart = next;
  }

  @Override
  public PollStatus poll(BatchWriter out) {
    final long limit = spec.rowsPerSplit();
    while (!out.isFull()) {
      if (limit >= 0 && next >= limit) {
        return PollStatus.FINISHED;
      }
      if (nanosPerRow > 0) {
        long due = startNanos + (next - rowAtStart) * nanosPerRow;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          if (out.size() > 0) {
            return PollStatus.MORE_AVAILABLE; // hand over what we have; keep latency low at low rates
          }
          LockSupport.parkNanos(Math.min(wait, 50_000_000L));
          continue;
        }
      }
      writeRow(out, next++);
    }
    return limit >= 0 && next >= limit ? PollStatus.FINISHED : PollStatus.MORE_AVAILABLE;
  }

  private void writeRow(BatchWriter out, long row) {
    out.beginRow();
    final int n = spec.schema().size();
    for (int c = 0; c < n; c++) {
      long h = mix(seedBase ^ (row * 0xC2B2AE3D27D4EB4FL) ^ (c * 0x165667B19E3779F9L));
      FieldSpec f = spec.fields()[c];
      if (c == spec.eventTimeColumn()) {
        long disorder = spec.maxOutOfOrderness() > 0 ? Math.floorMod(h, spec.maxOutOfOrderness() + 1) : 0;
        out.setTimestampMillis(c, spec.eventTimeStart() + row * spec.eventTimeStep() - disorder);
        continue;
      }
      if (f.nullRate() > 0 && unit(mix(h + 1)) < f.nullRate()) {
        out.setNull(c);
        continue;
      }
      writeValue(out, c, f, row, h);
    }
    out.endRow();
  }

  private void writeValue(BatchWriter out, int c, FieldSpec f, long row, long h) {
    Column column = spec.schema().column(c);
    String[] values = stringValues[c];
    boolean sequence = f.kind().equals("sequence");
    int pick = values.length > 0 ? (int) Math.floorMod(sequence ? row : h, values.length) : 0;
    switch (column.type().kind()) {
      case BOOLEAN -> out.setBoolean(c, values.length > 0 ? Boolean.parseBoolean(values[pick]) : (h & 1) == 1);
      case INT, BIGINT -> out.setLong(c, values.length > 0 ? Long.parseLong(values[pick]) : longIn(f, row, h));
      case DOUBLE -> out.setDouble(c, values.length > 0 ? Double.parseDouble(values[pick])
          : sequence ? f.min() + row : f.min() + unit(h) * (f.max() - f.min()));
      case DECIMAL -> {
        int scale = column.type().scale();
        if (values.length > 0) {
          out.setDecimal(c, decimalValues[c][pick]);
        } else {
          double v = sequence ? f.min() + row : f.min() + unit(h) * (f.max() - f.min());
          long unscaled = Math.round(v * Math.pow(10, scale));
          if (column.type().isCompactDecimal()) {
            out.setDecimalUnscaled(c, unscaled);
          } else {
            out.setDecimal(c, BigDecimal.valueOf(unscaled, scale));
          }
        }
      }
      case VARCHAR -> out.setString(c, values.length > 0 ? values[pick] : randomString(h, f.length()));
      case TIMESTAMP -> out.setTimestampMillis(c, spec.eventTimeStart() + row * spec.eventTimeStep());
      case BYTES -> {
        byte[] b = new byte[f.length()];
        long x = h;
        for (int i = 0; i < b.length; i++) {
          x = mix(x + i);
          b[i] = (byte) x;
        }
        out.setBytes(c, b);
      }
    }
  }

  private static long longIn(FieldSpec f, long row, long h) {
    long min = (long) f.min();
    long max = (long) f.max();
    if (f.kind().equals("sequence")) {
      return min + row;
    }
    return min + Math.floorMod(h, max - min + 1);
  }

  private static String randomString(long h, int length) {
    char[] chars = new char[length];
    long x = h;
    for (int i = 0; i < length; i++) {
      x = mix(x + i);
      chars[i] = ALPHABET[(int) Math.floorMod(x, ALPHABET.length)];
    }
    return new String(chars);
  }

  /** A uniform double in [0, 1). */
  private static double unit(long h) {
    return (h >>> 11) * 0x1.0p-53;
  }

  /** SplitMix64's finaliser: a strong 64-bit mix. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public byte[] position() {
    return ByteBuffer.allocate(8).putLong(next).array();
  }

  @Override
  public void close() {
    // nothing held
  }

  @Override
  public String toString() {
    return "datagen split " + split;
  }
}
