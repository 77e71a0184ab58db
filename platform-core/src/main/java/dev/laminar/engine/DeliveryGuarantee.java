package dev.laminar.engine;

import dev.laminar.sdk.connector.InvalidOptionException;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.connector.OptionType;
import dev.laminar.sdk.sink.SinkCapability;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's {@code 'sink.delivery-guarantee'} option of CREATE SINK: what the sink promises across a
 * crash, checked when the sink is created and refused (positioned at the option) when it cannot hold.
 *
 * <ul>
 *   <li>{@code exactly-once}: the connector commits in two phases ({@link SinkCapability#TWO_PHASE_COMMIT})
 *       or writes idempotently ({@link SinkCapability#IDEMPOTENT}); the engine has a data directory (checkpoints
 *       to recover from); every source feeding the sink can replay from a checkpointed position; and every
 *       operator between them has its state in checkpoints.
 *   <li>{@code at-least-once}: the same, with a connector that declares at least
 *       {@link SinkCapability#AT_LEAST_ONCE}.
 *   <li>{@code none}: no promise, nothing checked.
 *   <li>The built-in {@code memory} sink, whose rows live on the heap, takes only {@code none}.
 * </ul>
 * Without the option nothing is checked (the sink does what its connector does). A connector that declares
 * an option of the same name (the Kafka plugin does, to switch its transactions on) receives the value too.
 */
final class DeliveryGuarantee {
  static final String OPTION = "sink.delivery-guarantee";
  static final OptionSpec SPEC = OptionSpec.builder(OPTION, OptionType.ENUM).allowedValues("exactly-once", "at-least-once", "none")
      .description("engine: what the sink must guarantee across a crash; CREATE SINK is refused when it cannot hold").build();

  private DeliveryGuarantee() {}

  /**
   * Parses the option out of {@code options} (null when absent); it stays in the map only when the
   * connector declares an option of that name itself.
   */
  static String take(Map<String, String> options, String connectorId, List<OptionSpec> connectorOptions) {
    String raw = options.get(OPTION);
    if (raw == null) {
      return null;
    }
    String value = (String) SPEC.parse(connectorId, raw);
    if (connectorOptions.stream().noneMatch(o -> o.matches(OPTION))) {
      options.remove(OPTION);
    }
    return value;
  }

  /**
   * Refuses, naming the first reason, when {@code guarantee} cannot hold for sink {@code sink}:
   * {@code upstream} is every object the sink reads, transitively; {@code checkpointable} throws when an
   * operator of the pipeline keeps state that checkpoints do not cover.
   */
  static void check(String guarantee, String sink, String connectorId, Set<SinkCapability> capabilities, boolean heapOnly,
      boolean dataDirectory, List<CatalogObject> upstream, Runnable checkpointable) {
    if (guarantee == null || guarantee.equals("none")) {
      return;
    }
    String prefix = "connector '" + connectorId + "': option '" + OPTION + "' = '" + guarantee + "' cannot hold for sink '" + sink + "': ";
    if (heapOnly) { // it declares AT_LEAST_ONCE in the TCK's in-process sense, but a restart empties it
      throw new InvalidOptionException(connectorId, OPTION, prefix + "the memory sink keeps its rows on the heap, so none survives a "
          + "restart; use a sink that writes outside the process (such as 'filesystem'), or 'none'");
    }
    boolean exactly = guarantee.equals("exactly-once");
    boolean capable = exactly
        ? capabilities.contains(SinkCapability.TWO_PHASE_COMMIT) || capabilities.contains(SinkCapability.IDEMPOTENT)
        : capabilities.contains(SinkCapability.AT_LEAST_ONCE) || capabilities.contains(SinkCapability.TWO_PHASE_COMMIT)
            || capabilities.contains(SinkCapability.IDEMPOTENT);
    if (!capable) {
      throw new InvalidOptionException(connectorId, OPTION, prefix + "the connector declares " + new java.util.TreeSet<>(capabilities)
          + (exactly ? "; exactly-once needs TWO_PHASE_COMMIT or IDEMPOTENT (declare 'at-least-once' or 'none', or use a connector "
              + "that commits in two phases, such as 'filesystem')" : "; at-least-once needs AT_LEAST_ONCE, TWO_PHASE_COMMIT or IDEMPOTENT"));
    }
    for (CatalogObject o : upstream) {
      if (o instanceof SourceObject s && s.connector instanceof dev.laminar.connector.memory.MemorySource m && !m.isLogged()) {
        throw new InvalidOptionException(connectorId, OPTION, prefix + "source '" + s.name + "' (connector 'memory') cannot replay from a "
            + "checkpointed position: the rows the application pushes into it are kept in a write-ahead log only when the engine has a "
            + "data directory (LaminarConfig.builder().dataDirectory(dir))");
      }
    }
    if (!dataDirectory) {
      throw new InvalidOptionException(connectorId, OPTION, prefix + "the engine has no data directory, so there are no checkpoints to "
          + "recover from (LaminarConfig.builder().dataDirectory(dir))");
    }
    try {
      checkpointable.run();
    } catch (CheckpointCoordinator.NotCheckpointable e) {
      throw new InvalidOptionException(connectorId, OPTION, prefix + e.getMessage());
    }
  }
}
