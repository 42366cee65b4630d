#!/usr/bin/env bash
# Installs the "sparknn (Java)" Jupyter kernel for this checkout and writes the class path it runs on.
#   sudo apt-get install jupyter-nbconvert python3-nbclient python3-ipykernel   (Debian 12; as root: no sudo)
#   notebooks/kernel/install.sh
#   jupyter nbconvert --to notebook --execute --inplace notebooks/*.ipynb
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/notebook.classpath -Dmdep.includeScope=test
# the kernel spec goes where `jupyter kernelspec install --user` would put it (Debian's jupyter has no kernelspec)
spec="$(jupyter --data-dir)/kernels/sparknn-java"
mkdir -p "$spec"
cat > "$spec/kernel.json" <<JSON
{"argv": ["/usr/bin/python3", "$root/notebooks/kernel/sparknn_kernel.py", "-f", "{connection_file}"],
 "display_name": "sparknn (Java)", "language": "java"}
JSON
echo "kernel sparknn-java installed in $spec for $root"
