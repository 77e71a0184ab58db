package dev.laminar.tck;

import dev.laminar.tck.listconnector.ListSinkContext;
import java.nio.file.Path;
import java.util.Map;

/** The sink suite passes a correct sink in mode at-least-once. */
class ListSinkAtLeastOnceTest extends SinkConnectorTestSuite {
  @Override
  protected SinkTestContext createContext(Path workDir) {
    return new ListSinkContext(Map.of("mode", "at-least-once"));
  }
}
