package dev.laminar.plugin.file;

import dev.laminar.tck.SinkConnectorTestSuite;
import dev.laminar.tck.SinkTestContext;
import dev.laminar.tck.SourceConnectorTestSuite;
import dev.laminar.tck.SourceTestContext;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** The TCK's source and sink suites against the file connector, in each format. */
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
}
