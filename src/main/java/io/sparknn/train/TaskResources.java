package io.sparknn.train;

import io.sparknn.nn.Engine;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the work of a Spark task to what Spark gave the task: the engines use {@code spark.task.cpus} native
 * threads, and a task with a Spark-assigned GPU ({@code TaskContext.resources().get("gpu")}) runs ND4J on that
 * device. Outside a task (the driver, tests) nothing is changed. Every training and scoring task calls
 * {@link #bind} before it builds a network.
 */
public final class TaskResources {
  private static final Logger LOG = LoggerFactory.getLogger(TaskResources.class);
  private static final java.util.Set<String> SEEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Heap Spark keeps for itself on every executor (its {@code RESERVED_SYSTEM_MEMORY_BYTES}). */
  public static final long SPARK_RESERVED_BYTES = 300L << 20;

  private TaskResources() {}

  /**
   * The heap one of {@code tasks} training tasks running at once on this JVM may fill: {heap, bytes of cached
   * blocks in Spark's storage memory now, budget}, where budget = (heap − {@link #SPARK_RESERVED_BYTES} − cached
   * blocks) / tasks. Cached blocks count because they stay on the heap while the tasks train (those that do not
   * fit were spilled to disk: {@code MEMORY_AND_DISK}).
   */
  public static long[] heapBudget(int tasks) {
    long heap = Runtime.getRuntime().maxMemory();
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    long cached = env == null ? 0 : env.memoryManager().storageMemoryUsed();
    return new long[] {heap, cached, Math.max(0, (heap - SPARK_RESERVED_BYTES - cached) / Math.max(1, tasks))};
  }

  /**
   * What a task was bound to: its engine, its threads and the GPU address Spark assigned (null when none).
   *
   * @param engine the engine the task uses
   * @param threads native threads
   * @param gpu the Spark GPU address, or null
   * @param device the CUDA device ND4J runs on, or −1 on the CPU
   */
  public record Binding(Engine engine, int threads, String gpu, int device) {}

  /** Binds the current task (if any) and returns the engine for the {@code engine} param value. */
  public static Binding bind(String engine) {
    if (SEEN.add("blas core check")) { // once per JVM
      String warning = blasCoreWarning(cpuInfo(), System.getenv("OPENBLAS_CORETYPE"));
      if (warning != null) {
        LOG.warn(warning);
      }
    }
    TaskContext task = TaskContext.get();
    if (task == null) {
      return new Binding(Engine.of(engine), 0, null, -1);
    }
    int cpus = Math.max(1, task.cpus());
    Engine.threads(cpus);
    Map<String, ResourceInformation> resources = task.resourcesJMap();
    ResourceInformation gpus = resources == null ? null : resources.get("gpu");
    String gpu = gpus == null || gpus.addresses().length == 0 ? null : gpus.addresses()[0];
    int device = -1;
    Engine e = Engine.of(engine);
    if (gpu != null && e.name().equals("nd4j")) {
      try {
        int d = Integer.parseInt(gpu.trim());
        device = Engine.bindDevice(d) ? d : -1;
      } catch (NumberFormatException ex) {
        LOG.warn("Spark assigned GPU address '{}', which is not a CUDA device index; ND4J keeps its default"
            + " device", gpu);
      }
    }
    String what = e.name() + " engine, " + cpus + " thread(s), " + (device >= 0 ? "CUDA device " + device
        + " (Spark GPU address '" + gpu + "')" : "CPU" + (gpu == null ? "" : " (Spark GPU address '" + gpu + "')"));
    if (SEEN.add(what)) { // once per executor and binding at INFO (WARN for an unused GPU); every task at DEBUG
      if (gpu != null && device < 0) {
        LOG.warn("task {} of stage {}: {}: Spark assigned a GPU but the {} engine runs on the CPU (ND4J's CUDA"
            + " backend is not active: build with -Pcuda and set engine auto or nd4j)", task.partitionId(),
            task.stageId(), what, e.name());
      } else {
        LOG.info("task {} of stage {}: {}", task.partitionId(), task.stageId(), what);
      }
    } else {
      LOG.debug("task {} of stage {}: {}", task.partitionId(), task.stageId(), what);
    }
    return new Binding(e, cpus, gpu, device);
  }

  /** The first processor's block of /proc/cpuinfo, or "" where there is none (not Linux). */
  private static String cpuInfo() {
    try {
      String all = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo"));
      int end = all.indexOf("\n\n");
      return end < 0 ? all : all.substring(0, end);
    } catch (java.io.IOException | RuntimeException e) {
      return "";
    }
  }

  /**
   * A warning when the OpenBLAS that ND4J bundles (0.3.19, used by both engines' products) will run its slowest x86
   * kernels here, else null. Its CPU detection knows Intel family-6 models only up to extended model 9; a later model
   * (Raptor Lake 0xB7, Meteor Lake 0xAA, Emerald Rapids 0xCF, …) falls through to the Prescott (SSE3) kernels unless
   * {@code OPENBLAS_CORETYPE} is set: a name it does not know (such as {@code auto}) makes it choose by the CPU's
   * features (AVX-512, AVX2). Measured on an Emerald Rapids (model 207) VM: a 512³ product at 32 GFLOP/s with the
   * variable unset, 131 with {@code auto}.
   *
   * @param cpuinfo the first processor's block of /proc/cpuinfo
   * @param coretype the value of OPENBLAS_CORETYPE, or null when unset
   */
  static String blasCoreWarning(String cpuinfo, String coretype) {
    if (coretype != null) {
      return null;
    }
    String vendor = field(cpuinfo, "vendor_id");
    String family = field(cpuinfo, "cpu family");
    String model = field(cpuinfo, "model");
    if (!"GenuineIntel".equals(vendor) || !"6".equals(family) || model == null || !model.matches("\\d+")
        || Integer.parseInt(model) >> 4 < 10) {
      return null;
    }
    return "OpenBLAS 0.3.19 (bundled with ND4J, used for every product of both engines) does not know this CPU"
        + " (Intel family 6, model " + model + ") and runs its Prescott (SSE3) kernels, 2-4x slower than this CPU"
        + " allows. Set OPENBLAS_CORETYPE=auto in the environment of every JVM that runs sparknn"
        + " (spark.executorEnv.OPENBLAS_CORETYPE=auto for executors, the driver's environment in local mode;"
        + " conf/spark-defaults.conf has it) so that OpenBLAS picks its kernels by the CPU's features";
  }

  /** The value of a "name : value" line of a cpuinfo block, or null. */
  private static String field(String cpuinfo, String name) {
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }
}
