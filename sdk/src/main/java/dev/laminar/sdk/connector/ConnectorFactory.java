package dev.laminar.sdk.connector;

import dev.laminar.sdk.annotation.Stable;
import dev.laminar.sdk.lookup.LookupTable;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.source.SourceConnector;
import java.util.List;
import java.util.Set;
import org.pf4j.ExtensionPoint;

/**
 * The entry point of a connector, discovered as a PF4J extension (annotate the implementation with
 * {@code @org.pf4j.Extension}). SQL names it by {@link #id()} in {@code WITH ('connector' = '...')}.
 *
 * <p>Lifecycle and threads: the engine instantiates the factory once per plugin load and calls its
 * methods from the control thread (SQL execution). Options are validated against {@link #options()}
 * before any {@code create*} method runs, so a factory never sees an unknown, missing or malformed
 * option. A {@code create*} method may check cross-option rules and throw
 * {@link InvalidOptionException}; it must not start threads or open connections — that happens when
 * the engine opens readers and writers. The factory holds no per-object state.
 */
@Stable
public interface ConnectorFactory extends ExtensionPoint {
  /** Stable, lower-case identifier used in SQL, e.g. {@code kafka}. */
  String id();

  /** One sentence for {@code SHOW CONNECTORS}. */
  String description();

  /** What the connector can be used as. */
  Set<ConnectorKind> provides();

  /** Every option the connector accepts (excluding {@code connector} itself). */
  List<OptionSpec> options();

  /** Creates the source for one {@code CREATE SOURCE}; called only when {@link #provides()} has SOURCE. */
  default SourceConnector createSource(ConnectorContext context) {
    throw new UnsupportedOperationException("connector '" + id() + "' is not a source");
  }

  /** Creates the sink for one {@code CREATE SINK}; called only when {@link #provides()} has SINK. */
  default SinkConnector createSink(ConnectorContext context) {
    throw new UnsupportedOperationException("connector '" + id() + "' is not a sink");
  }

  /** Creates the lookup table for one {@code CREATE LOOKUP TABLE}; called only when {@link #provides()} has LOOKUP. */
  default LookupTable createLookupTable(ConnectorContext context) {
    throw new UnsupportedOperationException("connector '" + id() + "' is not a lookup table");
  }
}
