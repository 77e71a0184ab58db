package dev.laminar.plugin.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A prepared Kafka transaction: the handle an exactly-once sink returns from {@code preCommit} and the
 * engine passes back to {@code commit} or {@code abort}.
 *
 * @param transactionalId the producer's transactional id
 * @param producerId the producer id that owns the open transaction
 * @param epoch the producer epoch of the open transaction
 * @param transactionV2 whether the transaction runs under Kafka's transaction protocol version 2 (KIP-890)
 */
record PreparedTransaction(String transactionalId, long producerId, short epoch, boolean transactionV2) {
  private static final byte VERSION = 1;

  byte[] toBytes() {
    byte[] id = transactionalId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + 8 + 2 + 1 + 4 + id.length).put(VERSION).putLong(producerId).putShort(epoch)
        .put((byte) (transactionV2 ? 1 : 0))
        .putInt(id.length).put(id).array();
  }

  /** The transaction of a handle, or {@code null} for an empty handle (an epoch without rows). */
  static PreparedTransaction fromBytes(byte[] handle) {
    if (handle == null || handle.length == 0) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(handle);
    if (b.get() != VERSION || handle.length < 16) {
      throw new IllegalArgumentException("not a kafka sink commit handle (" + handle.length + " bytes)");
    }
    long producerId = b.getLong();
    short epoch = b.getShort();
    boolean v2 = b.get() == 1;
    byte[] id = new byte[b.getInt()];
    b.get(id);
    return new PreparedTransaction(new String(id, StandardCharsets.UTF_8), producerId, epoch, v2);
  }
}
