package dev.laminar.tck;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.source.PollStatus;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.source.SourceSplit;
import dev.laminar.sdk.type.Schema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Drives a {@link SourceReader} the way the engine does (repeated {@code poll} into a reused batch,
 * backing off after {@link PollStatus#IDLE}, never polling after {@link PollStatus#FINISHED}), with a
 * limit on polls and on time so that a broken reader fails the test with an {@link AssertionError}
 * instead of hanging it.
 *
 * <p>Every method must be called from the thread that owns the reader. Immutable; the
 * {@code with*} methods return copies.
 */
public final class SourceReaderDriver {
  /** Default poll limit per read. */
  public static final int DEFAULT_MAX_POLLS = 10_000;
  /** Default time limit per read. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** Default batch capacity. */
  public static final int DEFAULT_BATCH_CAPACITY = 64;

  private final Schema schema;
  private final int batchCapacity;
  private final int maxPolls;
  private final Duration timeout;
  private final Duration idleBackoff;

  /** A driver with default limits for readers producing rows of {@code schema}. */
  public SourceReaderDriver(Schema schema) {
    this(schema, DEFAULT_BATCH_CAPACITY, DEFAULT_MAX_POLLS, DEFAULT_TIMEOUT, Duration.ofMillis(2));
  }

  private SourceReaderDriver(Schema schema, int batchCapacity, int maxPolls, Duration timeout, Duration idleBackoff) {
    this.schema = Objects.requireNonNull(schema, "schema is null");
    if (batchCapacity < 1) {
      throw new IllegalArgumentException("batchCapacity must be positive, was " + batchCapacity);
    }
    if (maxPolls < 1) {
      throw new IllegalArgumentException("maxPolls must be positive, was " + maxPolls);
    }
    this.batchCapacity = batchCapacity;
    this.maxPolls = maxPolls;
    this.timeout = Objects.requireNonNull(timeout, "timeout is null");
    this.idleBackoff = Objects.requireNonNull(idleBackoff, "idleBackoff is null");
  }

  public SourceReaderDriver withBatchCapacity(int capacity) {
    return new SourceReaderDriver(schema, capacity, maxPolls, timeout, idleBackoff);
  }

  public SourceReaderDriver withMaxPolls(int polls) {
    return new SourceReaderDriver(schema, batchCapacity, polls, timeout, idleBackoff);
  }

  public SourceReaderDriver withTimeout(Duration limit) {
    return new SourceReaderDriver(schema, batchCapacity, maxPolls, limit, idleBackoff);
  }

  /** How long to sleep after an IDLE poll (the engine backs off too). */
  public SourceReaderDriver withIdleBackoff(Duration backoff) {
    return new SourceReaderDriver(schema, batchCapacity, maxPolls, timeout, backoff);
  }

  public Schema schema() {
    return schema;
  }

  public int batchCapacity() {
    return batchCapacity;
  }

  public int maxPolls() {
    return maxPolls;
  }

  public Duration timeout() {
    return timeout;
  }

  /**
   * Polls until the reader returns FINISHED.
   *
   * @throws AssertionError when the poll or time limit is reached first
   */
  public ReadResult readUntilFinished(SourceReader reader) throws Exception {
    return read(reader, Integer.MAX_VALUE, true);
  }

  /**
   * Polls until exactly {@code count} rows have been read (the batch capacity of each poll is cut to
   * the rows still wanted, so the reader's position afterwards is just after row {@code count}).
   *
   * @throws AssertionError when the reader finishes early or a limit is reached first
   */
  public ReadResult readRows(SourceReader reader, int count) throws Exception {
    ReadResult result = read(reader, count, false);
    if (result.rows().size() < count) {
      throw new AssertionError("reader finished after " + result.rows().size() + " rows; expected at least " + count
          + ". Rows read: " + result.rows());
    }
    return result;
  }

  /**
   * Polls at most {@code polls} times, stopping early at FINISHED or once the reader has returned IDLE
   * {@code idleTarget} times; for checking that nothing more arrives from an unbounded reader.
   */
  public ReadResult pollBriefly(SourceReader reader, int polls, int idleTarget) throws Exception {
    CollectingBatchWriter batch = new CollectingBatchWriter(schema, batchCapacity);
    List<Row> rows = new ArrayList<>();
    PollStatus status = null;
    int idles = 0;
    int done = 0;
    while (done < polls && idles < idleTarget && status != PollStatus.FINISHED) {
      status = pollOnce(reader, batch, rows);
      done++;
      if (status == PollStatus.IDLE) {
        idles++;
        backOff();
      }
    }
    return new ReadResult(rows, status, done);
  }

  /** One poll into {@code batch} (cleared first); the rows written are appended to {@code sink}. */
  public PollStatus pollOnce(SourceReader reader, CollectingBatchWriter batch, List<Row> sink) throws Exception {
    batch.clear();
    PollStatus status = reader.poll(batch);
    if (status == null) {
      throw new AssertionError("poll returned null; it must return MORE_AVAILABLE, IDLE or FINISHED");
    }
    sink.addAll(batch.rows());
    return status;
  }

  /**
   * Opens a reader for every split and polls them in turn, as the engine's source threads would,
   * until all return FINISHED ({@code bounded}) or, for an unbounded source, until
   * {@code expectedRows} rows have arrived in total — then polls each reader a little longer to catch
   * rows that should not be there. Closes every reader before returning.
   *
   * @return rows per split id, in the order each reader wrote them (map in split order)
   * @throws AssertionError when a poll or time limit is reached first
   */
  public Map<String, List<Row>> readSplits(SourceConnector source, List<SourceSplit> splits, boolean bounded,
      int expectedRows) throws Exception {
    return readSplitsFrom(source, splits, Map.of(), bounded, expectedRows);
  }

  /**
   * Like {@link #readSplits}, but first restores each reader whose split id is a key of {@code positions}
   * with that position, as the engine does when it resumes from a checkpoint. Readers are created, restored
   * and opened in the order of {@code splits}; {@code expectedRows} counts only rows read now.
   */
  public Map<String, List<Row>> readSplitsFrom(SourceConnector source, List<SourceSplit> splits, Map<String, byte[]> positions,
      boolean bounded, int expectedRows) throws Exception {
    Map<String, List<Row>> out = new LinkedHashMap<>();
    List<SourceReader> readers = new ArrayList<>();
    Throwable failure = null;
    try {
      for (SourceSplit split : splits) {
        SourceReader reader = source.createReader(split);
        readers.add(reader);
        out.put(split.id(), new ArrayList<>());
        byte[] position = positions.get(split.id());
        if (position != null) {
          reader.restore(position.clone());
        }
      }
      for (SourceReader reader : readers) {
        reader.open();
      }
      pollAll(splits, readers, out, bounded, expectedRows);
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      closeAll(readers, failure);
    }
    return out;
  }

  private void pollAll(List<SourceSplit> splits, List<SourceReader> readers, Map<String, List<Row>> out,
      boolean bounded, int expectedRows) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pollLimit = (long) maxPolls * Math.max(1, readers.size());
    boolean[] finished = new boolean[readers.size()];
    CollectingBatchWriter batch = new CollectingBatchWriter(schema, batchCapacity);
    long polls = 0;
    int total = 0;
    int open = readers.size();
    while (bounded ? open > 0 : total < expectedRows) {
      if (polls >= pollLimit || System.nanoTime() - deadline > 0) {
        throw new AssertionError("splits did not " + (bounded ? "all finish" : "produce " + expectedRows + " rows")
            + " within " + pollLimit + " polls / " + timeout + ": " + total + " rows so far, "
            + open + " of " + readers.size() + " splits not finished. Rows per split: " + out);
      }
      boolean more = false;
      for (int i = 0; i < readers.size(); i++) {
        if (finished[i]) {
          continue;
        }
        List<Row> rows = out.get(splits.get(i).id());
        int before = rows.size();
        PollStatus status = pollOnce(readers.get(i), batch, rows);
        polls++;
        total += rows.size() - before;
        if (status == PollStatus.FINISHED) {
          finished[i] = true;
          open--;
        } else if (status == PollStatus.MORE_AVAILABLE) {
          more = true;
        }
      }
      if (!more) {
        backOff();
      }
    }
    if (!bounded) {
      for (int i = 0; i < readers.size(); i++) {
        if (!finished[i]) {
          out.get(splits.get(i).id()).addAll(pollBriefly(readers.get(i), 20, 2).rows());
        }
      }
    }
  }

  /** Closes every reader, adding close failures to {@code failure} (or throwing the first when there is none). */
  static void closeAll(List<? extends AutoCloseable> closeables, Throwable failure) throws Exception {
    Exception first = null;
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        if (failure != null) {
          failure.addSuppressed(e);
        } else if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private ReadResult read(SourceReader reader, int wanted, boolean untilFinished) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Row> rows = new ArrayList<>();
    PollStatus status = null;
    int polls = 0;
    while (rows.size() < wanted) {
      if (polls >= maxPolls || System.nanoTime() - deadline > 0) {
        throw new AssertionError("reader did not " + (untilFinished ? "finish" : "produce " + wanted + " rows")
            + " within " + maxPolls + " polls / " + timeout + ": " + polls + " polls, " + rows.size()
            + " rows so far, last status " + status + ". Rows read: " + abbreviate(rows));
      }
      int capacity = (int) Math.min(batchCapacity, (long) wanted - rows.size());
      CollectingBatchWriter batch = new CollectingBatchWriter(schema, capacity);
      status = pollOnce(reader, batch, rows);
      polls++;
      if (status == PollStatus.FINISHED) {
        break;
      }
      if (status == PollStatus.IDLE) {
        backOff();
      }
    }
    return new ReadResult(rows, status, polls);
  }

  private void backOff() throws InterruptedException {
    if (!idleBackoff.isZero()) {
      Thread.sleep(idleBackoff);
    }
  }

  static String abbreviate(List<Row> rows) {
    return rows.size() <= 20 ? rows.toString() : rows.subList(0, 20) + " ... (" + (rows.size() - 20) + " more)";
  }

  /**
   * What a read produced.
   *
   * @param rows the rows, in the order the reader wrote them
   * @param lastStatus the status of the last poll, {@code null} when no poll was made
   * @param polls how many times {@code poll} was called
   */
  public record ReadResult(List<Row> rows, PollStatus lastStatus, int polls) {
    public ReadResult {
      rows = List.copyOf(rows);
    }

    /** True when the last poll returned FINISHED: the reader must not be polled again. */
    public boolean finished() {
      return lastStatus == PollStatus.FINISHED;
    }
  }
}
