package dev.laminar.plugin.file;

import com.fasterxml.jackson.databind.ObjectReader;
import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.source.PollStatus;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.type.Schema;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one file of a {@code file} source, record by record. Blank lines are skipped. A record that
 * cannot be decoded fails the poll with a {@link BadRecordException} ({@code bad-records = fail}) or
 * is logged at WARN with file and line and counted in {@link #skippedRecords()} ({@code skip}).
 *
 * <p>The position is the byte offset and line count after the last record handed over; restoring
 * seeks there (the CSV header is read again from the top of the file).
 */
public final class FileSourceReader implements SourceReader {
  private static final Logger LOG = LoggerFactory.getLogger(FileSourceReader.class);
  /** Records examined per poll at most, so a long run of skipped records still returns within the poll budget. */
  private static final int MAX_RECORDS_PER_POLL = 4096;

  private final Path file;
  private final String fileName;
  private final Schema schema;
  private final FileSettings settings;
  private SplitPosition position = SplitPosition.START;
  private FileChannel channel;
  private LineReader lines;
  private RecordDecoder decoder;
  private long skipped;
  private boolean finished;
  private boolean closed;

  FileSourceReader(Path file, Schema schema, FileSettings settings) {
    this.file = file;
    this.fileName = file.toString();
    this.schema = schema;
    this.settings = settings;
  }

  /** How many bad records this reader skipped (only with {@code bad-records = skip}). */
  public long skippedRecords() {
    return skipped;
  }

  @Override
  public void restore(byte[] bytes) {
    position = SplitPosition.fromBytes(bytes);
  }

  @Override
  public void open() throws IOException, BadRecordException {
    channel = FileChannel.open(file, StandardOpenOption.READ);
    if (position.offset() > channel.size()) {
      throw new IOException(fileName + ": cannot resume at byte " + position.offset() + " (line " + (position.linesBefore() + 1)
          + "): the file has only " + channel.size() + " bytes; was it replaced?");
    }
    lines = new LineReader(channel);
    if (settings.format() == FileFormat.JSON) {
      lines.seek(position.offset(), position.linesBefore());
      decoder = new JsonRecordDecoder(schema, settings.changelogColumn());
    } else {
      decoder = openCsv();
    }
  }

  /** Reads the header when there is one (leaving the reader after it) and returns the CSV decoder. */
  private RecordDecoder openCsv() throws IOException, BadRecordException {
    ObjectReader fields = CsvRecordDecoder.fieldReader(settings.csvDelimiter());
    if (!settings.csvHeader()) {
      lines.seek(position.offset(), position.linesBefore());
      return CsvRecordDecoder.byPosition(fields, schema, settings.changelogColumn() != null);
    }
    String header;
    try {
      do {
        header = lines.readCsvRecord();
      } while (header != null && header.isBlank());
    } catch (LineReader.UnterminatedQuoteException e) {
      throw new BadRecordException(fileName, 1, "header: " + e.getMessage());
    }
    if (header == null) {
      finished = true; // an empty file: no header, no rows
      return CsvRecordDecoder.byPosition(fields, schema, settings.changelogColumn() != null);
    }
    CsvRecordDecoder decoder;
    try {
      decoder = CsvRecordDecoder.byHeader(fields, schema, settings.changelogColumn(), CsvRecordDecoder.fields(fields, header));
    } catch (IllegalArgumentException e) {
      throw new BadRecordException(fileName, lines.lineNumber(), e.getMessage());
    }
    if (position.offset() > lines.offset()) {
      lines.seek(position.offset(), position.linesBefore());
    }
    position = new SplitPosition(lines.offset(), lines.lineNumber());
    return decoder;
  }

  @Override
  public PollStatus poll(BatchWriter out) throws IOException, BadRecordException {
    if (finished) {
      return PollStatus.FINISHED;
    }
    final LineReader in = lines;
    final boolean csv = settings.format() == FileFormat.CSV;
    for (int examined = 0; examined < MAX_RECORDS_PER_POLL && !out.isFull(); examined++) {
      long line = in.lineNumber() + 1;
      String record;
      try {
        record = csv ? in.readCsvRecord() : in.readLine();
      } catch (LineReader.UnterminatedQuoteException e) {
        badRecord(line, e.getMessage());
        record = null; // the rest of the file was consumed looking for the closing quote
      }
      if (record == null) {
        finished = true;
        position = new SplitPosition(in.offset(), in.lineNumber());
        return PollStatus.FINISHED;
      }
      if (!record.isBlank()) {
        out.beginRow();
        try {
          decoder.decode(record, out);
          out.endRow();
        } catch (IllegalArgumentException e) {
          out.cancelRow();
          badRecord(line, e.getMessage());
        }
      }
      position = new SplitPosition(in.offset(), in.lineNumber());
    }
    return PollStatus.MORE_AVAILABLE;
  }

  private void badRecord(long line, String reason) throws BadRecordException {
    BadRecordException bad = new BadRecordException(fileName, line, reason);
    if (!settings.skipBadRecords()) {
      throw bad;
    }
    skipped++;
    LOG.warn("skipping bad record at {}", bad.getMessage());
  }

  @Override
  public byte[] position() {
    return position.toBytes();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (channel != null) {
      channel.close();
    }
  }
}
