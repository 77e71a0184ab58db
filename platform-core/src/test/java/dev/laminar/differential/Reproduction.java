package dev.laminar.differential;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Shrinks a failing input by removing chunks of rows, then single rows, while the mismatch
 * persists (delta debugging, bounded in engine runs), and describes the result so that it can be
 * pasted into a test: the seed, the statements, the rows as {@link StreamRow#row} calls.
 */
final class Reproduction {
  private Reproduction() {}

  static String report(QueryCase query, long seed, List<StreamRow> input, String mismatch, int maxRuns,
      BiFunction<QueryCase, List<StreamRow>, String> check) {
    List<StreamRow> current = input;
    String last = mismatch;
    int runs = 0;
    int chunk = Math.max(1, input.size() / 2);
    while (runs < maxRuns) {
      boolean removed = false;
      for (int i = 0; i < current.size() && runs < maxRuns; ) {
        List<StreamRow> candidate = new ArrayList<>(current.subList(0, i));
        candidate.addAll(current.subList(Math.min(current.size(), i + chunk), current.size()));
        runs++;
        String m = candidate.isEmpty() ? null : check.apply(query, candidate);
        if (m != null) {
          current = candidate;
          last = m;
          removed = true;
        } else {
          i += chunk;
        }
      }
      if (chunk == 1 && !removed) {
        break;
      }
      chunk = Math.max(1, chunk / 2);
    }
    StringBuilder sb = new StringBuilder();
    sb.append("seed ").append(seed).append(", query \"").append(query.name()).append("\":\n  ")
        .append(mismatch.replace("\n", "\n  ")).append("\n\nstatements:\n  ").append(StreamRow.SOURCE_DDL);
    for (String s : query.statements()) {
      sb.append(";\n  ").append(s);
    }
    sb.append(";\n\nminimal reproduction: ").append(current.size()).append(" of ").append(input.size())
        .append(" rows (shrunk in ").append(runs).append(" runs), in arrival order; replay with "
            + "StreamingSqlDifferentialTest.mismatch(query, List.of(<these rows>)):\n");
    for (StreamRow r : current) {
      sb.append("    ").append(r.toJava()).append(",\n");
    }
    return sb.append("  which gives:\n  ").append(last.replace("\n", "\n  ")).toString();
  }
}
