package dev.laminar.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.sdk.connector.ConnectorOptions;
import dev.laminar.sdk.connector.InvalidOptionException;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.connector.OptionType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionSpecTest {
  private final List<OptionSpec> specs = List.of(
      OptionSpec.builder("topic", OptionType.STRING).required().description("topic to read").build(),
      OptionSpec.builder("rows", OptionType.LONG).defaultValue("100").build(),
      OptionSpec.builder("interval", OptionType.DURATION).defaultValue("1s").build(),
      OptionSpec.builder("format", OptionType.ENUM).allowedValues("json", "csv").defaultValue("json").build(),
      OptionSpec.builder("password", OptionType.STRING).secret().build(),
      OptionSpec.prefix("properties.", "client settings").build());

  private static Map<String, String> options(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void appliesDefaultsAndParsesTypes() {
    ConnectorOptions o = ConnectorOptions.validate("demo", specs,
        options("topic", "t", "interval", "250ms", "format", "CSV", "properties.acks", "all"));
    assertThat(o.getString("topic")).isEqualTo("t");
    assertThat(o.getLong("rows")).isEqualTo(100L);
    assertThat(o.getDuration("interval")).isEqualTo(Duration.ofMillis(250));
    assertThat(o.getString("format")).isEqualTo("csv");
    assertThat(o.withPrefix("properties.")).containsEntry("acks", "all");
    assertThat(o.has("password")).isFalse();
  }

  @Test
  void unknownOptionNamesTheOptionTheConnectorAndTheKnownOnes() {
    assertThatThrownBy(() -> ConnectorOptions.validate("demo", specs, options("topic", "t", "topik", "x")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("'demo'").hasMessageContaining("'topik'")
        .hasMessageContaining("topic, rows, interval, format, password, properties.*");
  }

  @Test
  void missingRequiredOptionIsNamed() {
    assertThatThrownBy(() -> ConnectorOptions.validate("demo", specs, options()))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("connector 'demo' requires option 'topic' (a string: topic to read)");
  }

  @Test
  void badEnumValueListsTheAllowedValues() {
    assertThatThrownBy(() -> ConnectorOptions.validate("demo", specs, options("topic", "t", "format", "xml")))
        .hasMessage("connector 'demo': option 'format' has invalid value 'xml'; expected one of [json, csv]");
  }

  @Test
  void badSecretValueIsMasked() {
    OptionSpec port = OptionSpec.builder("port", OptionType.INT).secret().build();
    assertThatThrownBy(() -> port.parse("demo", "hunter2"))
        .hasMessageNotContaining("hunter2").hasMessageContaining("'port'");
  }

  @Test
  void badDefaultIsRejectedWhenTheSpecIsBuilt() {
    assertThatThrownBy(() -> OptionSpec.builder("n", OptionType.INT).defaultValue("ten").build())
        .isInstanceOf(InvalidOptionException.class);
  }
}
