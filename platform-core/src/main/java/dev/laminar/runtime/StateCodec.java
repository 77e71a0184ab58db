package dev.laminar.runtime;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes and reads the mutable state of the engine's own state objects (accumulators, generated
 * group states, group keys) for checkpoints, by their fields: non-final primitive and value fields,
 * nested accumulators, and the contents of final arrays and sets (mutated in place). Configuration
 * fields (final, not containers) are skipped: the restoring object was built from the same plan.
 * A field of a type it does not know fails with {@link NotCheckpointableException} — nothing is
 * silently left out. A {@link Custom} object writes itself (a plugin's aggregate accumulator, through the
 * function's serializer; one without a serializer refuses).
 */
public final class StateCodec {
  private static final ConcurrentHashMap<Class<?>, List<Field>> FIELDS = new ConcurrentHashMap<>();

  private StateCodec() {}

  /** State that checkpoints cannot capture yet. */
  public static final class NotCheckpointableException extends IllegalStateException {
    public NotCheckpointableException(String message) {
      super(message);
    }
  }

  /** State that writes and reads itself (the accumulator of a plugin's aggregate function, through its serializer). */
  public interface Custom {
    void writeState(DataOutput out) throws IOException;

    void readState(DataInput in) throws IOException;
  }

  public static void writeState(Object o, DataOutput out) throws IOException {
    if (o instanceof Custom c) {
      c.writeState(out);
      return;
    }
    try {
      for (Field f : fields(o.getClass())) {
        Class<?> t = f.getType();
        Object v = f.get(o);
        boolean fin = Modifier.isFinal(f.getModifiers());
        if (t == long.class) {
          out.writeLong(f.getLong(o));
        } else if (t == int.class) {
          out.writeInt(f.getInt(o));
        } else if (t == double.class) {
          out.writeDouble(f.getDouble(o));
        } else if (t == boolean.class) {
          out.writeBoolean(f.getBoolean(o));
        } else if (v != null && isNested(v)) {
          writeState(v, out);
        } else if (v instanceof Object[] arr && arr.getClass().getComponentType() != Object.class && isNestedType(arr.getClass().getComponentType())) {
          for (Object e : arr) {
            writeState(e, out);
          }
        } else if (fin && v instanceof long[] a) {
          for (long x : a) {
            out.writeLong(x);
          }
        } else if (fin && v instanceof boolean[] a) {
          for (boolean x : a) {
            out.writeBoolean(x);
          }
        } else if (fin && v instanceof byte[] a) {
          out.write(a);
        } else if (fin && v instanceof Object[] a && a.getClass().getComponentType() == Object.class) {
          for (Object x : a) {
            writeValue(x, out);
          }
        } else if (fin && v instanceof java.util.Set<?> c) {
          out.writeInt(c.size());
          for (Object x : c) {
            writeValue(x, out);
          }
        } else if (!fin) {
          writeValue(v, out);
        }
      }
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  public static void readState(Object o, DataInput in) throws IOException {
    if (o instanceof Custom c) {
      c.readState(in);
      return;
    }
    try {
      for (Field f : fields(o.getClass())) {
        Class<?> t = f.getType();
        Object v = f.get(o);
        boolean fin = Modifier.isFinal(f.getModifiers());
        if (t == long.class) {
          f.setLong(o, in.readLong());
        } else if (t == int.class) {
          f.setInt(o, in.readInt());
        } else if (t == double.class) {
          f.setDouble(o, in.readDouble());
        } else if (t == boolean.class) {
          f.setBoolean(o, in.readBoolean());
        } else if (v != null && isNested(v)) {
          readState(v, in);
        } else if (v instanceof Object[] arr && arr.getClass().getComponentType() != Object.class && isNestedType(arr.getClass().getComponentType())) {
          for (Object e : arr) {
            readState(e, in);
          }
        } else if (fin && v instanceof long[] a) {
          for (int i = 0; i < a.length; i++) {
            a[i] = in.readLong();
          }
        } else if (fin && v instanceof boolean[] a) {
          for (int i = 0; i < a.length; i++) {
            a[i] = in.readBoolean();
          }
        } else if (fin && v instanceof byte[] a) {
          in.readFully(a);
        } else if (fin && v instanceof Object[] a && a.getClass().getComponentType() == Object.class) {
          for (int i = 0; i < a.length; i++) {
            a[i] = readValue(in);
          }
        } else if (fin && v instanceof java.util.Set<?> c) {
          Collection<Object> target = (Collection<Object>) c;
          target.clear();
          int n = in.readInt();
          for (int i = 0; i < n; i++) {
            target.add(readValue(in));
          }
        } else if (!fin) {
          f.set(o, readValue(in));
        }
      }
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isNested(Object v) {
    return isNestedType(v.getClass());
  }

  private static boolean isNestedType(Class<?> c) {
    return dev.laminar.runtime.aggregate.Accumulator.class.isAssignableFrom(c)
        || dev.laminar.runtime.aggregate.GroupAccumulator.class.isAssignableFrom(c);
  }

  private static List<Field> fields(Class<?> c) {
    return FIELDS.computeIfAbsent(c, k -> {
      List<Field> out = new ArrayList<>();
      for (Class<?> x = k; x != null && x != Object.class; x = x.getSuperclass()) {
        for (Field f : x.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()) {
            f.setAccessible(true);
            out.add(f);
          }
        }
      }
      return List.copyOf(out);
    });
  }

  /** A value of a cell, a key component or a result: NULL, Java boxes of the SQL types, or a set element. */
  public static void writeValue(Object v, DataOutput out) throws IOException {
    switch (v) {
      case null -> out.writeByte(0);
      case Long l -> {
        out.writeByte(1);
        out.writeLong(l);
      }
      case Double d -> {
        out.writeByte(2);
        out.writeDouble(d);
      }
      case Boolean b -> {
        out.writeByte(3);
        out.writeBoolean(b);
      }
      case Integer i -> {
        out.writeByte(4);
        out.writeInt(i);
      }
      case String s -> {
        out.writeByte(5);
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
      }
      case BigDecimal d -> {
        out.writeByte(6);
        byte[] b = d.unscaledValue().toByteArray();
        out.writeInt(d.scale());
        out.writeInt(b.length);
        out.write(b);
      }
      case byte[] b -> {
        out.writeByte(7);
        out.writeInt(b.length);
        out.write(b);
      }
      case LocalDateTime t -> {
        out.writeByte(8);
        out.writeLong(t.toEpochSecond(ZoneOffset.UTC));
        out.writeInt(t.getNano());
      }
      case java.nio.ByteBuffer bb -> {
        out.writeByte(9);
        byte[] b = new byte[bb.remaining()];
        bb.duplicate().get(b);
        out.writeInt(b.length);
        out.write(b);
      }
      default -> throw new NotCheckpointableException("cannot checkpoint a value of type " + v.getClass().getName());
    }
  }

  public static Object readValue(DataInput in) throws IOException {
    int tag = in.readByte();
    return switch (tag) {
      case 0 -> null;
      case 1 -> in.readLong();
      case 2 -> in.readDouble();
      case 3 -> in.readBoolean();
      case 4 -> in.readInt();
      case 5 -> {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        yield new String(b, java.nio.charset.StandardCharsets.UTF_8);
      }
      case 6 -> {
        int scale = in.readInt();
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        yield new BigDecimal(new BigInteger(b), scale);
      }
      case 7 -> {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        yield b;
      }
      case 8 -> LocalDateTime.ofEpochSecond(in.readLong(), in.readInt(), ZoneOffset.UTC);
      case 9 -> {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        yield java.nio.ByteBuffer.wrap(b);
      }
      default -> throw new IOException("corrupt state: unknown value tag " + tag);
    };
  }
}
