package dev.laminar.tck;

import dev.laminar.tck.listconnector.ListSinkContext;
import java.nio.file.Path;
import java.util.Map;

/** The sink suite passes a correct sink in mode two-phase. */
class ListSinkTwoPhaseTest extends SinkConnectorTestSuite {
  @Override
  protected SinkTestContext createContext(Path workDir) {
    return new ListSinkContext(Map.of("mode", "two-phase"));
  }
}
