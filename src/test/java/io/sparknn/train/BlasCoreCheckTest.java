package io.sparknn.train;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The warning for CPUs that the bundled OpenBLAS 0.3.19 would run with its Prescott kernels. */
class BlasCoreCheckTest {
  private static String cpu(String vendor, int family, int model) {
    return "processor\t: 0\nvendor_id\t: " + vendor + "\ncpu family\t: " + family + "\nmodel\t\t: " + model
        + "\nmodel name\t: Intel(R) Xeon(R) Processor\nstepping\t: 2\nflags\t\t: fpu avx2 avx512f\n";
  }

  @Test
  void intelModelsPastOpenBlasKnowledgeWarnUnlessTheCoreTypeIsSet() {
    for (int model : new int[] {207, 183, 170, 173}) { // Emerald Rapids, Raptor Lake, Meteor Lake, Granite Rapids
      String w = TaskResources.blasCoreWarning(cpu("GenuineIntel", 6, model), null);
      assertTrue(w != null && w.contains("model " + model) && w.contains("OPENBLAS_CORETYPE=auto")
          && w.contains("spark.executorEnv.OPENBLAS_CORETYPE"), String.valueOf(w));
      assertNull(TaskResources.blasCoreWarning(cpu("GenuineIntel", 6, model), "auto"));
      assertNull(TaskResources.blasCoreWarning(cpu("GenuineIntel", 6, model), "Haswell"));
    }
  }

  @Test
  void cpusOpenBlasKnowsOrOtherVendorsDoNotWarn() {
    for (int model : new int[] {85, 106, 143, 151, 158}) { // Skylake-X, Ice Lake-SP, Sapphire Rapids, Alder Lake, ...
      assertNull(TaskResources.blasCoreWarning(cpu("GenuineIntel", 6, model), null), "model " + model);
    }
    assertNull(TaskResources.blasCoreWarning(cpu("AuthenticAMD", 25, 17), null));
    assertNull(TaskResources.blasCoreWarning("", null), "no /proc/cpuinfo (not Linux)");
    assertNull(TaskResources.blasCoreWarning("vendor_id : GenuineIntel\ncpu family : 6\nmodel : x\n", null));
  }
}
