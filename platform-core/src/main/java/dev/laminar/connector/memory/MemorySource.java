package dev.laminar.connector.memory;

import dev.laminar.api.SourceWriter;
import dev.laminar.runtime.BatchPool;
import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.IdleStrategy;
import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.source.PollStatus;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.source.SourceSplit;
import dev.laminar.sdk.type.Schema;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jctools.queues.SpscArrayQueue;

/**
 * The memory source: one split fed by one {@link SourceWriter}. The writer fills chunks from a
 * fixed pool and passes them through an SPSC queue; the reader copies them into the engine's batches
 * and returns them.
 *
 * <p>Without a log (no data directory) the position is the number of rows handed over and is
 * informational: nothing can be replayed after a restart. With a {@link SourceLog} ({@link #attachLog},
 * done by the engine when it has a data directory) the writer appends each chunk to the log before
 * handing it over, the position is a log position, and a reader restored from a checkpoint first
 * replays the rows the log holds after it.
 */
public final class MemorySource implements SourceConnector {
  private final String name;
  private final Schema schema;
  private final BatchPool chunks;
  private final SpscArrayQueue<ColumnarBatch> queue;
  /** Run after each chunk the writer publishes: wakes the engine thread that reads this source. */
  private volatile Runnable onChunkPublished = () -> { };
  private final AtomicBoolean writerTaken = new AtomicBoolean();
  private volatile boolean ended;
  /** A chunk a closed reader had started: the next reader continues it, so no row is lost. */
  private ColumnarBatch leftover;
  private int leftoverOffset;
  private long leftoverLsn;
  private long leftoverEnd;
  private long leftoverFirstRow;
  /** The write-ahead log, or null (no data directory). */
  private SourceLog log;
  /** Per published chunk, in queue order: its record's LSN, end LSN and first row (written before the offer, read after the poll). */
  private final long[] metaLsn;
  private final long[] metaEnd;
  private final long[] metaFirstRow;
  private final int metaMask;
  private long published;
  private long consumed;
  /** The first reader replays what the log held at open; later readers of this process do not. */
  private boolean replayClaimed;

  MemorySource(String name, Schema schema, int chunkRows, int chunkCount) {
    this.name = name;
    this.schema = schema;
    this.chunks = new BatchPool(schema, chunkCount, chunkRows);
    this.queue = new SpscArrayQueue<>(chunkCount + 1);
    int meta = Integer.highestOneBit(chunkCount + 1) * 2;
    this.metaLsn = new long[meta];
    this.metaEnd = new long[meta];
    this.metaFirstRow = new long[meta];
    this.metaMask = meta - 1;
  }

  /**
   * Makes the source durable: chunks are appended to {@code log} before the engine sees them, and
   * readers replay it from their restored position. Called once, before any writer or reader exists.
   */
  public void attachLog(dev.laminar.durability.wal.WalConfig config, byte[] checkpointedPosition) throws java.io.IOException {
    long checkpointedRows = checkpointedPosition != null && checkpointedPosition.length == SourceLog.POSITION_BYTES
        ? SourceLog.positionRow(checkpointedPosition) : 0;
    this.log = SourceLog.open(config, schema, checkpointedRows);
    if (log.recoveredEnd) {
      ended = true;
    }
  }

  /** Whether rows of this source are kept in a write-ahead log (so it can replay from a checkpointed position). */
  public boolean isLogged() {
    return log != null;
  }

  /**
   * A checkpoint is about to record {@code position} (one this source's reader reported): waits until
   * the log is durable up to the rows before it, so a checkpoint never covers rows the log could lose.
   */
  public void awaitDurable(byte[] position, long timeoutMillis) throws Exception {
    if (log != null && position != null && position.length == SourceLog.POSITION_BYTES) {
      log.awaitDurable(SourceLog.positionRequired(position), timeoutMillis);
    }
  }

  /**
   * Deletes log segments no retained checkpoint needs: {@code positions} are this source's positions
   * in every retained checkpoint (a null entry: a checkpoint without it, which needs the whole log).
   * Returns the segments deleted.
   */
  public int truncateLog(List<byte[]> positions) throws java.io.IOException {
    if (log == null || positions.isEmpty()) {
      return 0;
    }
    long min = Long.MAX_VALUE;
    for (byte[] p : positions) {
      if (p == null || p.length != SourceLog.POSITION_BYTES) {
        return 0;
      }
      min = Math.min(min, SourceLog.positionScanFrom(p));
    }
    return log.truncateBefore(min);
  }

  /** Bytes of the source's log on disk (0 without one). */
  public long logBytes() throws java.io.IOException {
    return log == null ? 0 : log.diskBytes();
  }

  /** Closes the log and deletes it (the source was dropped). */
  public void deleteLog() throws java.io.IOException {
    if (log != null) {
      log.delete();
    }
  }

  @Override
  public void close() throws java.io.IOException {
    if (log != null) {
      log.close();
    }
  }

  /** The single writer of this source; a second call fails while the first is open. */
  public SourceWriter writer() {
    if (!writerTaken.compareAndSet(false, true)) {
      throw new IllegalStateException("memory source '" + name + "' already has a writer; close it first");
    }
    if (ended) {
      writerTaken.set(false);
      throw new IllegalStateException("memory source '" + name + "' has ended (its writer was closed)");
    }
    return new Writer();
  }

  /** True once the source's writer was closed (also in an earlier run, when the log recorded it). */
  public boolean hasEnded() {
    return ended;
  }

  @Override
  public List<SourceSplit> discoverSplits() {
    return List.of(SourceSplit.of(name));
  }

  @Override
  public SourceReader createReader(SourceSplit split) {
    return new Reader();
  }

  @Override
  public boolean isBounded() {
    return false;
  }

  /** Any thread: {@code wake} runs after each chunk the writer hands over (the engine wakes the reading thread with it). */
  public void onChunkPublished(Runnable wake) {
    this.onChunkPublished = wake;
  }

  private final class Writer implements SourceWriter {
    private final IdleStrategy idle = IdleStrategy.standard();
    private ColumnarBatch chunk;
    private boolean closed;

    private ColumnarBatch chunk() {
      if (chunk == null) {
        chunk = chunks.acquire(idle, () -> true);
      }
      return chunk;
    }

    private void check() {
      if (closed) {
        throw new IllegalStateException("writer of memory source '" + name + "' is closed");
      }
    }

    @Override
    public void beginRow() {
      check();
      chunk().beginRow();
    }

    @Override
    public void endRow() {
      chunk.endRow();
      if (chunk.isFull()) {
        flush();
      }
    }

    @Override
    public void flush() {
      if (chunk != null && chunk.size() > 0) {
        publish(chunk, false);
        chunk = null;
      }
    }

    @Override
    public long durableRows() {
      return log == null ? 0 : log.durableRows();
    }

    @Override
    public long commit() {
      flush();
      return log == null ? 0 : log.commit();
    }

    private void publish(ColumnarBatch c, boolean end) {
      long slot = published & metaMask;
      if (log != null) {
        // the record is appended before the engine can see the rows; it is durable later (group commit)
        metaLsn[(int) slot] = log.append(c, end);
        metaEnd[(int) slot] = log.lastEnd();
        metaFirstRow[(int) slot] = log.nextRow() - (end ? 0 : c.size());
      }
      published++;
      int idles = 0;
      while (!queue.offer(c)) {
        idle.idle(idles++);
      }
      onChunkPublished.run();
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      flush();
      ColumnarBatch end = chunk();
      end.markEndOfInput();
      publish(end, true);
      chunk = null;
      closed = true;
      ended = true;
      if (log != null) {
        log.commit();
      }
      writerTaken.set(false);
    }

    @Override
    public void setNull(int column) {
      chunk.setNull(column);
    }

    @Override
    public void setBoolean(int column, boolean value) {
      chunk.setBoolean(column, value);
    }

    @Override
    public void setInt(int column, int value) {
      chunk.setInt(column, value);
    }

    @Override
    public void setLong(int column, long value) {
      chunk.setLong(column, value);
    }

    @Override
    public void setDouble(int column, double value) {
      chunk.setDouble(column, value);
    }

    @Override
    public void setDecimalUnscaled(int column, long unscaledValue) {
      chunk.setDecimalUnscaled(column, unscaledValue);
    }

    @Override
    public void setDecimal(int column, BigDecimal value) {
      chunk.setDecimal(column, value);
    }

    @Override
    public void setString(int column, String value) {
      chunk.setString(column, value);
    }

    @Override
    public void setBytes(int column, byte[] value) {
      chunk.setBytes(column, value);
    }

    @Override
    public void setTimestampMillis(int column, long epochMillis) {
      chunk.setTimestampMillis(column, epochMillis);
    }

    @Override
    public void setObject(int column, Object value) {
      chunk.setObject(column, value);
    }
  }

  private final class Reader implements SourceReader {
    private ColumnarBatch current;
    private int offset;
    private long handedOver;
    private boolean finished;
    /** The log record of the rows being handed over (current chunk or replayed record): its LSN and end. */
    private long recordLsn;
    private long recordEnd;
    /** Where a replay would start if the engine restarted now (nothing partly handed over). */
    private long scanFrom;
    private long required;
    /** Replay of what the log held at open: the reader, the record's remaining rows, its next row's number. */
    private dev.laminar.durability.wal.WalReader replay;
    private ByteBuffer replayRows;
    private int replayLeft;
    private long replayRow;
    private boolean replayEnd;

    Reader() {
      synchronized (MemorySource.this) {
        current = leftover;
        offset = leftoverOffset;
        recordLsn = leftoverLsn;
        recordEnd = leftoverEnd;
        if (current != null) {
          handedOver = leftoverFirstRow + offset;
        }
        leftover = null;
        if (log != null) {
          scanFrom = log.firstLsn();
          if (!replayClaimed) {
            replayClaimed = true;
            replay = log.reader(scanFrom);
          }
        }
      }
    }

    @Override
    public void restore(byte[] position) {
      handedOver = ByteBuffer.wrap(position).getLong();
      if (log != null && position.length == SourceLog.POSITION_BYTES) {
        scanFrom = SourceLog.positionScanFrom(position);
        required = SourceLog.positionRequired(position);
        if (replay != null) {
          replay.close();
          replay = log.reader(scanFrom);
        }
      }
    }

    /** Hands over rows of records written before this process opened the log; false once they are done. */
    private boolean replay(BatchWriter out) {
      while (!out.isFull()) {
        if (replayLeft == 0) {
          if (replayRows != null) {
            scanFrom = required = recordEnd; // every row of the record is handed over
            replayRows = null;
          }
          if (replayEnd) {
            return true;
          }
          if (!replay.next() || replay.lsn() >= log.replayEndLsn) {
            replay.close();
            replay = null;
            return false;
          }
          ByteBuffer payload = replay.payload().order(java.nio.ByteOrder.LITTLE_ENDIAN);
          recordLsn = replay.lsn();
          recordEnd = replay.nextLsn();
          if (SourceLog.type(payload) == SourceLog.END) {
            replayEnd = true;
            scanFrom = required = recordEnd;
            return true;
          }
          replayRow = SourceLog.firstRow(payload);
          replayLeft = SourceLog.rows(payload);
          replayRows = SourceLog.rowsOf(payload);
          continue;
        }
        // rows below handedOver were covered by the restored checkpoint: skip them
        boolean emit = replayRow >= handedOver;
        log.decodeRow(replayRows, emit ? out : null);
        replayRow++;
        replayLeft--;
        if (emit) {
          handedOver = replayRow;
        }
      }
      return true;
    }

    @Override
    public PollStatus poll(BatchWriter out) {
      if (replay != null) {
        replay(out);
        if (replayEnd && replayLeft == 0) {
          finished = true;
          return PollStatus.FINISHED;
        }
        if (replay != null || out.isFull()) {
          return PollStatus.MORE_AVAILABLE;
        }
        if (log.recoveredEnd) {
          // the end was logged in an earlier run, before the restored position: no row can follow
          finished = true;
          return PollStatus.FINISHED;
        }
      }
      while (!out.isFull()) {
        if (current == null) {
          current = queue.relaxedPoll();
          offset = 0;
          if (current == null) {
            return out.size() > 0 ? PollStatus.MORE_AVAILABLE : PollStatus.IDLE;
          }
          int slot = (int) (consumed++ & metaMask);
          if (log != null) {
            recordLsn = metaLsn[slot];
            recordEnd = metaEnd[slot];
            handedOver = metaFirstRow[slot];
          }
        }
        int n = current.size();
        if (out instanceof ColumnarBatch batch && batch.schema().equals(current.schema())) {
          // the same layout: copy the rows that fit a column at a time (the cell-by-cell copy below was the
          // source thread's top frame on a pass-through query)
          int count = Math.min(n - offset, batch.capacity() - batch.size());
          batch.appendRowsFrom(current, offset, count);
          offset += count;
          handedOver += count;
        }
        while (offset < n && !out.isFull()) {
          copyRow(current, offset++, out);
          handedOver++;
        }
        if (offset == n) {
          boolean end = current.isEndOfInput();
          BatchPool.release(current);
          current = null;
          scanFrom = required = recordEnd;
          if (end) {
            finished = true;
            return PollStatus.FINISHED;
          }
        }
      }
      return PollStatus.MORE_AVAILABLE;
    }

    private void copyRow(ColumnarBatch src, int r, BatchWriter out) {
      out.beginRow();
      out.setRowKind(src.rowKind(r));
      for (int c = 0; c < schema.size(); c++) {
        if (src.isNull(r, c)) {
          continue;
        }
        switch (schema.column(c).type().kind()) {
          case BOOLEAN -> out.setBoolean(c, src.getBoolean(r, c));
          case INT, BIGINT -> out.setLong(c, src.getLong(r, c));
          case TIMESTAMP -> out.setTimestampMillis(c, src.getLong(r, c));
          case DOUBLE -> out.setDouble(c, src.getDouble(r, c));
          case DECIMAL -> {
            if (schema.column(c).type().isCompactDecimal()) {
              out.setDecimalUnscaled(c, src.getDecimalUnscaled(r, c));
            } else {
              out.setDecimal(c, src.getDecimal(r, c));
            }
          }
          case VARCHAR -> out.setString(c, src.getString(r, c));
          case BYTES -> out.setBytes(c, src.getBytes(r, c));
        }
      }
      out.endRow();
    }

    @Override
    public byte[] position() {
      if (log == null) {
        return ByteBuffer.allocate(8).putLong(handedOver).array();
      }
      boolean partly = current != null || replayRows != null;
      return SourceLog.position(handedOver, partly ? recordLsn : scanFrom, partly ? recordEnd : required);
    }

    @Override
    public void close() {
      if (replay != null) {
        replay.close();
        replay = null;
      }
      if (current != null) {
        synchronized (MemorySource.this) {
          leftover = current; // rows not yet handed over stay for the next reader
          leftoverOffset = offset;
          leftoverLsn = recordLsn;
          leftoverEnd = recordEnd;
          leftoverFirstRow = handedOver - offset;
        }
        current = null;
      }
      if (finished) {
        ended = true;
      }
    }
  }
}
