package dev.laminar.plugin.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.pf4j.Extension;

/** The factory is a PF4J extension that the annotation processor indexed next to the main classes. */
class PluginPackagingTest {
  @Test
  void factoryIsAnIndexedExtension() throws Exception {
    assertThat(KafkaConnectorFactory.class.isAnnotationPresent(Extension.class)).isTrue();
    URL classes = KafkaConnectorFactory.class.getProtectionDomain().getCodeSource().getLocation();
    Path index = Path.of(classes.toURI()).resolve("META-INF/extensions.idx");
    assertThat(index).as("extensions.idx (is annotation processing on?)").exists();
    try (InputStream in = Files.newInputStream(index)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains(KafkaConnectorFactory.class.getName());
    }
  }
}
