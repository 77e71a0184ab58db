package dev.laminar.durability.checkpoint;

import java.util.List;

/**
 * The checkpoint recovery starts from.
 *
 * @param manifest the newest intact manifest
 * @param committed true when every sink committed its epoch; false means "manifest durable, sinks not
 *     all committed": re-drive {@code commit(epoch, handle)} on every sink of the manifest
 * @param skipped newer manifests that were corrupt or partial, with the reason, newest first
 */
public record LoadedCheckpoint(CheckpointManifest manifest, boolean committed, List<Skipped> skipped) {
  /** A manifest {@link CheckpointStore#latest()} could not use. */
  public record Skipped(long epoch, String reason) {}

  /** Pre-committed epochs above this one are in no manifest: abort them (presumed abort). */
  public long epoch() {
    return manifest.epoch();
  }
}
