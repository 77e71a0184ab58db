package dev.laminar.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A producer's wake ends a consumer's park at once instead of letting it sleep out its park. */
class IdleStrategyTest {
  @Test
  void wakeUnparksAThreadParkedInIdle() throws Exception {
    IdleStrategy idle = new IdleStrategy(0, 0, TimeUnit.MINUTES.toNanos(1), TimeUnit.MINUTES.toNanos(1));
    long[] parkedNanos = new long[1];
    Thread consumer = Thread.ofPlatform().start(() -> {
      long start = System.nanoTime();
      idle.idle(0); // a one-minute park
      parkedNanos[0] = System.nanoTime() - start;
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (consumer.getState() != Thread.State.TIMED_WAITING) { // parked: the strategy has published the thread
      assertThat(System.nanoTime()).as("the consumer parks").isLessThan(deadline);
      Thread.onSpinWait();
    }
    idle.wake();
    consumer.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(consumer.isAlive()).as("woken long before its one-minute park ends").isFalse();
    assertThat(parkedNanos[0]).isLessThan(TimeUnit.SECONDS.toNanos(30));
  }
}
