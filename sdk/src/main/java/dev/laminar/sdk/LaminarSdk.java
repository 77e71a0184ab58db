package dev.laminar.sdk;

import dev.laminar.sdk.annotation.Stable;

/** Facts about this SDK build that plugins and the engine agree on. */
@Stable
public final class LaminarSdk {
  /**
   * The SDK version a plugin declares compatibility with in {@code Plugin-Requires} (a semver range
   * such as {@code >=1.0.0 & <2.0.0}). The SDK major version changes only with an incompatible change
   * to a stable type.
   */
  public static final String VERSION = "1.0.0";

  private LaminarSdk() {}
}
