package io.sparknn.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.classification.NeuralClassifier;
import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.feature.CategoricalEncoder;
import io.sparknn.feature.Standardizer;
import io.sparknn.feature.StratifiedKFold;
import io.sparknn.feature.StratifiedSplitter;
import io.sparknn.regression.NeuralRegressor;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.junit.jupiter.api.Test;

/**
 * Every validator is as strict as its doc: a range written in a param's doc ("(>= 1)", "(> 0)", "in [0, 1)",
 * "in [0, 0.5]") or a list of supported values is read from the doc and checked against the param's validator on
 * both sides of every bound.
 */
class ParamDocsTest {
  private static final Pattern AT_LEAST = Pattern.compile("\\(>= (-?[0-9.]+)\\)");
  private static final Pattern ABOVE = Pattern.compile("\\(> (-?[0-9.]+)\\)");
  private static final Pattern RANGE = Pattern.compile("in \\[(-?[0-9.]+), (-?[0-9.]+)([\\])])");
  private static final Pattern SUPPORTED = Pattern.compile("Supported: ([^.]+)\\.");

  @SuppressWarnings("unchecked")
  private static boolean valid(Param<?> p, Object v) {
    return ((Param<Object>) p).isValid().apply(v).equals(Boolean.TRUE);
  }

  private static Object number(Param<?> p, double v) {
    return p instanceof IntParam ? (Object) (int) Math.floor(v) : (Object) v;
  }

  @Test
  void everyRangeAndListInADocIsWhatTheValidatorEnforces() {
    Params[] stages = {new NeuralClassifier(), new NeuralRegressor(), new StratifiedSplitter(),
        new StratifiedKFold(), new Standardizer(), new CategoricalEncoder(), new MetricsEvaluator()};
    List<String> wrong = new ArrayList<>();
    int checks = 0;
    for (Params stage : stages) {
      for (Param<?> p : stage.params()) {
        String where = stage.getClass().getSimpleName() + "." + p.name() + " (" + p.doc() + "): ";
        boolean numeric = p instanceof IntParam || p instanceof DoubleParam;
        double eps = p instanceof IntParam ? 1 : 1e-9;
        Matcher m = AT_LEAST.matcher(p.doc());
        if (numeric && m.find()) {
          double min = Double.parseDouble(m.group(1));
          checks += 2;
          if (!valid(p, number(p, min))) {
            wrong.add(where + "rejects its minimum " + min);
          }
          if (valid(p, number(p, min - eps)) && !p.doc().contains("or " + (int) (min - eps) + " =")) {
            wrong.add(where + "accepts " + (min - eps));
          }
        }
        m = ABOVE.matcher(p.doc());
        if (numeric && m.find()) {
          double min = Double.parseDouble(m.group(1));
          checks += 2;
          if (valid(p, number(p, min))) {
            wrong.add(where + "accepts the excluded bound " + min);
          }
          if (!valid(p, number(p, min + eps))) {
            wrong.add(where + "rejects " + (min + eps));
          }
        }
        m = RANGE.matcher(p.doc());
        if (numeric && m.find()) {
          double lo = Double.parseDouble(m.group(1));
          double hi = Double.parseDouble(m.group(2));
          boolean closed = m.group(3).equals("]");
          checks += 4;
          if (!valid(p, number(p, lo)) || valid(p, number(p, lo - eps))) {
            wrong.add(where + "lower bound " + lo + " not enforced as documented");
          }
          if (valid(p, number(p, hi)) != closed) {
            wrong.add(where + (closed ? "rejects" : "accepts") + " the upper bound " + hi);
          }
          if (valid(p, number(p, hi + (closed ? eps : 0.5)))) {
            wrong.add(where + "accepts " + (hi + (closed ? eps : 0.5)) + ", above its range");
          }
        }
        m = SUPPORTED.matcher(p.doc());
        if (!numeric && m.find()) {
          for (String v : m.group(1).split(",\\s*")) {
            checks++;
            if (!valid(p, v.trim())) {
              wrong.add(where + "rejects the supported value '" + v.trim() + "'");
            }
          }
          checks++;
          if (valid(p, "no-such-value")) {
            wrong.add(where + "accepts an unsupported value");
          }
        }
      }
    }
    assertEquals(List.of(), wrong);
    assertTrue(checks > 100, "checks " + checks);
  }
}
