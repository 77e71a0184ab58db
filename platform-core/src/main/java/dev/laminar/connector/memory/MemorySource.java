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
 * and returns them. Position = rows handed over (a memory source cannot replay after a restart; its
 * position is informational).
 */
public final class MemorySource implements SourceConnector {
  private final String name;
  private final Schema schema;
  private final BatchPool chunks;
  private final SpscArrayQueue<ColumnarBatch> queue;
  private final AtomicBoolean writerTaken = new AtomicBoolean();
  private volatile boolean ended;
  /** A chunk a closed reader had started: the next reader continues it, so no row is lost. */
  private ColumnarBatch leftover;
  private int leftoverOffset;

  MemorySource(String name, Schema schema, int chunkRows, int chunkCount) {
    this.name = name;
    this.schema = schema;
    this.chunks = new BatchPool(schema, chunkCount, chunkRows);
    this.queue = new SpscArrayQueue<>(chunkCount + 1);
  }

  /** The single writer of this source; a second call fails while the first is open. */
  public SourceWriter writer() {
    if (!writerTaken.compareAndSet(false, true)) {
      throw new IllegalStateException("memory source '" + name + "' already has a writer; close it first");
    }
    if (ended) {
      throw new IllegalStateException("memory source '" + name + "' has ended (its writer was closed)");
    }
    return new Writer();
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
        publish(chunk);
        chunk = null;
      }
    }

    private void publish(ColumnarBatch c) {
      int idles = 0;
      while (!queue.offer(c)) {
        idle.idle(idles++);
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      flush();
      ColumnarBatch end = chunk();
      end.markEndOfInput();
      publish(end);
      chunk = null;
      closed = true;
      ended = true;
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

    Reader() {
      synchronized (MemorySource.this) {
        current = leftover;
        offset = leftoverOffset;
        leftover = null;
      }
    }

    @Override
    public void restore(byte[] position) {
      handedOver = ByteBuffer.wrap(position).getLong();
    }

    @Override
    public PollStatus poll(BatchWriter out) {
      while (!out.isFull()) {
        if (current == null) {
          current = queue.relaxedPoll();
          offset = 0;
          if (current == null) {
            return out.size() > 0 ? PollStatus.MORE_AVAILABLE : PollStatus.IDLE;
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
      return ByteBuffer.allocate(8).putLong(handedOver).array();
    }

    @Override
    public void close() {
      if (current != null) {
        synchronized (MemorySource.this) {
          leftover = current; // rows not yet handed over stay for the next reader
          leftoverOffset = offset;
        }
        current = null;
      }
      if (finished) {
        ended = true;
      }
    }
  }
}
