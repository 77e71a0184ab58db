package dev.laminar;

import dev.laminar.sdk.row.Row;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent, straightforward computation of 1-second OHLC bars over a finite trade list in
 * arrival order, with the engine's documented semantics: watermark = max event time seen - bound,
 * advanced per row; a row is late when its window's end is at or before the watermark; FIRST_VALUE
 * / LAST_VALUE follow event time, ties by arrival.
 */
final class OhlcReference {
  record Trade(String symbol, BigDecimal price, long qty, long ts) {}

  record Result(List<Row> bars, long late) {}

  private OhlcReference() {}

  static Result compute(List<Trade> trades, long windowMillis, long boundMillis) {
    long watermark = Long.MIN_VALUE;
    long late = 0;
    Map<String, List<Trade>> groups = new LinkedHashMap<>();
    for (Trade t : trades) {
      watermark = Math.max(watermark, t.ts() - boundMillis);
      long start = Math.floorDiv(t.ts(), windowMillis) * windowMillis;
      if (start + windowMillis <= watermark) {
        late++;
        continue;
      }
      groups.computeIfAbsent(t.symbol() + "|" + start, k -> new ArrayList<>()).add(t);
    }
    List<Row> bars = new ArrayList<>();
    for (List<Trade> g : groups.values()) {
      Trade first = g.get(0);
      Trade open = first;
      Trade close = first;
      BigDecimal high = first.price();
      BigDecimal low = first.price();
      long volume = 0;
      for (Trade t : g) {
        if (t.ts() < open.ts()) {
          open = t;
        }
        if (t.ts() >= close.ts()) {
          close = t;
        }
        high = high.max(t.price());
        low = low.min(t.price());
        volume += t.qty();
      }
      long start = Math.floorDiv(first.ts(), windowMillis) * windowMillis;
      bars.add(Row.of(first.symbol(), time(start), time(start + windowMillis), open.price(), high, low, close.price(), volume,
          (long) g.size()));
    }
    return new Result(sorted(bars), late);
  }

  static LocalDateTime time(long millis) {
    return LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), (int) Math.floorMod(millis, 1000) * 1_000_000, ZoneOffset.UTC);
  }

  static long millis(Object localDateTime) {
    return ((LocalDateTime) localDateTime).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  static List<Row> sorted(List<Row> rows) {
    List<Row> copy = new ArrayList<>(rows);
    copy.sort(Comparator.comparing(Row::toString));
    return copy;
  }
}
