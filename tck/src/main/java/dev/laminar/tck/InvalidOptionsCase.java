package dev.laminar.tck;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A set of {@code WITH} options that the connector must reject, and the option its error must name.
 * The options are complete (they replace {@link ConnectorTestContext#options()}), so a case can test
 * a missing required option as well as a malformed value or a bad combination.
 *
 * @param options the options to validate and create the connector with
 * @param expectedOption the option {@link dev.laminar.sdk.connector.InvalidOptionException#option()} must return
 */
public record InvalidOptionsCase(Map<String, String> options, String expectedOption) {
  public InvalidOptionsCase {
    options = Map.copyOf(Objects.requireNonNull(options, "options is null"));
    Objects.requireNonNull(expectedOption, "expectedOption is null");
  }

  /** {@code base} with {@code option} set to {@code value}, expected to fail naming {@code option}. */
  public static InvalidOptionsCase withValue(Map<String, String> base, String option, String value) {
    Map<String, String> m = new LinkedHashMap<>(base);
    m.put(option, value);
    return new InvalidOptionsCase(m, option);
  }

  /** {@code base} without {@code option}, expected to fail naming {@code option} (a required option). */
  public static InvalidOptionsCase without(Map<String, String> base, String option) {
    Map<String, String> m = new LinkedHashMap<>(base);
    m.remove(option);
    return new InvalidOptionsCase(m, option);
  }
}
