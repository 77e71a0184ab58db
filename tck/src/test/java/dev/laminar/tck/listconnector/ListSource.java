package dev.laminar.tck.listconnector;

import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.source.PollStatus;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.source.SourceSplit;
import dev.laminar.tck.listconnector.ListConnectorFactory.Bug;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Source over {@link ListStore#SPLITS}: one split per list; position = index of the next row. A
 * {@link ListStore#BAD_RECORD} in a list fails the poll or is skipped, per option {@code bad-records}.
 */
final class ListSource implements SourceConnector {
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final String dataset;
  private final int batchSize;
  private final boolean bounded;
  private final boolean skipBadRecords;
  private final Bug bug;
  /** With bug SPLIT_IDS_UNSTABLE_ACROSS_INSTANCES: how far this instance rotates ids against lists. */
  private final int rotation;

  ListSource(String dataset, int batchSize, boolean bounded, boolean skipBadRecords, Bug bug) {
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.bounded = bounded;
    this.skipBadRecords = skipBadRecords;
    this.bug = bug;
    this.rotation = bug == Bug.SPLIT_IDS_UNSTABLE_ACROSS_INSTANCES ? INSTANCES.incrementAndGet() : 0;
  }

  @Override
  public List<SourceSplit> discoverSplits() {
    List<SourceSplit> splits = new ArrayList<>();
    int n = ListStore.SPLITS.getOrDefault(dataset, List.of()).size();
    for (int i = 0; i < n; i++) {
      splits.add(new SourceSplit("part-" + i, ByteBuffer.allocate(4).putInt((i + rotation) % n).array()));
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
    private FileChannel scratch;
    private Path scratchFile;

    Reader(int split) {
      this.split = split;
    }

    /** Channels the LEAKS_FILE_DESCRIPTOR bug leaks, kept reachable so that the leak is real. */
    private static final java.util.List<FileChannel> LEAKED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void restore(byte[] position) {
      next = ByteBuffer.wrap(position).getInt();
    }

    @Override
    public void open() throws IOException {
      rows = ListStore.SPLITS.get(dataset).get(split);
      if (bug == Bug.DROPS_LAST_ROW && !rows.isEmpty()) {
        rows = rows.subList(0, rows.size() - 1);
      }
      // a file per reader, as a real source would hold one: closed by close() unless the bug leaks it
      scratchFile = Files.createTempFile("list-source-", ".tmp");
      scratch = FileChannel.open(scratchFile, StandardOpenOption.READ, StandardOpenOption.DELETE_ON_CLOSE);
    }

    @Override
    public PollStatus poll(BatchWriter out) throws IOException {
      int examined = 0;
      while (next < rows.size() && examined < batchSize && !out.isFull()) {
        Row row = rows.get(next++);
        examined++;
        if (row == ListStore.BAD_RECORD) {
          if (!skipBadRecords && bug != Bug.BAD_RECORDS_SILENTLY_DROPPED) {
            throw new IOException("dataset " + dataset + ", split " + split + ", record " + (next - 1) + ": cannot decode " + row);
          }
          if (bug == Bug.SKIP_DROPS_NEXT_ROW && next < rows.size()) {
            next++;
          }
          continue;
        }
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
    public void close() throws IOException {
      if (closed && bug == Bug.CLOSE_TWICE_FAILS) {
        throw new IllegalStateException("already closed");
      }
      closed = true;
      if (scratch != null && bug != Bug.LEAKS_FILE_DESCRIPTOR) {
        scratch.close();
        scratch = null;
      } else if (scratch != null) {
        // the leak must outlive this reader: unreachable, the channel's cleaner would close it at the next GC
        // and the suite would (rightly) see nothing leaked — which made the test that expects a leak flaky
        LEAKED.add(scratch);
      }
    }
  }

  /** Nothing to release; declared without {@code throws Exception} so callers need not handle it. */
  @Override
  public void close() {}
}
