package dev.laminar.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  @Test
  void readsUnitsAndCombinations() {
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationConverter.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(DurationConverter.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void rejectsWhatIsNoPositiveDuration() {
    assertThatThrownBy(() -> DurationConverter.parse("10")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'10'");
    assertThatThrownBy(() -> DurationConverter.parse("0s")).isInstanceOf(TypeConversionException.class);
  }
}
