package dev.laminar.plugin.file;

import dev.laminar.tck.LookupTableTestSuite;
import dev.laminar.tck.LookupTestContext;
import dev.laminar.tck.SinkConnectorTestSuite;
import dev.laminar.tck.SinkTestContext;
import dev.laminar.tck.SourceConnectorTestSuite;
import dev.laminar.tck.SourceTestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;

/** The TCK's source, sink and lookup suites against the file connector, in each format. */
class FileConnectorContractTest {
  @Nested
  class CsvWithHeaderSource extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new CsvSourceContext(workDir, true, ',');
    }
  }

  @Nested
  class CsvWithoutHeaderSource extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new CsvSourceContext(workDir, false, ';');
    }
  }

  @Nested
  class JsonLinesSource extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new JsonSourceContext(workDir);
    }
  }

  @Nested
  class CsvSink extends SinkConnectorTestSuite {
    @Override
    protected SinkTestContext createContext(Path workDir) {
      return new FileSinkContext(workDir, "csv");
    }
  }

  @Nested
  class JsonLinesSink extends SinkConnectorTestSuite {
    @Override
    protected SinkTestContext createContext(Path workDir) {
      return new FileSinkContext(workDir, "json");
    }
  }

  @Nested
  class CsvLookupById extends LookupTableTestSuite {
    @Override
    protected LookupTestContext createContext(Path workDir) {
      return new FileLookupContext(new CsvSourceContext(workDir, true, ','), List.of("id"));
    }
  }

  /** Nullable key columns: rows with NULL in them are stored and must never match. */
  @Nested
  class CsvLookupByNameAndQuantity extends LookupTableTestSuite {
    @Override
    protected LookupTestContext createContext(Path workDir) {
      return new FileLookupContext(new CsvSourceContext(workDir, false, ';'), List.of("name", "qty"));
    }
  }

  /** Keys of the types whose equality needs care: TIMESTAMP, DECIMAL (scale), BYTES (content). */
  @Nested
  class JsonLookupByTimeAmountAndPayload extends LookupTableTestSuite {
    @Override
    protected LookupTestContext createContext(Path workDir) {
      return new FileLookupContext(new JsonSourceContext(workDir), List.of("ts", "price", "payload"));
    }
  }
}
