package dev.laminar.runtime.codegen;

import dev.laminar.runtime.expr.Expr;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles a filter and projection to bytecode with Janino, or hands back the interpreter when
 * code generation is switched off ({@code -Dlaminar.codegen=false}, for differential testing) or
 * fails (logged as a warning; the query still runs).
 *
 * <p>Generated classes are cached by source text ({@link GeneratedClasses}); each instance gets its
 * own embedded expressions and constants. Thread-safe; called at plan instantiation, never per row.
 */
public final class CalcCompiler {
  /** System property; {@code false} forces the interpreter. */
  public static final String ENABLED_PROPERTY = "laminar.codegen";

  private static final Logger LOG = LoggerFactory.getLogger(CalcCompiler.class);

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
      return (CompiledCalc) GeneratedClasses.constructor(g.source(), CalcCodeGenerator.CLASS_NAME, Object[].class).newInstance((Object) g.fieldValues());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot instantiate generated calc:\n" + g.source(), e);
    }
  }

  /** The generated source, for debugging and tests. */
  public static String source(Expr condition, Expr[] projections) {
    return CalcCodeGenerator.generate(condition, projections).source();
  }
}
