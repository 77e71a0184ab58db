package dev.laminar.plugin.directory;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Locale;

/**
 * One plugin of an index, as PF4J's repository format ({@code plugins.json} of pf4j-update) describes
 * it. Only {@code id} and {@code releases} are required; unknown fields are ignored so that an index
 * written by other tools stays readable.
 *
 * @param id the PF4J plugin id ({@code plugin.id})
 * @param name a display name (may be null)
 * @param description one line (may be null)
 * @param provider who publishes it (may be null)
 * @param projectUrl its home page (may be null)
 * @param releases every published version
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexedPlugin(String id, String name, String description, String provider, String projectUrl,
    List<Release> releases) {
  public IndexedPlugin {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("a plugin of the index has no id");
    }
    releases = releases == null ? List.of() : List.copyOf(releases);
    for (Release r : releases) {
      if (r.version() == null || r.version().isBlank()) {
        throw new IllegalArgumentException("a release of plugin " + id + " has no version");
      }
      if (r.url() == null || r.url().isBlank()) {
        throw new IllegalArgumentException("release " + r.version() + " of plugin " + id + " has no url");
      }
    }
  }

  /** Whether {@code text} occurs (ignoring case) in the id, name, description or provider. */
  public boolean matches(String text) {
    String needle = text.toLowerCase(Locale.ROOT);
    for (String field : new String[] {id, name, description, provider}) {
      if (field != null && field.toLowerCase(Locale.ROOT).contains(needle)) {
        return true;
      }
    }
    return false;
  }

  /**
   * One published version of a plugin.
   *
   * @param version the plugin's version (semver)
   * @param date when it was published, {@code yyyy-MM-dd} (may be null)
   * @param requires the SDK versions it works with, a semver range such as {@code >=1.0.0 & <2.0.0};
   *     null, empty or {@code *} for any
   * @param url where the zip is: relative to the index, or absolute
   * @param sha512sum the SHA-512 of the zip in hex (may be null: then nothing is verified)
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Release(String version, String date, String requires, String url, String sha512sum) {}
}
