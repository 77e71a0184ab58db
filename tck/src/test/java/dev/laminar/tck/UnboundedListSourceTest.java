package dev.laminar.tck;

import dev.laminar.tck.listconnector.ListSourceContext;
import java.nio.file.Path;
import java.util.Map;

/** The source suite passes a correct unbounded source (IDLE at the end of the data, never FINISHED). */
class UnboundedListSourceTest extends SourceConnectorTestSuite {
  @Override
  protected SourceTestContext createContext(Path workDir) {
    return new ListSourceContext(Map.of("bounded", "false"));
  }
}
