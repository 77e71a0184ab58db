package dev.laminar.durability.checkpoint;

/** A manifest file that cannot be trusted; the message is the reason. */
public final class CorruptManifestException extends Exception {
  public CorruptManifestException(String reason) {
    super(reason);
  }
}
