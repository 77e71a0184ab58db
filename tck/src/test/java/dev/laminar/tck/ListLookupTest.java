package dev.laminar.tck;

import dev.laminar.tck.listconnector.ListLookupContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The lookup suite passes a correct lookup table, keyed by nullable columns and by a NOT NULL one. */
class ListLookupTest {
  @Nested
  class ByNameAndQty extends LookupTableTestSuite {
    @Override
    protected LookupTestContext createContext(Path workDir) {
      return new ListLookupContext(List.of("name", "qty"), Map.of());
    }
  }

  @Nested
  class ById extends LookupTableTestSuite {
    @Override
    protected LookupTestContext createContext(Path workDir) {
      return new ListLookupContext(List.of("id"), Map.of());
    }
  }
}
