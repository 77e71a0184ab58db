package dev.laminar.runtime.codegen;

import dev.laminar.runtime.expr.Expr;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.codehaus.janino.SimpleCompiler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles a filter and projection to bytecode with Janino, or hands back the interpreter when
 * code generation is switched off ({@code -Dlaminar.codegen=false}, for differential testing) or
 * fails (logged as a warning; the query still runs).
 *
 * <p>Generated classes are cached by source text: the same query shape instantiated again (another
 * parallel instance, a restarted query) reuses the class and only constructs a new instance with its
 * own embedded expressions and constants. Thread-safe; called at plan instantiation, never per row.
 */
public final class CalcCompiler {
  /** System property; {@code false} forces the interpreter. */
  public static final String ENABLED_PROPERTY = "laminar.codegen";

  private static final Logger LOG = LoggerFactory.getLogger(CalcCompiler.class);
  private static final int CACHE_SIZE = 256;
  /** Bounded by dropping everything when full: shapes beyond this many are rare, recompiling is cheap. */
  private static final Map<String, Constructor<?>> CACHE = new ConcurrentHashMap<>();

  private CalcCompiler() {}

  /** True unless {@value #ENABLED_PROPERTY} is {@code false}. */
  public static boolean enabled() {
    return !"false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY));
  }

  /** The compiled form when enabled, else (or on failure) the interpreter. {@code condition} may be null. */
  public static CompiledCalc create(Expr condition, Expr[] projections) {
    if (!enabled()) {
      return new InterpretedCalc(condition, projections);
    }
    try {
      return compile(condition, projections);
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("could not compile calc (where={}, select={}); interpreting it instead", condition,
          Arrays.toString(projections), e);
      return new InterpretedCalc(condition, projections);
    }
  }

  /** Always compiles (tests); failures propagate. */
  public static CompiledCalc compile(Expr condition, Expr[] projections) {
    CalcCodeGenerator.Generated g = CalcCodeGenerator.generate(condition, projections);
    try {
      return (CompiledCalc) constructorFor(g.source()).newInstance((Object) g.fieldValues());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot instantiate generated calc:\n" + g.source(), e);
    }
  }

  /** The generated source, for debugging and tests. */
  public static String source(Expr condition, Expr[] projections) {
    return CalcCodeGenerator.generate(condition, projections).source();
  }

  private static Constructor<?> constructorFor(String source) {
    Constructor<?> c = CACHE.get(source);
    if (c == null) {
      c = cook(source); // outside the map: two threads may both compile a new shape, harmlessly
      if (CACHE.size() >= CACHE_SIZE) {
        CACHE.clear();
      }
      CACHE.putIfAbsent(source, c);
    }
    return c;
  }

  private static Constructor<?> cook(String source) {
    LOG.debug("compiling calc:\n{}", source);
    SimpleCompiler compiler = new SimpleCompiler();
    // the loader that sees CompiledCalc, ColumnarBatch and Expr (not the thread's context loader,
    // which may be a plugin's)
    compiler.setParentClassLoader(CompiledCalc.class.getClassLoader());
    try {
      compiler.cook(source);
      Class<?> cls = compiler.getClassLoader().loadClass(CalcCodeGenerator.CLASS_NAME);
      return cls.getConstructor(Object[].class);
    } catch (Exception e) {
      throw new IllegalStateException("cannot compile generated calc: " + e.getMessage() + "\n" + source, e);
    }
  }
}
