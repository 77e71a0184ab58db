package dev.laminar.plugin.directory;

/**
 * A failure of the plugin directory meant for users: an unreachable or malformed index, an unknown
 * plugin or version, an incompatible SDK range, a checksum mismatch, an unreadable plugins folder.
 * The message names the plugin, the version and the index or file concerned.
 */
public final class PluginDirectoryException extends RuntimeException {
  public PluginDirectoryException(String message) {
    super(message);
  }

  public PluginDirectoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
