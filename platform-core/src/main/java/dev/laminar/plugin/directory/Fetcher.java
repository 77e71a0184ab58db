package dev.laminar.plugin.directory;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Opens {@code file:} and {@code http(s):} URIs for reading: an index's {@code plugins.json} and the
 * zips it points to. HTTP uses the JDK's {@link HttpClient} (redirects followed, connect timeout 10 s);
 * any status but 200 is an error. Closing it closes its HTTP client.
 */
public final class Fetcher implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);

  private HttpClient http;

  /**
   * An open body and its length in bytes ({@code -1} when the server does not say).
   *
   * @param stream the bytes, to be closed by the caller
   * @param length the number of bytes, or -1 when unknown
   */
  public record Body(InputStream stream, long length) implements Closeable {
    @Override
    public void close() throws IOException {
      stream.close();
    }
  }

  /**
   * Opens {@code uri}; a missing file is a {@link NoSuchFileException}, an HTTP error status an
   * {@link IOException} whose message is {@code HTTP <status>}.
   */
  public Body open(URI uri) throws IOException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    return switch (scheme) {
      case "file" -> {
        Path path = Path.of(uri);
        yield new Body(Files.newInputStream(path), Files.size(path));
      }
      case "http", "https" -> openHttp(uri);
      default -> throw new IOException("unsupported URL scheme '" + scheme + "' (file, http and https are)");
    };
  }

  private Body openHttp(URI uri) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
    if (response.statusCode() != 200) {
      response.body().close();
      throw new IOException("HTTP " + response.statusCode());
    }
    return new Body(response.body(), response.headers().firstValueAsLong("content-length").orElse(-1));
  }

  private synchronized HttpClient client() {
    if (http == null) {
      http = HttpClient.newBuilder()
          .connectTimeout(CONNECT_TIMEOUT)
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();
    }
    return http;
  }

  @Override
  public synchronized void close() {
    if (http != null) {
      http.close();
      http = null;
    }
  }

  /** What went wrong, in words: the JDK leaves the message of some of these null or terse. */
  static String reason(IOException e) {
    return switch (e) {
      case NoSuchFileException n -> "no such file";
      case AccessDeniedException a -> "permission denied";
      case HttpConnectTimeoutException t -> "connection timed out";
      case HttpTimeoutException t -> "timed out";
      case ConnectException c -> c.getMessage() == null || c.getMessage().isBlank() ? "connection refused" : c.getMessage();
      case UnknownHostException u -> "unknown host " + u.getMessage();
      default -> e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    };
  }
}
