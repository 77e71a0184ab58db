package dev.laminar.plugin.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The function provider is a PF4J extension that the annotation processor indexed next to the main classes. */
class PluginPackagingTest {
  @Test
  void providerIsAnIndexedExtension() throws Exception {
    URL classes = StatisticsFunctions.class.getProtectionDomain().getCodeSource().getLocation();
    Path index = Path.of(classes.toURI()).resolve("META-INF/extensions.idx");
    assertThat(index).as("extensions.idx (is annotation processing on?)").exists();
    assertThat(Files.readString(index)).contains(StatisticsFunctions.class.getName());
    assertThat(new StatisticsFunctions().aggregateFunctions()).extracting(f -> f.name()).containsExactly("VARIANCE_POP");
    assertThat(new StatisticsFunctions().scalarFunctions()).extracting(f -> f.name()).containsExactly("SAFE_DIVIDE");
  }
}
