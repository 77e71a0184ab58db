package dev.laminar.plugin.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads UTF-8 lines from a file channel while keeping the exact byte offset and line number of the
 * next unread line, so a reader's position can be restored by seeking. Lines end at {@code \n}; a
 * preceding {@code \r} is dropped. Not thread-safe.
 */
final class LineReader {
  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
  private byte[] line = new byte[256];
  /** Offset in the file of the next unread byte. */
  private long offset;
  /** Lines consumed so far (the 1-based number of the last line returned). */
  private long lineNumber;
  private boolean eof;

  LineReader(FileChannel channel) {
    this.channel = channel;
    buffer.flip();
  }

  /** Continues reading at byte {@code position}, which is the start of line {@code linesBefore + 1}. */
  void seek(long position, long linesBefore) throws IOException {
    channel.position(position);
    buffer.clear().flip();
    offset = position;
    lineNumber = linesBefore;
    eof = false;
  }

  long offset() {
    return offset;
  }

  long lineNumber() {
    return lineNumber;
  }

  /** The next line without its terminator, or {@code null} at the end of the file. */
  String readLine() throws IOException {
    int length = 0;
    boolean any = false;
    while (true) {
      if (!buffer.hasRemaining() && !fill()) {
        if (!any) {
          return null;
        }
        break;
      }
      any = true;
      byte b = buffer.get();
      offset++;
      if (b == '\n') {
        break;
      }
      if (length == line.length) {
        line = Arrays.copyOf(line, length * 2);
      }
      line[length++] = b;
    }
    lineNumber++;
    if (length > 0 && line[length - 1] == '\r') {
      length--;
    }
    return new String(line, 0, length, StandardCharsets.UTF_8);
  }

  /**
   * The next CSV record: a line, joined with the following lines while a quoted field is open (an odd
   * number of quote characters so far; an escaped quote is doubled, so it does not change parity).
   *
   * @return the record, or {@code null} at the end of the file
   * @throws UnterminatedQuoteException when the file ends inside a quoted field
   */
  String readCsvRecord() throws IOException, UnterminatedQuoteException {
    String first = readLine();
    if (first == null || quotes(first) % 2 == 0) {
      return first;
    }
    StringBuilder record = new StringBuilder(first);
    int quotes = quotes(first);
    while (quotes % 2 != 0) {
      String next = readLine();
      if (next == null) {
        throw new UnterminatedQuoteException();
      }
      record.append('\n').append(next);
      quotes += quotes(next);
    }
    return record.toString();
  }

  private static int quotes(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '"') {
        n++;
      }
    }
    return n;
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    buffer.clear();
    int n;
    do {
      n = channel.read(buffer);
    } while (n == 0);
    buffer.flip();
    if (n < 0) {
      eof = true;
      return false;
    }
    return true;
  }

  /** The file ended inside a quoted CSV field. */
  static final class UnterminatedQuoteException extends Exception {
    private static final long serialVersionUID = 1L;

    UnterminatedQuoteException() {
      super("the file ends inside a quoted field");
    }
  }
}
