package dev.laminar.runtime.aggregate;

/** The built-in aggregate functions. */
public enum AggregateKind {
  COUNT_STAR, COUNT, COUNT_DISTINCT, APPROX_COUNT_DISTINCT, SUM, MIN, MAX, AVG, FIRST_VALUE, LAST_VALUE, STDDEV_POP, STDDEV_SAMP, VAR_POP, VAR_SAMP,
  /** An aggregate function from a plugin ({@link PluginAggregate}). */
  PLUGIN
}
