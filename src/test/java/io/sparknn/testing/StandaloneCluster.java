package io.sparknn.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster of separate JVMs on 127.0.0.1, started from the jars on the test classpath (no Spark
 * distribution): a "Spark home" whose {@code jars/} links every classpath jar except this library's own and its
 * native-backend jars (those reach the executors only through {@code spark.jars}, as on a real cluster), one
 * Master and {@code workers} Workers, each Worker advertising fake GPU addresses through a discovery script.
 * Every process it starts (and every executor JVM those start) is stopped by PID in {@link #close}, which also
 * runs from a shutdown hook if the test JVM exits first.
 */
public final class StandaloneCluster implements AutoCloseable {
  /** Java options every Spark JVM needs on Java 17 (the pom's spark.opens, as Spark's launcher adds them). */
  private static final String[] OPENS = {"-XX:+IgnoreUnrecognizedVMOptions",
      "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
      "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false",
      "-Dio.netty.tryReflectionSetAccessible=true"};
  /** Classpath entries that are this library or ship inside its with-deps jar, not in a Spark distribution. */
  private static final Pattern NOT_SPARK = Pattern.compile(
      ".*(/target/classes|/target/test-classes|/sparknn_[^/]*\\.jar|/org/nd4j/|/org/bytedeco/|/org/junit/"
          + "|/org/opentest4j/|/org/apiguardian/|/org/scalatest/|/org/scalactic/|surefire|failsafe).*");

  private final Path dir;
  private final int masterPort;
  private final int masterUiPort;
  private final List<ProcessHandle> workers = new ArrayList<>();
  private final Set<ProcessHandle> started = new LinkedHashSet<>();
  private final Thread hook = new Thread(this::stopAll, "stop-standalone-cluster");

  /**
   * Starts a Master and {@code workers} Workers with {@code cores} cores, {@code memory} (e.g. "2g") and
   * {@code gpus} fake GPU addresses each (Worker i advertises addresses i*gpus … i*gpus+gpus−1, so every address
   * in the cluster is distinct), and waits until every Worker has registered.
   */
  public StandaloneCluster(Path dir, int workers, int cores, String memory, int gpus) throws Exception {
    this.dir = Files.createDirectories(dir);
    Runtime.getRuntime().addShutdownHook(hook);
    Path home = sparkHome(dir.resolve("spark-home"));
    masterPort = freePort();
    masterUiPort = freePort();
    start("master", home, List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
        Integer.toString(masterPort), "--webui-port", Integer.toString(masterUiPort)), null);
    for (int i = 0; i < workers; i++) {
      Path props = dir.resolve("worker-" + i + ".properties");
      List<String> addresses = new ArrayList<>();
      for (int g = 0; g < gpus; g++) {
        addresses.add("\"" + (i * gpus + g) + "\"");
      }
      Path script = dir.resolve("gpus-worker-" + i + ".sh");
      Files.writeString(script, "#!/usr/bin/env bash\necho '{\"name\":\"gpu\",\"addresses\":["
          + String.join(",", addresses) + "]}'\n");
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.writeString(props, gpus == 0 ? "" : "spark.worker.resource.gpu.amount " + gpus
          + "\nspark.worker.resource.gpu.discoveryScript " + script + "\n");
      Path work = Files.createDirectories(dir.resolve("work-" + i));
      this.workers.add(start("worker-" + i, home, List.of("org.apache.spark.deploy.worker.Worker", masterUrl(),
          "--host", "127.0.0.1", "--port", Integer.toString(freePort()), "--webui-port",
          Integer.toString(freePort()), "--cores", Integer.toString(cores), "--memory", memory, "--work-dir",
          work.toString(), "--properties-file", props.toString()), "-Xmx512m"));
    }
    awaitAliveWorkers(workers, 120_000);
  }

  /** The master URL, {@code spark://127.0.0.1:port}. */
  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The Worker processes, in start order. */
  public List<ProcessHandle> workers() {
    return workers;
  }

  /** The JVMs a Worker started for applications (its executors), now. */
  public List<ProcessHandle> executorsOf(ProcessHandle worker) {
    List<ProcessHandle> out = new ArrayList<>();
    worker.descendants().filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
        .forEach(out::add);
    started.addAll(out);
    return out;
  }

  /** Kills a Worker JVM with SIGKILL, as a lost machine would, and returns the executors it had started. */
  public List<ProcessHandle> killWorker(int i) {
    ProcessHandle w = workers.get(i);
    List<ProcessHandle> executors = executorsOf(w);
    w.destroyForcibly();
    w.onExit().join();
    return executors;
  }

  /** How many Workers the Master reports ALIVE (its JSON status page on 127.0.0.1). */
  public int aliveWorkers() {
    try (InputStream in = URI.create("http://127.0.0.1:" + masterUiPort + "/json/").toURL().openStream()) {
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Matcher m = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)").matcher(json);
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private void awaitAliveWorkers(int n, long millis) throws Exception {
    long end = System.currentTimeMillis() + millis;
    while (aliveWorkers() < n) {
      for (ProcessHandle p : started) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a cluster JVM exited while starting; logs in " + dir);
        }
      }
      if (System.currentTimeMillis() > end) {
        throw new IllegalStateException(n + " Workers did not register within " + millis + " ms; logs in " + dir);
      }
      Thread.sleep(250);
    }
  }

  private ProcessHandle start(String name, Path home, List<String> mainAndArgs, String heap) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(OPENS));
    if (heap != null) {
      cmd.add(heap);
    }
    cmd.add("-cp");
    cmd.add(home.resolve("jars") + File.separator + "*");
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("OMP_NUM_THREADS", "1");
    env.put("OPENBLAS_NUM_THREADS", "1");
    ProcessHandle p = pb.start().toHandle();
    started.add(p);
    return p;
  }

  /** A Spark home: {@code jars/} holds links to the classpath's Spark jars and their dependencies. */
  private static Path sparkHome(Path home) throws IOException {
    Path jars = Files.createDirectories(home.resolve("jars"));
    try (var old = Files.list(jars)) {
      for (Path p : (Iterable<Path>) old::iterator) {
        Files.delete(p);
      }
    }
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry).toAbsolutePath();
      if (entry.endsWith(".jar") && Files.isRegularFile(p) && !NOT_SPARK.matcher(p.toString()).matches()) {
        Path link = jars.resolve(p.getFileName());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, p);
          n++;
        }
      }
    }
    if (n < 50 || !Files.exists(jars.resolve("spark-core_2.13-" + org.apache.spark.package$.MODULE$.SPARK_VERSION()
        + ".jar"))) {
      throw new IllegalStateException("the test classpath gave " + n + " jars for the Spark home and no"
          + " spark-core; java.class.path must list the test classpath (failsafe/surefire do)");
    }
    return home;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void stopAll() {
    for (ProcessHandle w : workers) {
      if (w.isAlive()) {
        executorsOf(w);
      }
    }
    List<ProcessHandle> all = new ArrayList<>(started);
    java.util.Collections.reverse(all); // executors, then Workers, then the Master
    for (ProcessHandle p : all) {
      p.destroy();
    }
    long end = System.currentTimeMillis() + 10_000;
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(Math.max(1, end - System.currentTimeMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
      }
    }
  }

  /** Stops every process this cluster started, by PID: SIGTERM, then SIGKILL after 10 s. */
  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }
}
