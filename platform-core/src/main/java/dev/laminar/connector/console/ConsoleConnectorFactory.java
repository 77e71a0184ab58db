package dev.laminar.connector.console;

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.connector.OptionType;
import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import java.util.List;
import java.util.Set;

/** {@code console}: prints rows to standard output as an aligned table or as JSON lines. */
public final class ConsoleConnectorFactory implements ConnectorFactory {
  static final String FORMAT = "format";
  static final String TARGET = "target";
  static final String PRINT_IDENTIFIER = "print-identifier";

  private static final List<OptionSpec> OPTIONS = List.of(
      OptionSpec.builder(FORMAT, OptionType.ENUM).allowedValues("table", "json").defaultValue("table")
          .description("aligned table with a header, or one JSON object per line").build(),
      OptionSpec.builder(TARGET, OptionType.ENUM).allowedValues("stdout", "stderr").defaultValue("stdout")
          .description("where to print").build(),
      OptionSpec.builder(PRINT_IDENTIFIER, OptionType.STRING)
          .description("prefix printed before every line (to tell several console sinks apart)").build());

  @Override
  public String id() {
    return "console";
  }

  @Override
  public String description() {
    return "Prints rows to the console as an aligned table or JSON lines.";
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
    boolean json = context.options().getString(FORMAT).equals("json");
    boolean stderr = context.options().getString(TARGET).equals("stderr");
    String prefix = context.options().has(PRINT_IDENTIFIER) ? context.options().getString(PRINT_IDENTIFIER) + "> " : "";
    return new SinkConnector() {
      @Override
      public Set<SinkCapability> capabilities() {
        return Set.of(SinkCapability.AT_LEAST_ONCE, SinkCapability.ACCEPTS_CHANGELOG);
      }

      @Override
      public SinkWriter createWriter() {
        return new ConsoleSinkWriter(context.schema(), json, stderr, prefix);
      }
    };
  }
}
