package dev.laminar.tck;

import dev.laminar.tck.listconnector.ListSourceContext;
import java.nio.file.Path;
import java.util.Map;

/** The source suite passes a correct bounded source. */
class ListSourceTest extends SourceConnectorTestSuite {
  @Override
  protected SourceTestContext createContext(Path workDir) {
    return new ListSourceContext(Map.of());
  }
}
