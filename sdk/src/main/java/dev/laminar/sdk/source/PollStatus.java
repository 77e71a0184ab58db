package dev.laminar.sdk.source;

import dev.laminar.sdk.annotation.Stable;

/** What a {@link SourceReader#poll} call tells the engine about the split. */
@Stable
public enum PollStatus {
  /** More data may be available right away: the engine polls again soon. */
  MORE_AVAILABLE,
  /**
   * Nothing available now. The engine backs off before polling again and, after the configured
   * idle timeout, stops letting this split hold back the watermark.
   */
  IDLE,
  /** The split is exhausted (bounded input): the engine closes the reader after taking the rows written. */
  FINISHED
}
