package dev.laminar.engine;

import dev.laminar.api.LaminarException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** What a swap needs to know of a plugin zip before loading it. */
record PluginSwap(String id, String version) {
  /** Reads {@code plugin.id} and {@code plugin.version} from the zip's plugin.properties. */
  static PluginSwap read(Path zip) {
    try (ZipFile z = new ZipFile(zip.toFile())) {
      ZipEntry e = z.getEntry("plugin.properties");
      if (e == null) {
        throw new LaminarException(zip + " is not a Laminar plugin: it has no plugin.properties at its root");
      }
      Properties p = new Properties();
      try (InputStream in = z.getInputStream(e)) {
        p.load(in);
      }
      String id = p.getProperty("plugin.id");
      if (id == null || id.isBlank()) {
        throw new LaminarException(zip + ": plugin.properties has no plugin.id");
      }
      return new PluginSwap(id.trim(), p.getProperty("plugin.version", "?").trim());
    } catch (IOException ex) {
      throw new LaminarException("cannot read plugin " + zip + ": " + ex.getMessage(), ex);
    }
  }
}
