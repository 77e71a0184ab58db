# Sourced by ./mvn25 and ./laminar: exports JAVA_HOME pointing at a JDK >= 25.
# Keeps JAVA_HOME when it already is one; otherwise looks in the usual JVM folders.
laminar_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}
laminar_find_jdk25() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    local v; v=$(laminar_java_major "$JAVA_HOME")
    if [ "${v%%.*}" -ge 25 ] 2>/dev/null; then return 0; fi
  fi
  local candidate v
  for candidate in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$candidate/bin/javac" ] || continue
    v=$(laminar_java_major "$candidate")
    if [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "Laminar needs a JDK 25 or newer: set JAVA_HOME, or install one under /usr/lib/jvm." >&2
  return 1
}
laminar_find_jdk25 || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
