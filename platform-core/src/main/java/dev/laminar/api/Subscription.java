package dev.laminar.api;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Schema;
import java.time.Duration;
import java.util.List;

/**
 * Rows of a stream delivered to the application, from the moment of subscribing. A subscription
 * created with a {@link RowListener} pushes rows to it on its own thread; one created without is
 * read with {@link #poll}. A slow reader slows the pipeline (backpressure); nothing is dropped.
 */
public interface Subscription extends AutoCloseable {
  /** Columns of the rows. */
  Schema schema();

  /**
   * Waits up to {@code timeout} for rows and returns those available (empty when none came, or
   * when the stream has ended). Only for subscriptions without a listener; one thread at a time.
   */
  List<Row> poll(Duration timeout);

  /**
   * True once the stream has ended (its bounded sources finished) and every row was delivered: to the
   * listener, or, for a polled subscription, returned by {@link #poll} (so poll until this is true).
   */
  boolean isFinished();

  /** Waits until {@link #isFinished()}; false on timeout. */
  boolean awaitFinished(Duration timeout);

  /** The failure that stopped the subscription (a listener threw, or the pipeline failed), or null. */
  Throwable failure();

  /** Stops delivery and detaches from the stream. */
  @Override
  void close();
}
