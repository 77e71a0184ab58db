package dev.laminar.plugin.directory;

import java.nio.file.Path;

/**
 * A plugin in a plugins folder, as PF4J finds it: a zip (with the folder PF4J expanded it into, once
 * an engine has loaded it) or a plain folder or jar. Its facts come from its descriptor
 * ({@code plugin.properties}, else the manifest).
 *
 * @param id {@code plugin.id}
 * @param version {@code plugin.version}
 * @param requires {@code plugin.requires}, the SDK range ({@code *} when not given)
 * @param description {@code plugin.description} (may be empty)
 * @param archive the zip or jar, or null for a plain folder
 * @param folder the folder (the expanded zip, or the plugin itself), or null when there is none
 */
public record InstalledPlugin(String id, String version, String requires, String description, Path archive,
    Path folder) {
  /** The file name in the plugins folder: the zip or jar, else the folder with a trailing {@code /}. */
  public String fileName() {
    return archive != null ? archive.getFileName().toString() : folder.getFileName() + "/";
  }
}
