package dev.laminar.durability.checkpoint;

import dev.laminar.durability.checkpoint.CheckpointManifest.OperatorSnapshot;
import dev.laminar.durability.checkpoint.CheckpointManifest.SinkPreCommit;
import dev.laminar.durability.checkpoint.CheckpointManifest.SourcePosition;
import dev.laminar.durability.checkpoint.CheckpointManifest.Watermark;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Binary form of a manifest: magic {@code LMCK}, format version, the fields (big-endian, strings as
 * modified UTF-8, byte arrays length-prefixed), then a CRC32C of everything before it. A manifest
 * that is short, has another magic or version, or fails the checksum is rejected with the reason.
 */
final class ManifestCodec {
  static final int MAGIC = 0x4C4D434B; // "LMCK"
  static final int VERSION = 1;

  private ManifestCodec() {}

  static byte[] encode(CheckpointManifest m) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeLong(m.epoch());
      out.writeLong(m.createdMillis());
      out.writeLong(m.walLsn());
      out.writeInt(m.sources().size());
      for (SourcePosition s : m.sources()) {
        out.writeUTF(s.source());
        out.writeUTF(s.split());
        writeBytes(out, s.position());
      }
      out.writeInt(m.operators().size());
      for (OperatorSnapshot o : m.operators()) {
        out.writeUTF(o.operator());
        out.writeInt(o.files().size());
        for (String f : o.files()) {
          out.writeUTF(f);
        }
      }
      out.writeInt(m.watermarks().size());
      for (Watermark w : m.watermarks()) {
        out.writeUTF(w.stream());
        out.writeLong(w.millis());
      }
      out.writeInt(m.sinks().size());
      for (SinkPreCommit s : m.sinks()) {
        out.writeUTF(s.sink());
        writeBytes(out, s.handle());
      }
      CRC32C crc = new CRC32C();
      crc.update(bytes.toByteArray());
      out.writeInt((int) crc.getValue());
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new AssertionError("in-memory stream", e);
    }
  }

  /** Decodes a manifest or throws {@link CorruptManifestException} saying what is wrong. */
  static CheckpointManifest decode(byte[] data) throws CorruptManifestException {
    if (data.length < 12) {
      throw new CorruptManifestException("too short (" + data.length + " bytes): partial write");
    }
    CRC32C crc = new CRC32C();
    crc.update(data, 0, data.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(data, data.length - 4, 4).getInt()) {
      throw new CorruptManifestException("checksum mismatch (" + data.length + " bytes): corrupt or partial write");
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 4));
      if (in.readInt() != MAGIC) {
        throw new CorruptManifestException("not a manifest (bad magic)");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new CorruptManifestException("unsupported manifest version " + version);
      }
      long epoch = in.readLong();
      long created = in.readLong();
      long walLsn = in.readLong();
      List<SourcePosition> sources = new ArrayList<>();
      for (int i = count(in); i > 0; i--) {
        sources.add(new SourcePosition(in.readUTF(), in.readUTF(), readBytes(in)));
      }
      List<OperatorSnapshot> operators = new ArrayList<>();
      for (int i = count(in); i > 0; i--) {
        String op = in.readUTF();
        List<String> files = new ArrayList<>();
        for (int f = count(in); f > 0; f--) {
          files.add(in.readUTF());
        }
        operators.add(new OperatorSnapshot(op, files));
      }
      List<Watermark> watermarks = new ArrayList<>();
      for (int i = count(in); i > 0; i--) {
        watermarks.add(new Watermark(in.readUTF(), in.readLong()));
      }
      List<SinkPreCommit> sinks = new ArrayList<>();
      for (int i = count(in); i > 0; i--) {
        sinks.add(new SinkPreCommit(in.readUTF(), readBytes(in)));
      }
      if (in.available() != 0) {
        throw new CorruptManifestException(in.available() + " unexpected trailing bytes");
      }
      return new CheckpointManifest(epoch, created, walLsn, sources, operators, watermarks, sinks);
    } catch (EOFException | IllegalArgumentException e) {
      throw new CorruptManifestException("malformed content: " + e);
    } catch (IOException e) {
      throw new AssertionError("in-memory stream", e);
    }
  }

  private static int count(DataInputStream in) throws IOException, CorruptManifestException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new CorruptManifestException("bad element count " + n);
    }
    return n;
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException, CorruptManifestException {
    byte[] b = new byte[count(in)];
    in.readFully(b);
    return b;
  }
}
