package dev.laminar.plugin.file;

import java.nio.ByteBuffer;

/**
 * Where a file split's reader stands: the byte offset of the next unread line and the number of lines
 * before it (for line numbers in messages). Serialized as a version byte and two longs.
 *
 * @param offset byte offset of the next record
 * @param linesBefore lines consumed before that offset
 */
record SplitPosition(long offset, long linesBefore) {
  private static final byte VERSION = 1;
  private static final int SIZE = 1 + Long.BYTES * 2;

  static final SplitPosition START = new SplitPosition(0, 0);

  byte[] toBytes() {
    return ByteBuffer.allocate(SIZE).put(VERSION).putLong(offset).putLong(linesBefore).array();
  }

  /**
   * @throws IllegalArgumentException when {@code bytes} is not a position written by this connector
   */
  static SplitPosition fromBytes(byte[] bytes) {
    if (bytes == null || bytes.length != SIZE || bytes[0] != VERSION) {
      throw new IllegalArgumentException("connector 'file': not a file split position ("
          + (bytes == null ? "null" : bytes.length + " bytes") + ")");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 1, SIZE - 1);
    long offset = b.getLong();
    long lines = b.getLong();
    if (offset < 0 || lines < 0) {
      throw new IllegalArgumentException("connector 'file': corrupt file split position " + offset + "/" + lines);
    }
    return new SplitPosition(offset, lines);
  }
}
