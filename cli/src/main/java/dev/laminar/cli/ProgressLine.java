package dev.laminar.cli;

import dev.laminar.plugin.directory.InstallListener;
import java.io.PrintStream;

/**
 * Download progress on stderr: {@code downloading file-1.0.0.zip: 65536/131072 bytes (50%)}. On a
 * terminal the line is rewritten in place a few times a second; otherwise only the final line is
 * printed, so logs and pipes get one line per download.
 */
final class ProgressLine implements InstallListener {
  private static final long REFRESH_NANOS = 100_000_000L;

  private final PrintStream err;
  private final boolean interactive;
  private String fileName = "";
  private long lastPrinted;

  ProgressLine(PrintStream err, boolean interactive) {
    this.err = err;
    this.interactive = interactive;
  }

  @Override
  public void downloadStarted(String fileName, long total) {
    this.fileName = fileName;
    this.lastPrinted = System.nanoTime();
    if (interactive) {
      err.print("\r" + line(0, total));
      err.flush();
    }
  }

  @Override
  public void downloadProgress(long done, long total) {
    long now = System.nanoTime();
    if (interactive && now - lastPrinted >= REFRESH_NANOS) {
      lastPrinted = now;
      err.print("\r" + line(done, total));
      err.flush();
    }
  }

  @Override
  public void downloadFinished(long done, long total) {
    err.println((interactive ? "\r" : "") + line(done, total));
  }

  @Override
  public void warning(String message) {
    err.println("laminar: warning: " + message);
  }

  private String line(long done, long total) {
    if (total < 0) {
      return "downloading " + fileName + ": " + done + " bytes";
    }
    long percent = total == 0 ? 100 : done * 100 / total;
    return "downloading " + fileName + ": " + done + "/" + total + " bytes (" + percent + "%)";
  }
}
