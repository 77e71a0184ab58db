package dev.laminar;

/** Runs test code with a system property set (the code-generation switches), restoring it afterwards. */
public final class TestProperties {
  private TestProperties() {}

  /** Sets {@code key} to {@code value} (null clears it) while {@code body} runs. */
  public static void with(String key, String value, Runnable body) {
    String before = System.getProperty(key);
    set(key, value);
    try {
      body.run();
    } finally {
      set(key, before);
    }
  }

  private static void set(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}
