package dev.laminar.state;

import java.nio.file.Path;

class HeapStateStoreTest extends StateStoreContractTest {
  @Override
  StateStore create(Path workDir, int valueBytes) {
    return new HeapStateStore(16, valueBytes, true);
  }
}
