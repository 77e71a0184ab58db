package ${package};

import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.source.PollStatus;
import dev.laminar.sdk.source.SourceReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the file line by line. Lines end with LF or CRLF; the last line needs no line end. The position
 * is the byte offset of the next line and its line number, so a restored reader seeks straight there.
 *
 * <p>All methods run on one engine source thread. {@code poll} reads at most a batch of lines and returns
 * {@link PollStatus#FINISHED} at the end of the file. A bad record (a line longer than
 * {@code max-line-bytes}, or not valid UTF-8) fails the source naming file and line, or with
 * {@code 'bad-records' = 'skip'} is skipped with a warning: it is never dropped silently.
 */
final class LinesReader implements SourceReader {
  private static final Logger LOG = LoggerFactory.getLogger(LinesReader.class);
  private static final int POSITION_BYTES = 2 * Long.BYTES;
  private static final int END_OF_FILE = -1;

  private final LinesSettings settings;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final byte[] buffer = new byte[64 * 1024];
  private int bufferPosition;
  private int bufferLimit;
  private byte[] line = new byte[256];
  private long offset;
  private long lineNumber = 1;
  private InputStream in;

  LinesReader(LinesSettings settings) {
    this.settings = settings;
  }

  @Override
  public void restore(byte[] position) {
    if (position.length != POSITION_BYTES) {
      throw new IllegalArgumentException("'" + settings.objectName() + "': a position of connector '"
          + LinesConnectorFactory.ID + "' has " + POSITION_BYTES + " bytes, this one " + position.length);
    }
    ByteBuffer bytes = ByteBuffer.wrap(position);
    offset = bytes.getLong();
    lineNumber = bytes.getLong();
  }

  @Override
  public void open() throws IOException {
    FileChannel channel = FileChannel.open(settings.path(), StandardOpenOption.READ);
    try {
      channel.position(offset);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    in = Channels.newInputStream(channel);
  }

  @Override
  public PollStatus poll(BatchWriter out) throws IOException {
    final int max = settings.maxLineBytes();
    while (!out.isFull()) {
      int length = readLine();
      if (length == END_OF_FILE) {
        return PollStatus.FINISHED;
      }
      if (length > max) {
        badRecord("line is longer than " + max + " bytes (option '" + LinesConnectorFactory.MAX_LINE_BYTES + "')");
        continue;
      }
      String text = decode(length);
      if (text == null) {
        badRecord("line is not valid UTF-8");
        continue;
      }
      out.beginRow();
      out.setString(0, text);
      out.endRow();
    }
    return PollStatus.MORE_AVAILABLE;
  }

  @Override
  public byte[] position() {
    return ByteBuffer.allocate(POSITION_BYTES).putLong(offset).putLong(lineNumber).array();
  }

  @Override
  public void close() throws IOException {
    InputStream open = in;
    in = null;
    if (open != null) {
      open.close();
    }
  }

  /**
   * Reads the next line and advances the position past its line end. Keeps at most
   * {@code max-line-bytes + 1} bytes of it in {@link #line}; the rest of a longer line is passed over.
   *
   * @return the line's length in bytes without the line end, or {@link #END_OF_FILE}
   */
  private int readLine() throws IOException {
    final int max = settings.maxLineBytes();
    int length = 0;
    long consumed = 0;
    boolean lastWasCr = false;
    int b;
    while ((b = nextByte()) >= 0) {
      consumed++;
      if (b == '\n') {
        break;
      }
      if (length <= max) { // one byte of slack for the CR of a CRLF
        if (length == line.length) {
          line = Arrays.copyOf(line, Math.min(2 * line.length, max + 1));
        }
        line[length] = (byte) b;
      }
      length++;
      lastWasCr = b == '\r';
    }
    if (consumed == 0) {
      return END_OF_FILE;
    }
    if (b == '\n' && lastWasCr) {
      length--;
    }
    offset += consumed;
    lineNumber++;
    return length;
  }

  private int nextByte() throws IOException {
    if (bufferPosition == bufferLimit) {
      int n = in.read(buffer);
      if (n <= 0) {
        return -1;
      }
      bufferPosition = 0;
      bufferLimit = n;
    }
    return buffer[bufferPosition++] & 0xFF;
  }

  /** The line just read as a string, or {@code null} when it is not valid UTF-8. */
  private String decode(int length) {
    try {
      return decoder.decode(ByteBuffer.wrap(line, 0, length)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Applies the bad-record policy to the line just read. */
  private void badRecord(String problem) throws IOException {
    String where = "'" + settings.objectName() + "': " + settings.path() + ":" + (lineNumber - 1);
    if (!settings.skipBadRecords()) {
      throw new IOException(where + ": " + problem + " (option '" + LinesConnectorFactory.BAD_RECORDS
          + "' = 'skip' would pass it over)");
    }
    LOG.warn("{}: {}: line skipped (option '{}' = 'skip')", where, problem, LinesConnectorFactory.BAD_RECORDS);
  }
}
