package dev.laminar.tck.listconnector;

import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.source.PollStatus;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.source.SourceSplit;
import dev.laminar.tck.listconnector.ListConnectorFactory.Bug;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Source over {@link ListStore#SPLITS}: one split per list; position = index of the next row. */
final class ListSource implements SourceConnector {
  private final String dataset;
  private final int batchSize;
  private final boolean bounded;
  private final Bug bug;

  ListSource(String dataset, int batchSize, boolean bounded, Bug bug) {
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.bounded = bounded;
    this.bug = bug;
  }

  @Override
  public List<SourceSplit> discoverSplits() {
    List<SourceSplit> splits = new ArrayList<>();
    int n = ListStore.SPLITS.getOrDefault(dataset, List.of()).size();
    for (int i = 0; i < n; i++) {
      splits.add(new SourceSplit("part-" + i, ByteBuffer.allocate(4).putInt(i).array()));
    }
    return splits;
  }

  @Override
  public SourceReader createReader(SourceSplit split) {
    return new Reader(ByteBuffer.wrap(split.descriptor()).getInt());
  }

  @Override
  public boolean isBounded() {
    return bounded;
  }

  private final class Reader implements SourceReader {
    private final int split;
    private List<Row> rows;
    private int next;
    private boolean closed;

    Reader(int split) {
      this.split = split;
    }

    @Override
    public void restore(byte[] position) {
      next = ByteBuffer.wrap(position).getInt();
    }

    @Override
    public void open() {
      rows = ListStore.SPLITS.get(dataset).get(split);
      if (bug == Bug.DROPS_LAST_ROW && !rows.isEmpty()) {
        rows = rows.subList(0, rows.size() - 1);
      }
    }

    @Override
    public PollStatus poll(BatchWriter out) {
      int limit = Math.min(rows.size(), next + batchSize);
      while (next < limit && !out.isFull()) {
        Row row = rows.get(next++);
        out.beginRow();
        for (int c = 0; c < row.arity(); c++) {
          out.setObject(c, row.get(c));
        }
        out.endRow();
      }
      if (next < rows.size()) {
        return PollStatus.MORE_AVAILABLE;
      }
      if (bug == Bug.NEVER_IDLE) {
        return PollStatus.MORE_AVAILABLE;
      }
      return bounded ? PollStatus.FINISHED : PollStatus.IDLE;
    }

    @Override
    public byte[] position() {
      int p = bug == Bug.POSITION_OFF_BY_ONE ? Math.max(0, next - 1) : next;
      return ByteBuffer.allocate(4).putInt(p).array();
    }

    @Override
    public void close() {
      if (closed && bug == Bug.CLOSE_TWICE_FAILS) {
        throw new IllegalStateException("already closed");
      }
      closed = true;
    }
  }

  /** Nothing to release; declared without {@code throws Exception} so callers need not handle it. */
  @Override
  public void close() {}
}
