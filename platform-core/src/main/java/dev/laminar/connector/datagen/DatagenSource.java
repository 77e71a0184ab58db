package dev.laminar.connector.datagen;

import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.source.SourceSplit;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The datagen source: {@code splits} independent splits named {@code split-0..n-1}. */
final class DatagenSource implements SourceConnector {
  private final DatagenSpec spec;

  DatagenSource(DatagenSpec spec) {
    this.spec = spec;
  }

  @Override
  public List<SourceSplit> discoverSplits() {
    List<SourceSplit> splits = new ArrayList<>();
    for (int i = 0; i < spec.splits(); i++) {
      splits.add(new SourceSplit("split-" + i, ByteBuffer.allocate(4).putInt(i).array()));
    }
    return splits;
  }

  @Override
  public SourceReader createReader(SourceSplit split) {
    return new DatagenReader(spec, ByteBuffer.wrap(split.descriptor()).getInt());
  }

  @Override
  public boolean isBounded() {
    return spec.rowsPerSplit() >= 0;
  }
}
