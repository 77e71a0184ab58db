package dev.laminar.durability.wal;

import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * Futures waiting for an LSN to become durable. Off the hot path: the owner polls
 * {@link WriteAheadLog#durableLsn()} instead; this serves threads that may wait. The flusher skips the
 * lock entirely while nobody waits.
 */
final class DurabilityWaiters {
  private record Waiter(long lsn, CompletableFuture<Long> future) {}

  private final PriorityQueue<Waiter> waiting = new PriorityQueue<>((a, b) -> Long.compare(a.lsn, b.lsn));
  private volatile int count;
  private Throwable failure;

  CompletableFuture<Long> add(long lsn, WriteAheadLog log) {
    CompletableFuture<Long> f = new CompletableFuture<>();
    synchronized (this) {
      if (failure != null) {
        f.completeExceptionally(failure);
        return f;
      }
      // re-checked under the lock: a flusher that published before we locked has already drained
      long durable = log.durableLsn();
      if (durable > lsn) {
        f.complete(durable);
        return f;
      }
      waiting.add(new Waiter(lsn, f));
      count = waiting.size();
      // The flusher publishes durableLsn and then reads count; we wrote count and now read durableLsn
      // again (both volatile), so a publication that saw count == 0 is seen here and nothing is lost.
      drainUpTo(log.durableLsn());
    }
    return f;
  }

  void completeUpTo(long durable) {
    if (count == 0) {
      return;
    }
    synchronized (this) {
      drainUpTo(durable);
    }
  }

  private void drainUpTo(long durable) {
    while (!waiting.isEmpty() && waiting.peek().lsn < durable) {
      waiting.poll().future.complete(durable);
    }
    count = waiting.size();
  }

  synchronized void failAll(Throwable t) {
    failure = t;
    for (Waiter w : waiting) {
      w.future.completeExceptionally(t);
    }
    waiting.clear();
    count = 0;
  }
}
