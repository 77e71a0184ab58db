package dev.laminar.plugin.directory;

/** What the {@link PluginInstaller} tells its user while it works; every method has a silent default. */
public interface InstallListener {
  /** No output. */
  InstallListener SILENT = new InstallListener() {};

  /** A download of {@code fileName} starts; {@code total} bytes, or -1 when unknown. */
  default void downloadStarted(String fileName, long total) {}

  /** {@code done} bytes of the download have arrived (called often: throttle any output). */
  default void downloadProgress(long done, long total) {}

  /** The download is complete with {@code done} bytes. */
  default void downloadFinished(long done, long total) {}

  /** Something the user should know that does not stop the installation. */
  default void warning(String message) {}
}
