package dev.laminar.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.ConnectorOptions;
import dev.laminar.sdk.connector.InvalidOptionException;
import dev.laminar.sdk.connector.OptionSpec;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Checks on a {@link ConnectorFactory} shared by the source and sink suites. */
final class FactoryChecks {
  /** Creates the connector of the kind under test; returns what must be closed. */
  @FunctionalInterface
  interface Creator {
    AutoCloseable create(ConnectorFactory factory, ConnectorContext context) throws Exception;
  }

  private FactoryChecks() {}

  static void assertDeclares(ConnectorFactory factory, ConnectorKind kind, ConnectorTestContext context) {
    assertThat(factory.id()).as("id()").isNotNull().matches("[a-z][a-z0-9_.-]*");
    assertThat(factory.description()).as("description() of '%s'", factory.id()).isNotBlank();
    assertThat(factory.provides()).as("provides() of '%s'", factory.id()).contains(kind);
    List<OptionSpec> specs = factory.options();
    assertThat(specs).as("options() of '%s'", factory.id()).isNotNull();
    assertThat(specs.stream().map(OptionSpec::name).toList()).as("option names of '%s'", factory.id())
        .doesNotHaveDuplicates()
        .doesNotContain("connector");
    // the context's own options must pass the engine's validation, or every other case is meaningless
    ConnectorOptions.validate(factory.id(), specs, context.options());
  }

  static void assertRejected(ConnectorFactory factory, ConnectorTestContext context, Creator creator) throws Exception {
    List<InvalidOptionsCase> cases = context.invalidOptionCases();
    if (cases.isEmpty()) {
      Assumptions.abort("the context supplies no invalid option sets (override invalidOptionCases())");
    }
    for (InvalidOptionsCase bad : cases) {
      AutoCloseable[] created = new AutoCloseable[1];
      Throwable thrown = catchThrowable(() -> created[0] = creator.create(factory,
          TestConnectorContext.of(factory, context.objectName(), context.schema(), bad.options())));
      if (created[0] != null) {
        created[0].close();
      }
      assertThat(thrown)
          .as("validating options %s and creating connector '%s' must fail naming option '%s'",
              bad.options(), factory.id(), bad.expectedOption())
          .isInstanceOf(InvalidOptionException.class);
      InvalidOptionException e = (InvalidOptionException) thrown;
      assertThat(e.option()).as("option() of: %s", e.getMessage()).isEqualTo(bad.expectedOption());
      assertThat(e.connectorId()).as("connectorId() of: %s", e.getMessage()).isEqualTo(factory.id());
      assertThat(e.getMessage()).as("message").contains(bad.expectedOption());
    }
  }
}
