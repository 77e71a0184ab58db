package dev.laminar.tck;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Packs the test plugin of package {@code dev.laminar.tck.lifecycleplugin} from the test classes into a
 * PF4J plugin zip laid out as the plugins' build lays theirs out: {@code plugin.properties},
 * {@code classes/**} with {@code META-INF/extensions.idx}.
 */
final class TestPluginZip {
  static final String PACKAGE_DIR = "dev/laminar/tck/lifecycleplugin";
  static final String FACTORY = "dev.laminar.tck.lifecycleplugin.LifecycleTestConnectorFactory";

  private TestPluginZip() {}

  /** Writes the zip into {@code dir}; without {@code withClasses} it has the descriptor and index but no class files. */
  static Path build(Path dir, boolean withClasses) throws IOException {
    Path classes = testClasses().resolve(PACKAGE_DIR);
    Path zip = Files.createDirectories(dir).resolve("lifecycle-test-plugin-1.0.0.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      put(out, "plugin.properties", String.join("\n",
          "plugin.id=lifecycle-test",
          "plugin.version=1.0.0",
          "plugin.class=org.pf4j.Plugin",
          "plugin.requires=>=1.0.0 & <2.0.0",
          "plugin.provider=Laminar TCK",
          "plugin.description=Test plugin of the TCK's lifecycle suite", ""));
      put(out, "classes/META-INF/extensions.idx", FACTORY + "\n");
      if (withClasses) {
        List<Path> files;
        try (Stream<Path> list = Files.list(classes)) {
          files = list.filter(f -> f.toString().endsWith(".class")).sorted().toList();
        }
        for (Path f : files) {
          out.putNextEntry(new ZipEntry("classes/" + PACKAGE_DIR + "/" + f.getFileName()));
          Files.copy(f, out);
          out.closeEntry();
        }
      }
    }
    return zip;
  }

  private static void put(ZipOutputStream out, String name, String text) throws IOException {
    out.putNextEntry(new ZipEntry(name));
    OutputStream entry = out;
    entry.write(text.getBytes(StandardCharsets.UTF_8));
    out.closeEntry();
  }

  private static Path testClasses() {
    try {
      return Path.of(TestPluginZip.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
