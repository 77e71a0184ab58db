package dev.laminar.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import net.openhft.affinity.Affinity;
import org.junit.jupiter.api.Test;

/** Pinning is all or nothing: a reactor that cannot be pinned leaves every reactor of its engine unpinned. */
class CpuPinningTest {
  @Test
  void aReactorThatCannotBePinnedLeavesEveryReactorUnpinned() {
    BitSet allowed = Affinity.getAffinity();
    int good = allowed.nextSetBit(0);
    int bad = allowed.nextClearBit(0); // a CPU this thread may not run on (or that does not exist)
    CpuPinning pinning = CpuPinning.of(allowed, new int[] {good, bad});
    Reactor[] reactors = {new Reactor("pin-test-0", pinning.pinner(0)), new Reactor("pin-test-1", pinning.pinner(1))};
    try {
      String unpinned = pinning.settle(reactors);
      assertThat(unpinned).startsWith("reactor 1 could not be pinned to CPU " + bad + ": ");
      for (Reactor r : reactors) {
        assertThat(r.pinnedCpu()).isEqualTo(-1);
        assertThat(r.submit(Affinity::getAffinity).join()).as("affinity of an unpinned reactor").isEqualTo(allowed);
      }
      assertThat(pinning.settle(reactors)).isEqualTo(unpinned);
    } finally {
      for (Reactor r : reactors) {
        r.close();
      }
    }
    // the CPUs went back: all of them can be claimed again
    CpuPinning again = CpuPinning.claim(allowed.cardinality());
    Reactor[] all = new Reactor[allowed.cardinality()];
    for (int i = 0; i < all.length; i++) {
      all[i] = new Reactor("pin-test-all-" + i, again.pinner(i));
    }
    try {
      assertThat(again.settle(all)).isNull();
      assertThat(CpuPinning.describe(all)).startsWith("reactor 0 on CPU " + allowed.nextSetBit(0));
    } finally {
      for (Reactor r : all) {
        r.close();
      }
      again.release();
    }
  }

  @Test
  void aReactorWithoutPinningRunsAsBefore() {
    Reactor r = new Reactor("pin-test-none");
    try {
      assertThat(r.submit(Affinity::getAffinity).join()).isEqualTo(Affinity.getAffinity());
      assertThat(r.pinnedCpu()).isEqualTo(-1);
    } finally {
      r.close();
    }
  }
}
