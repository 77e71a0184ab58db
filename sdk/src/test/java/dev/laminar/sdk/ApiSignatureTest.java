package dev.laminar.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.sdk.annotation.Evolving;
import dev.laminar.sdk.annotation.Experimental;
import dev.laminar.sdk.annotation.Internal;
import dev.laminar.sdk.annotation.Stable;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The SDK compatibility gate: the public surface of the SDK must equal the committed
 * {@code src/test/resources/api.txt}. A deliberate change regenerates the file in the same commit:
 * {@code ./mvn25 -pl sdk test -Dlaminar.api.update=true}.
 */
class ApiSignatureTest {
  private static final Path API_FILE = Path.of("src/test/resources/api.txt");

  @Test
  void everyPublicTypeCarriesAStabilityAnnotation() throws Exception {
    List<String> missing = new ArrayList<>();
    for (Class<?> c : publicTypes()) {
      boolean annotated = c.isAnnotationPresent(Stable.class) || c.isAnnotationPresent(Evolving.class)
          || c.isAnnotationPresent(Experimental.class) || c.isAnnotationPresent(Internal.class);
      if (!annotated && c.getEnclosingClass() == null) {
        missing.add(c.getName());
      }
    }
    assertThat(missing).as("public SDK types without @Stable/@Evolving/@Experimental/@Internal").isEmpty();
  }

  @Test
  void publicSurfaceMatchesTheCommittedSignatureFile() throws Exception {
    String actual = String.join("\n", signature()) + "\n";
    if (Boolean.getBoolean("laminar.api.update")) {
      Files.writeString(API_FILE, actual);
    }
    String expected = Files.exists(API_FILE) ? Files.readString(API_FILE) : "";
    assertThat(actual)
        .as("SDK public API changed. If deliberate, regenerate with -Dlaminar.api.update=true and commit api.txt")
        .isEqualTo(expected);
  }

  static List<String> signature() throws Exception {
    List<String> lines = new ArrayList<>();
    for (Class<?> c : publicTypes()) {
      String stability = Arrays.stream(c.getAnnotations())
          .map(a -> "@" + a.annotationType().getSimpleName()).sorted().reduce("", (x, y) -> x + y + " ");
      lines.add(stability + c.toGenericString());
      Stream.of(c.getDeclaredConstructors()).filter(m -> isVisible(m.getModifiers()))
          .forEach(m -> lines.add(c.getName() + " :: " + m.toGenericString()));
      Stream.of(c.getDeclaredMethods()).filter(m -> isVisible(m.getModifiers()) && !m.isSynthetic())
          .forEach(m -> lines.add(c.getName() + " :: " + m.toGenericString()));
      Stream.of(c.getDeclaredFields()).filter(f -> isVisible(f.getModifiers()) && !f.isSynthetic())
          .forEach(f -> lines.add(c.getName() + " :: " + f.toGenericString()));
    }
    lines.sort(String::compareTo);
    return lines;
  }

  private static boolean isVisible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static List<Class<?>> publicTypes() throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(LaminarSdk.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> types = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
        String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (name.endsWith("package-info")) {
          continue;
        }
        Class<?> c = Class.forName(name, false, ApiSignatureTest.class.getClassLoader());
        if (Modifier.isPublic(c.getModifiers()) && !c.isAnonymousClass()) {
          types.add(c);
        }
      }
    }
    return types;
  }
}
