package dev.laminar.runtime.codegen;

import dev.laminar.runtime.aggregate.AggregateKind;
import dev.laminar.runtime.aggregate.AggregateSpec;
import dev.laminar.runtime.aggregate.SlotSets;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.TypeKind;

/**
 * Turns a query's aggregate calls into the Java source of one {@code GroupAccumulatorFactory} class
 * whose nested {@code Group} class keeps every call's state in primitive fields and updates them
 * straight from the batch's columns: no {@code Accumulator} objects, no dispatch per call, no
 * boxing, and no allocation except for wide DECIMALs (a compact DECIMAL sum is a 128-bit integer in two longs).
 *
 * <p>Each call's update is its own private method (small enough for the JIT to inline), guarded by
 * its FILTER column when it has one. The semantics are those of the interpreted accumulators in
 * {@link AggregateSpec} (docs/SQL.md), which the differential tests compare it with; results that
 * take more than a line are written by the same {@code AggregateResults} helpers. Calls it does not
 * generate ({@link #generates}: COUNT(DISTINCT), APPROX_COUNT_DISTINCT, plugin aggregates) keep
 * their interpreted {@code Accumulator} in a field of the group and are called through it.
 *
 * <p>When no call keeps an interpreted accumulator, the group also implements {@code SlotAccumulator}:
 * {@code load}/{@code store} of its fields at fixed offsets of a memory segment ({@code slotBytes()}), so
 * that the off-heap window operators keep each group's state in a state-store slot and use one instance
 * of the class as a cursor. In that form ({@code stored}, when no call is a plugin aggregate) COUNT(DISTINCT) and
 * APPROX_COUNT_DISTINCT are generated too: the slot holds the handle of the call's set in the operator's
 * {@code SlotSets} and the call's result.
 */
final class AggregateCodeGenerator {
  static final String CLASS_NAME = "dev.laminar.generated.GeneratedAggregates";
  private static final String DECIMAL = "java.math.BigDecimal";

  private final StringBuilder fields = new StringBuilder();
  private final StringBuilder init = new StringBuilder();
  private final StringBuilder calls = new StringBuilder();
  private final StringBuilder updates = new StringBuilder();
  private final StringBuilder merge = new StringBuilder();
  private final StringBuilder write = new StringBuilder();
  /** Every field of the group state, in declaration order: name and Java type. */
  private final java.util.List<String[]> stateFields = new java.util.ArrayList<>();
  /** Whether some call keeps an interpreted accumulator (its state is an object). */
  private boolean interpretedCall;
  /** The state-store form: distinct counts in {@code SlotSets} (see the class comment). */
  private final boolean stored;

  private AggregateCodeGenerator(boolean stored) {
    this.stored = stored;
  }

  /** Whether the call's state and update are generated (else its interpreted accumulator is embedded). */
  static boolean generates(AggregateSpec spec) {
    return switch (spec.kind()) {
      case COUNT_DISTINCT, APPROX_COUNT_DISTINCT, PLUGIN -> false;
      default -> true;
    };
  }

  /**
   * Whether, in the state-store form, the calls' distinct counts and plugin accumulators go into {@code SlotSets}:
   * every plugin aggregate among them can write its accumulators (an accumulator serializer).
   */
  static boolean setsInSlots(AggregateSpec[] specs) {
    for (AggregateSpec s : specs) {
      if (s.kind() == AggregateKind.PLUGIN && !s.plugin().serializable()) {
        return false;
      }
    }
    return true;
  }

  /** Whether the call is generated in the given form (else its interpreted accumulator is embedded). */
  static boolean generates(AggregateSpec spec, AggregateSpec[] specs, boolean stored) {
    return generates(spec) || (stored && setsInSlots(specs));
  }

  /**
   * The source of the factory class for these calls; it depends only on their kinds, columns and types, and on
   * {@code stored} (the state-store form: distinct counts in {@code SlotSets}).
   */
  static String generate(AggregateSpec[] specs, boolean stored) {
    return new AggregateCodeGenerator(stored).run(specs);
  }

  /** The state's fixed slot size for these calls, or -1 (see {@link #slotBytes()}). */
  static int slotBytes(AggregateSpec[] specs, boolean stored) {
    AggregateCodeGenerator g = new AggregateCodeGenerator(stored);
    g.run(specs);
    return g.slotBytes();
  }

  private String run(AggregateSpec[] specs) {
    for (int i = 0; i < specs.length; i++) {
      AggregateSpec s = specs[i];
      if (!generates(s, specs, stored)) {
        fallback(i);
        continue;
      }
      calls.append("      u").append(i).append("(in, r);\n");
      updates.append("    private void u").append(i).append("(ColumnarBatch in, int r) {\n");
      if (s.filterColumn() >= 0) {
        updates.append("      if (in.isNull(r, ").append(s.filterColumn()).append(") || in.getLong(r, ").append(s.filterColumn())
            .append(") == 0L) {\n        return;\n      }\n");
      }
      call(i, s);
      updates.append("    }\n\n");
    }
    int dot = CLASS_NAME.lastIndexOf('.');
    String simple = CLASS_NAME.substring(dot + 1);
    int slotBytes = slotBytes();
    String slotCode = slotBytes < 0 ? "" : slotCode();
    return "package " + CLASS_NAME.substring(0, dot) + ";\n\n"
        + "import dev.laminar.runtime.ColumnarBatch;\n"
        + "import dev.laminar.runtime.aggregate.Accumulator;\n"
        + "import dev.laminar.runtime.aggregate.AggregateResults;\n"
        + "import dev.laminar.runtime.aggregate.AggregateSpec;\n"
        + "import dev.laminar.runtime.aggregate.GroupAccumulator;\n\n"
        + "public final class " + simple + " implements dev.laminar.runtime.aggregate.GroupAccumulatorFactory {\n"
        + "  private final AggregateSpec[] specs;\n\n"
        + "  public " + simple + "(AggregateSpec[] specs) {\n    this.specs = specs;\n  }\n\n"
        + "  public GroupAccumulator create() {\n    return new Group(specs);\n  }\n\n"
        + "  public boolean isCompiled() {\n    return true;\n  }\n\n"
        + "  public int slotBytes() {\n    return " + slotBytes + ";\n  }\n\n"
        + "  public int[] slotObjectWords() {\n    return new int[] {" + objectWords() + "};\n  }\n\n"
        + "  public int[] slotSetWords() {\n    return new int[] {" + setWords() + "};\n  }\n\n"
        + "  public AggregateSpec[] specs() {\n    return specs;\n  }\n\n"
        + "  public static final class Group implements " + (slotBytes < 0 ? "GroupAccumulator" : "dev.laminar.runtime.aggregate.SlotAccumulator")
        + " {\n"
        + "    private final AggregateSpec[] specs;\n"
        + fields
        + "\n    Group(AggregateSpec[] specs) {\n      this.specs = specs;\n" + init + "    }\n\n"
        + "    public void add(ColumnarBatch in, int r) {\n" + calls + "    }\n\n"
        + updates
        + "    public void merge(GroupAccumulator other) {\n      Group o = (Group) other;\n" + merge + "    }\n\n"
        + "    public void writeResults(ColumnarBatch out, int o, int c) {\n" + write + "    }\n\n"
        + slotCode
        + "  }\n}\n";
  }

  /**
   * The fixed slot size of the state when no call keeps an interpreted accumulator (longs, doubles and object
   * values 8 bytes each — an object as its {@code SlotObjects} id — then the booleans as bits of 8-byte words),
   * else -1.
   */
  private int slotBytes() {
    if (interpretedCall) {
      return -1;
    }
    int wide = 0;
    int flags = 0;
    for (String[] f : stateFields) {
      if (f[1].equals("boolean")) {
        flags++;
      } else {
        wide++;
      }
    }
    return Math.max(8, 8 * (wide + (flags + 63) / 64));
  }

  private static boolean isObject(String type) {
    return !type.equals("long") && !type.equals("double") && !type.equals("boolean");
  }

  /** The slot offsets of the object values' id words, comma-separated (the layout of {@link #slotCode}). */
  private String objectWords() {
    StringBuilder words = new StringBuilder();
    int at = 0;
    for (String[] f : stateFields) {
      if (f[1].equals("boolean")) {
        continue;
      }
      if (isObject(f[1])) {
        words.append(words.isEmpty() ? "" : ", ").append(at);
      }
      at += 8;
    }
    return words.toString();
  }

  /** Offset, call and kind of the set handles' words, comma-separated (the layout of {@link #slotCode}). */
  private String setWords() {
    StringBuilder words = new StringBuilder();
    int at = 0;
    for (String[] f : stateFields) {
      if (f[1].equals("boolean")) {
        continue;
      }
      if (f.length > 2) {
        words.append(words.isEmpty() ? "" : ", ").append(at).append(", ").append(f[2]).append(", ").append(f[3]);
      }
      at += 8;
    }
    return words.toString();
  }

  /**
   * {@code load} / {@code store} of the SlotAccumulator: each long and double at its fixed offset, then the
   * booleans packed into bit words (one access for all of them), the layout of {@link #slotBytes()}.
   */
  private String slotCode() {
    StringBuilder load = new StringBuilder();
    StringBuilder store = new StringBuilder();
    StringBuilder objectFields = new StringBuilder();
    int at = 0;
    for (String[] f : stateFields) {
      if (f[1].equals("boolean")) {
        continue;
      }
      if (isObject(f[1])) { // its id in the bound SlotObjects, plus one (0: null); the value loaded keeps its id
        String id = "loadedId" + at;
        String value = "loadedValue" + at;
        objectFields.append("    private long ").append(id).append(";\n    private Object ").append(value).append(";\n");
        load.append("      ").append(id).append(" = m.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, at + ").append(at)
            .append("L);\n      ").append(f[0]).append(" = ").append(id).append(" == 0L ? null : (").append(f[1])
            .append(") objects.value(").append(id).append(" - 1L);\n      ").append(value).append(" = ").append(f[0]).append(";\n");
        store.append("      m.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, at + ").append(at).append("L, ").append(f[0])
            .append(" == null ? 0L : ").append(f[0]).append(" == ").append(value).append(" ? ").append(id).append(" : objects.id(")
            .append(f[0]).append(") + 1L);\n");
        at += 8;
        continue;
      }
      String layout = f[1].equals("long") ? "java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED"
          : "java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED";
      load.append("      ").append(f[0]).append(" = m.get(").append(layout).append(", at + ").append(at).append("L);\n");
      store.append("      m.set(").append(layout).append(", at + ").append(at).append("L, ").append(f[0]).append(");\n");
      at += 8;
    }
    int bit = 0;
    StringBuilder word = new StringBuilder();
    for (String[] f : stateFields) {
      if (!f[1].equals("boolean")) {
        continue;
      }
      if (bit == 0) {
        load.append("      long bits").append(at).append(" = m.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, at + ").append(at)
            .append("L);\n");
        word.setLength(0);
        word.append("0L");
      }
      load.append("      ").append(f[0]).append(" = (bits").append(at).append(" & ").append(1L << bit).append("L) != 0L;\n");
      word.append(" | (").append(f[0]).append(" ? ").append(1L << bit).append("L : 0L)");
      if (++bit == 64) {
        store.append("      m.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, at + ").append(at).append("L, ").append(word).append(");\n");
        at += 8;
        bit = 0;
      }
    }
    if (bit > 0) {
      store.append("      m.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, at + ").append(at).append("L, ").append(word).append(");\n");
    }
    StringBuilder releaseSets = new StringBuilder();
    for (String[] f : stateFields) {
      if (f.length > 2) {
        releaseSets.append("      if (").append(f[0]).append(" != 0L) {\n        sets.drop(").append(f[2]).append(", ").append(f[0])
            .append(");\n        ").append(f[0]).append(" = 0L;\n      }\n");
      }
    }
    return "    private dev.laminar.runtime.aggregate.SlotObjects objects;\n"
        + "    private dev.laminar.runtime.aggregate.SlotSets sets;\n" + objectFields + "\n"
        + "    public void bind(dev.laminar.runtime.aggregate.SlotObjects objects) {\n      this.objects = objects;\n    }\n\n"
        + "    public void bindSets(dev.laminar.runtime.aggregate.SlotSets sets) {\n      this.sets = sets;\n    }\n\n"
        + "    public void releaseSets() {\n" + releaseSets + "    }\n\n"
        + "    public void load(java.lang.foreign.MemorySegment m, long at) {\n" + load + "    }\n\n"
        + "    public void store(java.lang.foreign.MemorySegment m, long at) {\n" + store + "    }\n\n";
  }

  private void fallback(int i) {
    interpretedCall = true;
    fields.append("    private final Accumulator a").append(i).append(";\n");
    init.append("      this.a").append(i).append(" = specs[").append(i).append("].create();\n");
    calls.append("      a").append(i).append(".add(in, r);\n");
    merge.append("      a").append(i).append(".merge(o.a").append(i).append(");\n");
    write.append("      a").append(i).append(".writeResult(out, o, c + ").append(i).append(");\n");
  }

  private void call(int i, AggregateSpec s) {
    DataType t = s.argumentType();
    TypeKind in = t == null ? null : t.kind();
    int arg = s.argument();
    switch (s.kind()) {
      case COUNT_STAR, COUNT -> count(i, s.kind() == AggregateKind.COUNT ? arg : -1);
      case SUM -> {
        if (in == TypeKind.DECIMAL) {
          decimalSum(i, arg, t, false);
        } else {
          sum(i, arg, in == TypeKind.DOUBLE ? "double" : "long");
        }
      }
      case AVG -> {
        if (in == TypeKind.DECIMAL) {
          decimalSum(i, arg, t, true);
        } else {
          average(i, arg, in == TypeKind.DOUBLE);
        }
      }
      case MIN, MAX -> extreme(i, arg, t, s.kind() == AggregateKind.MAX);
      case FIRST_VALUE, LAST_VALUE -> firstLast(i, arg, t, s.kind() == AggregateKind.LAST_VALUE);
      case STDDEV_POP, STDDEV_SAMP, VAR_POP, VAR_SAMP -> moments(i, arg, t, s.kind());
      case COUNT_DISTINCT -> distinct(i, arg, t);
      case APPROX_COUNT_DISTINCT -> approximate(i, arg, t);
      case PLUGIN -> plugin(i);
      default -> throw new IllegalArgumentException("not generated: " + s);
    }
  }

  /**
   * COUNT(DISTINCT x), state-store form: the handle of the call's set in the bound {@code SlotSets} (0: no value yet;
   * members are values, DOUBLE bits, or dictionary ids of object values), and the count.
   */
  private void distinct(int i, int arg, DataType t) {
    boolean objects = !t.isLongBacked() && t.kind() != TypeKind.DOUBLE;
    String set = setField(i, objects ? SlotSets.DISTINCT_OBJECTS : SlotSets.DISTINCT);
    String n = field(i, "long", "n");
    skipNull(arg);
    if (objects) {
      updates.append("      ").append(set).append(" = sets.addObject(").append(i).append(", ").append(set).append(", in.getObjectSlot(r, ")
          .append(arg).append("));\n");
    } else {
      String member = t.isLongBacked() ? "in.getLong(r, " + arg + ")" : "Double.doubleToLongBits(in.getDouble(r, " + arg + "))";
      updates.append("      ").append(set).append(" = sets.add(").append(i).append(", ").append(set).append(", ").append(member).append(");\n");
    }
    updates.append("      ").append(n).append(" += sets.changed();\n");
    merge.append("      if (o.").append(set).append(" != 0L) {\n        ").append(set).append(" = sets.union(").append(i).append(", ")
        .append(set).append(", o.").append(set).append(");\n        ").append(n).append(" += sets.changed();\n      }\n");
    write.append("      ").append(put("Long", i, n)).append(";\n");
  }

  /** APPROX_COUNT_DISTINCT(x), state-store form: the handle of the call's registers in the bound {@code SlotSets}, and the estimate. */
  private void approximate(int i, int arg, DataType t) {
    String set = setField(i, SlotSets.APPROXIMATE);
    String estimate = field(i, "long", "estimate");
    skipNull(arg);
    String value = t.isLongBacked() ? "in.getLong(r, " + arg + ")" : t.kind() == TypeKind.DOUBLE ? "in.getDouble(r, " + arg + ")"
        : "in.getObjectSlot(r, " + arg + ")";
    updates.append("      ").append(set).append(" = sets.hll(").append(i).append(", ").append(set)
        .append(", dev.laminar.runtime.aggregate.HyperLogLogs.hash(").append(value).append("));\n")
        .append("      if (sets.changed() != 0) {\n        ").append(estimate).append(" = sets.estimate();\n      }\n");
    merge.append("      if (o.").append(set).append(" != 0L) {\n        ").append(set).append(" = sets.union(").append(i).append(", ")
        .append(set).append(", o.").append(set).append(");\n        if (sets.changed() != 0) {\n          ").append(estimate)
        .append(" = sets.estimate();\n        }\n      }\n");
    write.append("      ").append(put("Long", i, estimate)).append(";\n");
  }

  /**
   * A plugin's aggregate function, state-store form: the handle of the call's accumulator in the bound
   * {@code SlotSets} (0: no row yet), which calls the function (its argument columns and NULL handling are its own).
   */
  private void plugin(int i) {
    String set = setField(i, SlotSets.PLUGIN);
    updates.append("      ").append(set).append(" = sets.plugin(").append(i).append(", ").append(set).append(", in, r);\n");
    merge.append("      if (o.").append(set).append(" != 0L) {\n        ").append(set).append(" = sets.union(").append(i).append(", ")
        .append(set).append(", o.").append(set).append(");\n      }\n");
    write.append("      sets.result(").append(i).append(", ").append(set).append(", out, o, c + ").append(i).append(");\n");
  }

  /** Declares the long field {@code a<i>_set}, a set handle of the given kind ({@link #setWords}). */
  private String setField(int i, int kind) {
    String f = "a" + i + "_set";
    stateFields.add(new String[] {f, "long", Integer.toString(i), Integer.toString(kind)});
    fields.append("    private long ").append(f).append(";\n");
    return f;
  }

  /** Declares field {@code a<i>_<name>}. */
  private String field(int i, String type, String name) {
    String f = "a" + i + "_" + name;
    stateFields.add(new String[] {f, type});
    fields.append("    private ").append(type).append(' ').append(f).append(";\n");
    return f;
  }

  private void skipNull(int arg) {
    updates.append("      if (in.isNull(r, ").append(arg).append(")) {\n        return;\n      }\n");
  }

  private static String put(String what, int i, String value) {
    return "out.put" + what + "(o, c + " + i + ", " + value + ")";
  }

  private void count(int i, int arg) {
    String n = field(i, "long", "n");
    if (arg >= 0) {
      skipNull(arg);
    }
    updates.append("      ").append(n).append("++;\n");
    merge.append("      ").append(n).append(" += o.").append(n).append(";\n");
    write.append("      ").append(put("Long", i, n)).append(";\n");
  }

  /** SUM of integers ({@code long}) or DOUBLE: NULL over no non-NULL value. */
  private void sum(int i, int arg, String type) {
    String sum = field(i, type, "sum");
    String seen = field(i, "boolean", "seen");
    skipNull(arg);
    updates.append("      ").append(sum).append(" += in.get").append(type.equals("long") ? "Long" : "Double").append("(r, ")
        .append(arg).append(");\n      ").append(seen).append(" = true;\n");
    merge.append("      ").append(sum).append(" += o.").append(sum).append(";\n      ").append(seen).append(" |= o.")
        .append(seen).append(";\n");
    write.append("      if (").append(seen).append(") {\n        ").append(put(type.equals("long") ? "Long" : "Double", i, sum))
        .append(";\n      } else {\n        out.putNull(o, c + ").append(i).append(");\n      }\n");
  }

  /** AVG of integers or DOUBLE, as DOUBLE. */
  private void average(int i, int arg, boolean isDouble) {
    String sum = field(i, "double", "sum");
    String n = field(i, "long", "n");
    skipNull(arg);
    updates.append("      ").append(sum).append(" += in.get").append(isDouble ? "Double" : "Long").append("(r, ").append(arg)
        .append(");\n      ").append(n).append("++;\n");
    merge.append("      ").append(sum).append(" += o.").append(sum).append(";\n      ").append(n).append(" += o.").append(n)
        .append(";\n");
    write.append("      if (").append(n).append(" > 0L) {\n        ").append(put("Double", i, sum + " / " + n))
        .append(";\n      } else {\n        out.putNull(o, c + ").append(i).append(");\n      }\n");
  }

  /**
   * SUM / AVG of DECIMAL. A compact argument is summed exactly as a 128-bit two's-complement integer of unscaled
   * units in two longs (high and low words; no allocation, and a fixed-size slot): 2^63 rows of the largest compact
   * value still fit. A wide argument adds BigDecimals.
   */
  private void decimalSum(int i, int arg, DataType t, boolean average) {
    String n = field(i, "long", "n");
    skipNull(arg);
    if (t.isCompactDecimal()) {
      String low = field(i, "long", "low");
      String high = field(i, "long", "high");
      updates.append("      long x = in.getLong(r, ").append(arg).append(");\n")
          .append("      long s = ").append(low).append(" + x;\n")
          .append("      ").append(high).append(" += (x >> 63) + (Long.compareUnsigned(s, ").append(low).append(") < 0 ? 1L : 0L);\n")
          .append("      ").append(low).append(" = s;\n");
      merge.append("      long s").append(i).append(" = ").append(low).append(" + o.").append(low).append(";\n")
          .append("      ").append(high).append(" += o.").append(high).append(" + (Long.compareUnsigned(s").append(i).append(", ")
          .append(low).append(") < 0 ? 1L : 0L);\n")
          .append("      ").append(low).append(" = s").append(i).append(";\n");
      write.append("      AggregateResults.writeDecimalSum(out, o, c + ").append(i).append(", AggregateResults.decimal128(").append(high)
          .append(", ").append(low).append(", ").append(t.scale()).append("), ").append(n).append(", specs[").append(i)
          .append("].resultType(), ").append(average).append(");\n");
    } else {
      String big = field(i, DECIMAL, "big");
      updates.append("      java.math.BigDecimal x = in.getDecimal(r, ").append(arg).append(");\n      ").append(big).append(" = ")
          .append(big).append(" == null ? x : ").append(big).append(".add(x);\n");
      merge.append("      if (o.").append(big).append(" != null) {\n        ").append(big).append(" = ").append(big).append(" == null ? o.")
          .append(big).append(" : ").append(big).append(".add(o.").append(big).append(");\n      }\n");
      write.append("      AggregateResults.writeDecimalSum(out, o, c + ").append(i).append(", ").append(big).append(", ").append(n)
          .append(", specs[").append(i).append("].resultType(), ").append(average).append(");\n");
    }
    updates.append("      ").append(n).append("++;\n");
    merge.append("      ").append(n).append(" += o.").append(n).append(";\n");
  }

  /** MIN / MAX: long-backed and DOUBLE values compared as primitives, VARCHAR, BYTES and wide DECIMAL as objects. */
  private void extreme(int i, int arg, DataType t, boolean max) {
    String op = max ? " > " : " < ";
    if (t.kind() == TypeKind.DOUBLE || t.isLongBacked()) {
      String type = t.kind() == TypeKind.DOUBLE ? "double" : "long";
      String getter = t.kind() == TypeKind.DOUBLE ? "Double" : "Long";
      String v = field(i, type, "value");
      String seen = field(i, "boolean", "seen");
      skipNull(arg);
      updates.append("      ").append(type).append(" x = in.get").append(getter).append("(r, ").append(arg).append(");\n")
          .append("      if (!").append(seen).append(" || x").append(op).append(v).append(") {\n        ").append(v)
          .append(" = x;\n        ").append(seen).append(" = true;\n      }\n");
      merge.append("      if (o.").append(seen).append(" && (!").append(seen).append(" || o.").append(v).append(op).append(v)
          .append(")) {\n        ").append(v).append(" = o.").append(v).append(";\n        ").append(seen).append(" = true;\n      }\n");
      write.append("      if (").append(seen).append(") {\n        ").append(put(getter, i, v))
          .append(";\n      } else {\n        out.putNull(o, c + ").append(i).append(");\n      }\n");
      return;
    }
    String type = switch (t.kind()) {
      case VARCHAR -> "String";
      case BYTES -> "byte[]";
      default -> DECIMAL;
    };
    String v = field(i, type, "value");
    skipNull(arg);
    updates.append("      ").append(type).append(" x = (").append(type).append(") in.getObjectSlot(r, ").append(arg).append(");\n")
        .append("      if (").append(v).append(" == null || ").append(compare(t, "x", v)).append(op).append("0) {\n        ")
        .append(v).append(" = x;\n      }\n");
    merge.append("      if (o.").append(v).append(" != null && (").append(v).append(" == null || ")
        .append(compare(t, "o." + v, v)).append(op).append("0)) {\n        ").append(v).append(" = o.").append(v).append(";\n      }\n");
    write.append("      ").append(put("Object", i, v)).append(";\n");
  }

  private static String compare(DataType t, String a, String b) {
    return t.kind() == TypeKind.BYTES ? "java.util.Arrays.compareUnsigned(" + a + ", " + b + ")" : a + ".compareTo(" + b + ")";
  }

  /** FIRST_VALUE / LAST_VALUE by event time; ties go to the earlier (first) or later (last) arrival or pane. */
  private void firstLast(int i, int arg, DataType t, boolean last) {
    String type;
    String getter;
    String putter;
    if (t.isLongBacked()) {
      type = "long";
      getter = "in.getLong(r, " + arg + ")";
      putter = "Long";
    } else if (t.kind() == TypeKind.DOUBLE) {
      type = "double";
      getter = "in.getDouble(r, " + arg + ")";
      putter = "Double";
    } else {
      type = "Object";
      getter = "in.getObjectSlot(r, " + arg + ")";
      putter = "Object";
    }
    String time = field(i, "long", "time");
    String v = field(i, type, "value");
    String seen = field(i, "boolean", "seen");
    String keep = last ? " < " : " >= ";
    skipNull(arg);
    updates.append("      long t = in.rowtime(r);\n")
        .append("      if (").append(seen).append(" && t").append(keep).append(time).append(") {\n        return;\n      }\n")
        .append("      ").append(seen).append(" = true;\n      ").append(time).append(" = t;\n      ").append(v).append(" = ")
        .append(getter).append(";\n");
    merge.append("      if (o.").append(seen).append(" && !(").append(seen).append(" && o.").append(time).append(keep).append(time)
        .append(")) {\n        ").append(seen).append(" = true;\n        ").append(time).append(" = o.").append(time)
        .append(";\n        ").append(v).append(" = o.").append(v).append(";\n      }\n");
    write.append("      if (").append(seen).append(") {\n        ").append(put(putter, i, v))
        .append(";\n      } else {\n        out.putNull(o, c + ").append(i).append(");\n      }\n");
  }

  /** Variance / standard deviation: Welford's update, Chan's merge. */
  private void moments(int i, int arg, DataType t, AggregateKind kind) {
    String n = field(i, "long", "n");
    String mean = field(i, "double", "mean");
    String m2 = field(i, "double", "m2");
    skipNull(arg);
    String x = switch (t.kind()) {
      case DOUBLE -> "in.getDouble(r, " + arg + ")";
      case DECIMAL -> t.isCompactDecimal() ? "AggregateResults.decimalToDouble(in.getLong(r, " + arg + "), " + t.scale() + ")"
          : "in.getDecimal(r, " + arg + ").doubleValue()";
      default -> "(double) in.getLong(r, " + arg + ")";
    };
    updates.append("      double x = ").append(x).append(";\n      ").append(n).append("++;\n")
        .append("      double delta = x - ").append(mean).append(";\n      ").append(mean).append(" += delta / ").append(n)
        .append(";\n      ").append(m2).append(" += delta * (x - ").append(mean).append(");\n");
    merge.append("      if (o.").append(n).append(" != 0L) {\n")
        .append("        long total = ").append(n).append(" + o.").append(n).append(";\n")
        .append("        double delta = o.").append(mean).append(" - ").append(mean).append(";\n")
        .append("        ").append(mean).append(" += delta * o.").append(n).append(" / total;\n")
        .append("        ").append(m2).append(" += o.").append(m2).append(" + delta * delta * ").append(n).append(" * o.").append(n)
        .append(" / total;\n        ").append(n).append(" = total;\n      }\n");
    boolean sample = kind == AggregateKind.STDDEV_SAMP || kind == AggregateKind.VAR_SAMP;
    boolean stddev = kind == AggregateKind.STDDEV_POP || kind == AggregateKind.STDDEV_SAMP;
    write.append("      AggregateResults.writeMoments(out, o, c + ").append(i).append(", ").append(n).append(", ").append(m2)
        .append(", ").append(sample).append(", ").append(stddev).append(");\n");
  }
}
