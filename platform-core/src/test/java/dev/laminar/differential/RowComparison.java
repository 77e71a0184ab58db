package dev.laminar.differential;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares expected and actual rows: values of the same Java type and equal, except DOUBLEs, which
 * may differ by a relative 1e-9 (sums and Welford variances depend on the order of additions).
 * Each method returns null when the rows agree, otherwise a description of the difference.
 */
final class RowComparison {
  private static final double TOLERANCE = 1e-9;
  private static final int SHOWN = 8;

  private RowComparison() {}

  static boolean sameValue(Object expected, Object actual) {
    if (expected instanceof Double e && actual instanceof Double a) {
      return e.equals(a) || Math.abs(e - a) <= TOLERANCE * Math.max(1.0, Math.max(Math.abs(e), Math.abs(a)));
    }
    return Objects.deepEquals(expected, actual);
  }

  static boolean sameRow(Row expected, Row actual) {
    if (expected.kind() != actual.kind() || expected.arity() != actual.arity()) {
      return false;
    }
    for (int i = 0; i < expected.arity(); i++) {
      if (!sameValue(expected.get(i), actual.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Shows each value with its Java type when the types differ, since a Long 3 and an Integer 3 print alike. */
  static String describe(Row row) {
    StringBuilder sb = new StringBuilder(row.kind() == RowKind.INSERT ? "" : row.kind().shortName()).append('[');
    for (int i = 0; i < row.arity(); i++) {
      Object v = row.get(i);
      sb.append(i == 0 ? "" : ", ").append(v instanceof String s ? "'" + s + "'" : v)
          .append(v == null ? "" : ":" + v.getClass().getSimpleName());
    }
    return sb.append(']').toString();
  }

  static String inOrder(List<Row> expected, List<Row> actual) {
    int n = Math.min(expected.size(), actual.size());
    for (int i = 0; i < n; i++) {
      if (!sameRow(expected.get(i), actual.get(i))) {
        return "row " + i + " of " + expected.size() + " expected:\n    " + describe(expected.get(i)) + "\n  but was:\n    "
            + describe(actual.get(i)) + (i > 0 ? "\n  after:\n    " + describe(expected.get(i - 1)) : "");
      }
    }
    if (expected.size() != actual.size()) {
      List<Row> extra = expected.size() > actual.size() ? expected.subList(n, expected.size()) : actual.subList(n, actual.size());
      return "expected " + expected.size() + " rows but got " + actual.size() + "; the first " + n + " agree; "
          + (expected.size() > actual.size() ? "missing" : "unexpected") + ":\n    " + list(extra);
    }
    return null;
  }

  static String asMultisets(List<Row> expected, List<Row> actual) {
    List<Row> missing = new ArrayList<>();
    List<Row> unexpected = new ArrayList<>(actual);
    for (Row e : expected) {
      int match = -1;
      for (int i = 0; i < unexpected.size() && match < 0; i++) {
        match = sameRow(e, unexpected.get(i)) ? i : -1;
      }
      if (match < 0) {
        missing.add(e);
      } else {
        unexpected.remove(match);
      }
    }
    if (missing.isEmpty() && unexpected.isEmpty()) {
      return null;
    }
    return "expected " + expected.size() + " rows, got " + actual.size() + "; expected but missing (" + missing.size() + "):\n    "
        + list(missing) + "\n  produced but not expected (" + unexpected.size() + "):\n    " + list(unexpected);
  }

  /**
   * Changelogs agree when applying each gives the same final row per upsert key and each key's
   * own entries are the same sequence (entries of different keys may interleave differently).
   */
  static String asChangelogs(List<Row> expected, List<Row> actual, int[] key) {
    Map<List<Object>, List<Row>> expectedByKey = byKey(expected, key);
    Map<List<Object>, List<Row>> actualByKey = byKey(actual, key);
    List<Row> expectedFinal = new ArrayList<>();
    List<Row> actualFinal = new ArrayList<>();
    for (Map.Entry<List<Object>, List<Row>> e : actualByKey.entrySet()) {
      String error = apply(e.getValue(), actualFinal);
      if (error != null) {
        return "the engine's changelog for key " + e.getKey() + " is inconsistent: " + error + "; its entries:\n    "
            + list(e.getValue());
      }
    }
    for (List<Row> entries : expectedByKey.values()) {
      apply(entries, expectedFinal);
    }
    String state = asMultisets(expectedFinal, actualFinal);
    if (state != null) {
      return "final state after applying the changelog differs: " + state;
    }
    for (Map.Entry<List<Object>, List<Row>> e : expectedByKey.entrySet()) {
      String seq = inOrder(e.getValue(), actualByKey.getOrDefault(e.getKey(), List.of()));
      if (seq != null) {
        return "the changelog of key " + e.getKey() + " differs: " + seq;
      }
    }
    return null;
  }

  /**
   * Changelogs agree when applying each as a multiset (+I and +U add a row, -U and -D remove an equal
   * current row) gives the same final rows, and the entries of each {@code key} are the same sequence.
   */
  static String asRetractions(List<Row> expected, List<Row> actual, int[] key) {
    List<Row> state = new ArrayList<>();
    for (Row r : actual) {
      Row values = Row.of(r.values());
      switch (r.kind()) {
        case INSERT, UPDATE_AFTER -> state.add(values);
        case UPDATE_BEFORE, DELETE -> {
          int at = -1;
          for (int i = 0; i < state.size() && at < 0; i++) {
            at = sameRow(state.get(i), values) ? i : -1;
          }
          if (at < 0) {
            return "the engine retracts a row that is not current: " + describe(r);
          }
          state.remove(at);
        }
      }
    }
    List<Row> expectedState = new ArrayList<>();
    for (Row r : expected) {
      switch (r.kind()) {
        case INSERT, UPDATE_AFTER -> expectedState.add(Row.of(r.values()));
        case UPDATE_BEFORE, DELETE -> expectedState.remove(Row.of(r.values()));
      }
    }
    String final_ = asMultisets(expectedState, state);
    if (final_ != null) {
      return "final state after applying the changelog differs: " + final_;
    }
    Map<List<Object>, List<Row>> expectedByKey = byKey(expected, key);
    Map<List<Object>, List<Row>> actualByKey = byKey(actual, key);
    for (Map.Entry<List<Object>, List<Row>> e : expectedByKey.entrySet()) {
      String seq = inOrder(e.getValue(), actualByKey.getOrDefault(e.getKey(), List.of()));
      if (seq != null) {
        return "the changelog of key " + e.getKey() + " differs: " + seq;
      }
    }
    return actualByKey.size() == expectedByKey.size() ? null : "keys " + actualByKey.keySet() + " but expected " + expectedByKey.keySet();
  }

  private static Map<List<Object>, List<Row>> byKey(List<Row> log, int[] key) {
    Map<List<Object>, List<Row>> out = new LinkedHashMap<>();
    for (Row r : log) {
      Object[] k = new Object[key.length];
      for (int i = 0; i < key.length; i++) {
        k[i] = r.get(key[i]);
      }
      out.computeIfAbsent(Arrays.asList(k), x -> new ArrayList<>()).add(r);
    }
    return out;
  }

  /** Applies one key's entries: +I creates the row, -U must retract the current row, +U replaces it. */
  private static String apply(List<Row> entries, List<Row> state) {
    Row current = null;
    for (Row r : entries) {
      switch (r.kind()) {
        case INSERT -> {
          if (current != null) {
            return "+I of a key that has a row: " + describe(r);
          }
          current = r;
        }
        case UPDATE_BEFORE, DELETE -> {
          if (current == null || !sameRow(Row.of(current.values()), Row.of(r.values()))) {
            return r.kind().shortName() + " " + describe(r) + " does not retract the current row " + current;
          }
          current = null;
        }
        case UPDATE_AFTER -> current = r;
      }
    }
    if (current != null) {
      state.add(Row.of(current.values()));
    }
    return null;
  }

  private static String list(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(rows.size(), SHOWN); i++) {
      sb.append(i == 0 ? "" : "\n    ").append(describe(rows.get(i)));
    }
    return rows.size() > SHOWN ? sb + "\n    ... and " + (rows.size() - SHOWN) + " more" : sb.toString();
  }
}
