"""A Jupyter kernel for the sparknn notebooks: Java cells run by JShell in one JVM that has the library, Spark and
their dependencies on its class path (io.sparknn.testing.Notebooks, the class the notebook test uses too).

The class path comes from target/notebook.classpath, written by
  mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/notebook.classpath -Dmdep.includeScope=test
Install with notebooks/kernel/install.sh; see notebooks/README.md.
"""
import base64
import os
import subprocess
import sys
import threading

from ipykernel.kernelbase import Kernel

MARK = "\u0001"
END = "//<<end of cell>>"
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OPENS = ("-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED "
         "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED "
         "--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED "
         "--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED "
         "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED "
         "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED "
         "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED "
         "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED "
         "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false "
         "-Dio.netty.tryReflectionSetAccessible=true").split()


class SparknnKernel(Kernel):
    implementation = "sparknn-java"
    implementation_version = "0.1"
    language = "java"
    language_version = "17"
    language_info = {"name": "java", "mimetype": "text/x-java", "file_extension": ".java",
                     "codemirror_mode": "text/x-java"}
    banner = "Java (JShell) with sparknn and Spark on the class path"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        cp_file = os.path.join(ROOT, "target", "notebook.classpath")
        if not os.path.exists(cp_file):
            raise RuntimeError(cp_file + " is missing: run, in " + ROOT + ", mvn -q test-compile "
                               "dependency:build-classpath -Dmdep.outputFile=target/notebook.classpath "
                               "-Dmdep.includeScope=test")
        with open(cp_file) as f:
            deps = f.read().strip()
        cp = os.pathsep.join([os.path.join(ROOT, "target", "classes"), os.path.join(ROOT, "target", "test-classes"),
                              deps])
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", OPENBLAS_CORETYPE="auto",
                   SPARK_LOCAL_IP="127.0.0.1")
        self.java = subprocess.Popen(["java", "-Xmx4g"] + OPENS + ["-cp", cp, "io.sparknn.testing.Notebooks"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     cwd=ROOT, env=env, text=True, encoding="utf-8", bufsize=1)
        self._read_until_status()  # the session is ready

    def _read_until_status(self, on_line=None):
        while True:
            line = self.java.stdout.readline()
            if not line:
                raise RuntimeError("the JShell process ended")
            if line.startswith(MARK + "ok") or line.startswith(MARK + "error"):
                return line.strip() == MARK + "ok"
            if on_line:
                on_line(line)

    def _emit(self, line):
        if line.startswith(MARK + "image "):
            path = line[len(MARK + "image "):].strip()
            with open(path, "rb") as f:
                data = base64.b64encode(f.read()).decode("ascii")
            self.send_response(self.iopub_socket, "display_data",
                               {"data": {"image/png": data, "text/plain": "<image " + os.path.basename(path) + ">"},
                                "metadata": {}})
            os.remove(path)
        else:
            self.send_response(self.iopub_socket, "stream", {"name": "stdout", "text": line})

    def do_execute(self, code, silent, store_history=True, user_expressions=None, allow_stdin=False):
        self.java.stdin.write(code.rstrip("\n") + "\n" + END + "\n")
        self.java.stdin.flush()
        ok = self._read_until_status(None if silent else self._emit)
        if ok:
            return {"status": "ok", "execution_count": self.execution_count, "payload": [],
                    "user_expressions": {}}
        self.send_response(self.iopub_socket, "error", {"ename": "CellError", "evalue": "the cell failed",
                                                        "traceback": ["the cell failed (see its output)"]})
        return {"status": "error", "execution_count": self.execution_count, "ename": "CellError",
                "evalue": "the cell failed", "traceback": []}

    def do_shutdown(self, restart):
        try:
            self.java.stdin.close()
            self.java.wait(timeout=30)
        except Exception:
            self.java.kill()
        return {"status": "ok", "restart": restart}


if __name__ == "__main__":
    from ipykernel.kernelapp import IPKernelApp
    IPKernelApp.launch_instance(kernel_class=SparknnKernel)
