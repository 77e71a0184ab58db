package dev.laminar.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CaptureBuffersTest {
  @Test
  void aPreparedBufferIsTakenByTheNextCaptureThatFitsAndComesBackAfterIt() throws Exception {
    long bytes = CaptureBuffers.PREPARE_MIN_BYTES + 4096;
    CaptureBuffers.prepare(bytes);
    CaptureBuffers.awaitPrepared();
    CaptureBuffers.Buffer small = CaptureBuffers.acquire(bytes / 4);
    assertThat(small.bytes()).as("a buffer over twice the size asked for is left for a larger capture").isEqualTo(bytes / 4);
    CaptureBuffers.release(small);
    CaptureBuffers.Buffer prepared = CaptureBuffers.acquire(bytes - 8);
    assertThat(prepared.bytes()).as("the prepared buffer").isEqualTo(bytes);
    assertThat(prepared.segment().get(java.lang.foreign.ValueLayout.JAVA_LONG, bytes - 8)).isZero();
    CaptureBuffers.Buffer other = CaptureBuffers.acquire(bytes - 8);
    assertThat(other).as("one capture at a time per buffer").isNotSameAs(prepared);
    CaptureBuffers.release(prepared);
    assertThat(CaptureBuffers.acquire(bytes)).as("returned after its capture was written").isSameAs(prepared);
    CaptureBuffers.release(prepared);
    CaptureBuffers.release(other);
  }
}
