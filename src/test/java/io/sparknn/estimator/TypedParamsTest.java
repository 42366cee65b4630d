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
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.junit.jupiter.api.Test;

/** Every param of every public stage has a typed setter and getter, as Spark MLlib's stages do. */
class TypedParamsTest {
  private static String cap(String name) {
    return name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
  }

  private static Method setter(Class<?> c, String name) {
    for (Method m : c.getMethods()) {
      if (m.getName().equals("set" + cap(name)) && m.getParameterCount() == 1) {
        return m;
      }
    }
    return null;
  }

  @Test
  void everyParamOfEveryStageHasATypedSetterAndGetterThatAgreeWithTheParam() throws Exception {
    List<String> missing = new ArrayList<>();
    Params[] stages = {new NeuralClassifier(), new NeuralRegressor(), new StratifiedSplitter(),
        new StratifiedKFold(), new Standardizer(), new CategoricalEncoder(), new MetricsEvaluator()};
    int checked = 0;
    for (Params stage : stages) {
      for (Param<?> p : stage.params()) {
        Method set = setter(stage.getClass(), p.name());
        Method get;
        try {
          get = stage.getClass().getMethod("get" + cap(p.name()));
        } catch (NoSuchMethodException e) {
          get = null;
        }
        if (set == null || get == null) {
          missing.add(stage.getClass().getSimpleName() + "." + p.name() + (set == null ? " (setter)" : "")
              + (get == null ? " (getter)" : ""));
          continue;
        }
        if (stage.hasDefault(p)) { // the typed setter takes the default value and sets exactly that param
          Object v = stage.getOrDefault(p);
          Object returned = set.invoke(stage, v);
          assertEquals(stage, returned, "setters return the stage for chaining");
          assertTrue(stage.isSet(p), p.name());
          Object got = get.invoke(stage);
          assertEquals(p.jsonEncode(cast(v)), p.jsonEncode(cast(got)), stage.getClass().getSimpleName() + "." + p.name());
          checked++;
        }
      }
    }
    assertEquals(List.of(), missing);
    assertTrue(checked > 80, "params checked: " + checked);
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }

  @Test
  void fittedModelsHaveTypedSettersForTheirScoringParams() throws Exception {
    for (Class<?> c : new Class<?>[] {io.sparknn.classification.NeuralClassificationModel.class,
        io.sparknn.regression.NeuralRegressionModel.class}) {
      for (String name : new String[] {"featuresCol", "predictionCol", "probabilityCol", "rawPredictionCol",
          "handleInvalid", "engine"}) {
        assertTrue(setter(c, name) != null, c.getSimpleName() + ".set" + cap(name));
        assertTrue(c.getMethod("get" + cap(name)) != null);
      }
    }
  }
}
