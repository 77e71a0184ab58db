package dev.laminar.plugin.functions;

import dev.laminar.sdk.type.DataType;
import dev.laminar.tck.AggregateFunctionTestContext;
import dev.laminar.tck.AggregateFunctionTestSuite;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Nested;

/** The TCK's aggregate suite against VARIANCE_POP, over every numeric argument type and hostile inputs. */
class VariancePopContractTest {
  @Nested
  class OverDouble extends AggregateFunctionTestSuite {
    @Override
    protected AggregateFunctionTestContext<?> createContext() {
      return new VariancePopContext(DataType.DOUBLE);
    }
  }

  /** A large mean against a small spread: where Σx² − (Σx)²/n in doubles cancels to noise. */
  @Nested
  class OverDoubleWithLargeMean extends AggregateFunctionTestSuite {
    @Override
    protected AggregateFunctionTestContext<?> createContext() {
      return new VariancePopContext(DataType.DOUBLE, random -> 1e9 + random.nextGaussian());
    }
  }

  /** Magnitudes from 1e-300 to 1e300, and now and then NaN or an infinity (which make the result NaN until retracted). */
  @Nested
  class OverDoubleWithExtremesAndNonFinite extends AggregateFunctionTestSuite {
    @Override
    protected AggregateFunctionTestContext<?> createContext() {
      return new VariancePopContext(DataType.DOUBLE, random -> switch (random.nextInt(60)) {
        case 0 -> Double.NaN;
        case 1 -> Double.POSITIVE_INFINITY;
        case 2 -> Double.NEGATIVE_INFINITY;
        default -> (random.nextBoolean() ? 1 : -1) * Math.pow(10, random.nextInt(601) - 300) * random.nextDouble();
      });
    }
  }

  @Nested
  class OverBigint extends AggregateFunctionTestSuite {
    @Override
    protected AggregateFunctionTestContext<?> createContext() {
      return new VariancePopContext(DataType.BIGINT, random -> random.nextLong());
    }
  }

  @Nested
  class OverInt extends AggregateFunctionTestSuite {
    @Override
    protected AggregateFunctionTestContext<?> createContext() {
      return new VariancePopContext(DataType.INT);
    }
  }

  @Nested
  class OverDecimal extends AggregateFunctionTestSuite {
    @Override
    protected AggregateFunctionTestContext<?> createContext() {
      return new VariancePopContext(DataType.decimal(30, 6),
          random -> new BigDecimal(new BigInteger(80, random).subtract(BigInteger.ONE.shiftLeft(79)), 6));
    }
  }
}
