package dev.laminar.runtime;

/**
 * Where a head copy of a sharded plan ends ({@code engine.Shards}): the dealer, or the head inbox on
 * another reactor, frames each dealt event, so what the copy's chain passes on between
 * {@link #beginEvent} and {@link #endEvent} (rows, a watermark, the end) belongs to that event. A
 * {@link KeyRouter} hands each event on to the shards by key; a global aggregate's partial stage folds it
 * into partial group states ({@code aggregate.PartialAggregates}).
 */
public interface EventSink {
  /** The next rows, watermark or end belong to event {@code sequence}. */
  void beginEvent(long sequence);

  /** The current event is checkpoint barrier {@code id}. */
  void onBarrier(long id);

  /** The current event is complete: hand it on. */
  void endEvent();
}
