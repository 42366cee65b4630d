#!/usr/bin/env bash
# GPU discovery script for Spark's resource scheduling (spark.executor.resource.gpu.discoveryScript and
# spark.worker.resource.gpu.discoveryScript). Prints the GPUs this machine has as Spark expects:
#   {"name": "gpu", "addresses": ["0", "1"]}
# The addresses are CUDA device indices; a sparknn task binds ND4J to the address Spark assigned it.
# Spark's own example script (examples/src/main/scripts/getGpusResources.sh) does the same with nvidia-smi.
# Without nvidia-smi (no NVIDIA driver) it prints an empty list, so Spark schedules no GPU tasks there.
set -euo pipefail
if command -v nvidia-smi >/dev/null 2>&1; then
  addrs=$(nvidia-smi --query-gpu=index --format=csv,noheader | sed -e 's/^ *//' -e 's/.*/"&"/' | paste -sd, -)
else
  addrs=""
fi
echo "{\"name\": \"gpu\", \"addresses\": [${addrs}]}"
