package dev.laminar.runtime.codegen;

import dev.laminar.runtime.aggregate.AggregateSpec;
import dev.laminar.runtime.aggregate.GroupAccumulatorFactory;
import dev.laminar.runtime.aggregate.InterpretedGroupAccumulators;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles the per-row update of a query's aggregate calls (their state for one group, see
 * {@link AggregateCodeGenerator}) with Janino, or hands back the interpreted accumulators when
 * aggregate code generation is switched off ({@code -Dlaminar.codegen.aggregates=false}, or all code
 * generation with {@code -Dlaminar.codegen=false}) or fails (logged as a warning; the query still
 * runs). Thread-safe; called at plan instantiation, never per row.
 */
public final class AggregateCompiler {
  /** System property; {@code false} forces the interpreted accumulators (calcs stay compiled). */
  public static final String ENABLED_PROPERTY = "laminar.codegen.aggregates";

  private static final Logger LOG = LoggerFactory.getLogger(AggregateCompiler.class);

  private AggregateCompiler() {}

  /** True unless {@value #ENABLED_PROPERTY} or {@value CalcCompiler#ENABLED_PROPERTY} is {@code false}. */
  public static boolean enabled() {
    return CalcCompiler.enabled() && !"false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY));
  }

  /** The compiled form when enabled, else (or on failure) the interpreter; the heap form ({@link #create(AggregateSpec[], boolean)}). */
  public static GroupAccumulatorFactory create(AggregateSpec[] specs) {
    return create(specs, false);
  }

  /**
   * The compiled form when enabled, else (or on failure) the interpreter. {@code stored}: the form for the state-store
   * window operators, whose COUNT(DISTINCT) and APPROX_COUNT_DISTINCT keep their sets in the operator's
   * {@code SlotSets} (fixed-size slots unless a call is a plugin aggregate); its groups must not be used on the heap.
   */
  public static GroupAccumulatorFactory create(AggregateSpec[] specs, boolean stored) {
    if (!enabled()) {
      return new InterpretedGroupAccumulators(specs);
    }
    try {
      return compile(specs, stored);
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("could not compile the aggregates {}; interpreting them instead", Arrays.toString(specs), e);
      return new InterpretedGroupAccumulators(specs);
    }
  }

  /** Always compiles the heap form (tests, benchmarks); failures propagate. */
  public static GroupAccumulatorFactory compile(AggregateSpec[] specs) {
    return compile(specs, false);
  }

  /** Always compiles (tests, benchmarks); failures propagate. {@code stored}: see {@link #create(AggregateSpec[], boolean)}. */
  public static GroupAccumulatorFactory compile(AggregateSpec[] specs, boolean stored) {
    String source = AggregateCodeGenerator.generate(specs, stored);
    try {
      return (GroupAccumulatorFactory) GeneratedClasses.constructor(source, AggregateCodeGenerator.CLASS_NAME, AggregateSpec[].class)
          .newInstance((Object) specs.clone());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot instantiate generated aggregates:\n" + source, e);
    }
  }

  /**
   * The slot size the compiled group state of these calls would have ({@code GroupAccumulatorFactory.slotBytes}),
   * or -1 when it is not fixed-size or aggregates are interpreted; without compiling anything (EXPLAIN).
   */
  public static int slotBytes(AggregateSpec[] specs, boolean stored) {
    return enabled() ? AggregateCodeGenerator.slotBytes(specs, stored) : -1;
  }

  /** The generated source (heap form), for debugging and tests. */
  public static String source(AggregateSpec[] specs) {
    return AggregateCodeGenerator.generate(specs, false);
  }

  /**
   * How the aggregates will update, for EXPLAIN: {@code compiled}, {@code interpreted}, or
   * {@code compiled (interpreted: [...])} naming the calls the generated class delegates.
   */
  public static String describe(AggregateSpec[] specs) {
    return describe(specs, false);
  }

  /** {@link #describe(AggregateSpec[])} of the form {@code stored} or not ({@link #create(AggregateSpec[], boolean)}). */
  public static String describe(AggregateSpec[] specs, boolean stored) {
    if (!enabled()) {
      return "interpreted";
    }
    List<String> interpreted = new ArrayList<>();
    for (AggregateSpec s : specs) {
      if (!AggregateCodeGenerator.generates(s, specs, stored)) {
        interpreted.add(s.toString());
      }
    }
    return interpreted.isEmpty() ? "compiled" : "compiled (interpreted: " + interpreted + ")";
  }
}
