package dev.laminar.connector.filesystem;

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.connector.OptionType;
import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code filesystem}: an exactly-once, append-only file sink. Each epoch's rows go to a file that
 * becomes visible in the output directory only when the epoch commits (see {@link FilesystemSinkWriter}).
 * Named like Flink's connector; the {@code file} plugin is the simpler at-least-once one.
 */
public final class FilesystemConnectorFactory implements ConnectorFactory {
  static final String PATH = "path";
  static final String FORMAT = "format";

  private static final List<OptionSpec> OPTIONS = List.of(
      OptionSpec.builder(PATH, OptionType.STRING).required()
          .description("output directory; committed files appear in it as part-<epoch>-<writer>.<csv|jsonl>").build(),
      OptionSpec.builder(FORMAT, OptionType.ENUM).allowedValues("csv", "json").defaultValue("csv")
          .description("CSV with a header line per file, or one JSON object per line").build());

  @Override
  public String id() {
    return "filesystem";
  }

  @Override
  public String description() {
    return "Writes rows to files in a directory, exactly once: an epoch's file becomes visible when the epoch commits.";
  }

  @Override
  public Set<ConnectorKind> provides() {
    return Set.of(ConnectorKind.SINK);
  }

  @Override
  public List<OptionSpec> options() {
    return OPTIONS;
  }

  @Override
  public SinkConnector createSink(ConnectorContext context) {
    Path dir = Path.of(context.options().getString(PATH));
    String format = context.options().getString(FORMAT);
    return new SinkConnector() {
      @Override
      public Set<SinkCapability> capabilities() {
        // TWO_PHASE_COMMIT is the SDK's exactly-once capability: rows are durable but invisible after
        // preCommit, published by an idempotent commit, discarded by an idempotent abort.
        return Set.of(SinkCapability.TWO_PHASE_COMMIT, SinkCapability.AT_LEAST_ONCE);
      }

      @Override
      public SinkWriter createWriter() {
        return new FilesystemSinkWriter(dir, format, context.schema());
      }

      @Override
      public void close() {} // nothing shared between writers
    };
  }
}
