package dev.laminar.sdk.connector;

import dev.laminar.sdk.annotation.Stable;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Declares one option a connector accepts in SQL {@code WITH (...)}: name, type, whether it is
 * required, default value, whether it is secret (never printed), and a description shown by
 * {@code DESCRIBE CONNECTOR}. A spec built with {@link #prefix} matches every option that starts
 * with its name (for pass-through settings such as {@code properties.*}).
 *
 * <p>Options are validated by the engine against the specs before any connector code runs.
 */
@Stable
public final class OptionSpec {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

  private final String name;
  private final OptionType type;
  private final boolean required;
  private final String defaultValue;
  private final boolean secret;
  private final boolean prefix;
  private final String description;
  private final List<String> allowedValues;

  private OptionSpec(Builder b) {
    this.name = b.name;
    this.type = b.type;
    this.required = b.required;
    this.defaultValue = b.defaultValue;
    this.secret = b.secret;
    this.prefix = b.prefix;
    this.description = b.description;
    this.allowedValues = List.copyOf(b.allowedValues);
    if (type == OptionType.ENUM && allowedValues.isEmpty()) {
      throw new IllegalArgumentException("ENUM option '" + name + "' needs allowed values");
    }
    if (required && defaultValue != null) {
      throw new IllegalArgumentException("option '" + name + "' is required and cannot have a default");
    }
    if (defaultValue != null) {
      parse("(spec)", defaultValue); // a bad default is a bug in the connector: fail when the spec is built
    }
  }

  /** Starts a spec for an option named {@code name} of the given type. */
  public static Builder builder(String name, OptionType type) {
    return new Builder(name, type);
  }

  /** A spec matching every option whose name starts with {@code prefix} (values are strings). */
  public static Builder prefix(String prefix, String description) {
    Builder b = new Builder(prefix, OptionType.STRING);
    b.prefix = true;
    b.description = description;
    return b;
  }

  public String name() {
    return name;
  }

  public OptionType type() {
    return type;
  }

  public boolean required() {
    return required;
  }

  /** The default as written in SQL, or {@code null} when there is none. */
  public String defaultValue() {
    return defaultValue;
  }

  public boolean secret() {
    return secret;
  }

  public boolean isPrefix() {
    return prefix;
  }

  public String description() {
    return description;
  }

  /** For ENUM options, the accepted values in canonical spelling; empty otherwise. */
  public List<String> allowedValues() {
    return allowedValues;
  }

  /** Whether the option key {@code key} is governed by this spec. */
  public boolean matches(String key) {
    return prefix ? key.startsWith(name) && key.length() > name.length() : key.equals(name);
  }

  /**
   * Parses a raw value into the type's Java value (String, Integer, Long, Double, Boolean,
   * {@link Duration}, canonical enum String, or {@code List<String>}).
   *
   * @throws InvalidOptionException naming the option, the connector and what is allowed
   */
  public Object parse(String connectorId, String raw) {
    Objects.requireNonNull(raw, "raw is null");
    String v = raw.trim();
    try {
      return switch (type) {
        case STRING -> raw;
        case INT -> Integer.parseInt(v);
        case LONG -> Long.parseLong(v);
        case DOUBLE -> Double.parseDouble(v);
        case BOOLEAN -> parseBoolean(v);
        case DURATION -> parseDuration(v);
        case ENUM -> allowedValues.stream().filter(a -> a.equalsIgnoreCase(v)).findFirst().orElseThrow(IllegalArgumentException::new);
        case LIST -> v.isEmpty() ? List.of() : Arrays.stream(v.split(",")).map(String::trim).toList();
      };
    } catch (RuntimeException e) {
      throw new InvalidOptionException(connectorId, name,
          "connector '" + connectorId + "': option '" + name + "' has invalid value '" + (secret ? "****" : raw)
              + "'; expected " + expectation());
    }
  }

  /** Human-readable description of accepted values, used in error messages. */
  public String expectation() {
    return switch (type) {
      case STRING -> "a string";
      case INT -> "an integer";
      case LONG -> "a long integer";
      case DOUBLE -> "a number";
      case BOOLEAN -> "true or false";
      case DURATION -> "a duration such as 500ms, 10s, 5m, 1h";
      case ENUM -> "one of " + allowedValues;
      case LIST -> "a comma-separated list";
    };
  }

  private static Boolean parseBoolean(String v) {
    if (v.equalsIgnoreCase("true")) {
      return Boolean.TRUE;
    }
    if (v.equalsIgnoreCase("false")) {
      return Boolean.FALSE;
    }
    throw new IllegalArgumentException(v);
  }

  private static Duration parseDuration(String v) {
    Matcher m = DURATION.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(v, e);
    }
  }

  @Override
  public String toString() {
    return name + (prefix ? "*" : "") + " " + type + (required ? " required" : "")
        + (defaultValue != null ? " default '" + (secret ? "****" : defaultValue) + "'" : "");
  }

  /** Builds an {@link OptionSpec}. */
  public static final class Builder {
    private final String name;
    private final OptionType type;
    private boolean required;
    private String defaultValue;
    private boolean secret;
    private boolean prefix;
    private String description = "";
    private List<String> allowedValues = List.of();

    private Builder(String name, OptionType type) {
      this.name = Objects.requireNonNull(name, "name is null");
      this.type = Objects.requireNonNull(type, "type is null");
      if (name.isBlank()) {
        throw new IllegalArgumentException("option name is blank");
      }
    }

    public Builder required() {
      this.required = true;
      return this;
    }

    public Builder defaultValue(String value) {
      this.defaultValue = Objects.requireNonNull(value, "value is null");
      return this;
    }

    public Builder secret() {
      this.secret = true;
      return this;
    }

    public Builder description(String text) {
      this.description = Objects.requireNonNull(text, "text is null");
      return this;
    }

    /** For ENUM options: the accepted values, canonical spelling. */
    public Builder allowedValues(String... values) {
      this.allowedValues = List.of(values);
      return this;
    }

    public OptionSpec build() {
      return new OptionSpec(this);
    }
  }
}
