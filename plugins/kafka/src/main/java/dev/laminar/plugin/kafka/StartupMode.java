package dev.laminar.plugin.kafka;

/** Where a partition starts reading when no checkpointed position is restored: option {@code startup.mode}. */
enum StartupMode {
  EARLIEST, LATEST, GROUP_OFFSETS, TIMESTAMP, SPECIFIC_OFFSETS;

  static StartupMode of(String option) {
    return valueOf(option.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
  }
}
