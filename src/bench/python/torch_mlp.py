#!/usr/bin/env python3
"""PyTorch peer for the engine benchmark: the same MLP, data shape, batch size, optimizer and one CPU thread.

Usage: torch_mlp.py HIDDEN ROWS BATCH EPOCHS [SCORE_ROWS]
  HIDDEN  hidden widths joined by '-', e.g. 64-64 (input 20, output 3 as in the Java benchmark)
Prints one JSON line: {"torch": version, "blas": the libblas it runs on, "train_rows_per_s": ...,
"score_rows_per_s": ...}. Install an optimized BLAS first (apt-get install libopenblas0-pthread): Debian's PyTorch
otherwise runs on the reference BLAS, 5x slower here.
Training rows/s is the median over epochs after the first (warm-up); scoring is forward + softmax under
torch.no_grad(), in batches of 512, 1,024 and 4,096 rows, 3 passes over SCORE_ROWS rows each: the best pass (its batch
size is printed as score_batch). Exit code 3 when PyTorch is missing.
"""
import json
import os
import sys
import time

try:
    import numpy as np
    import torch
except ImportError as e:  # the Java side prints the column as absent with this reason
    print(json.dumps({"error": "PyTorch is not installed (%s); apt-get install python3-torch" % e}))
    sys.exit(3)

FEATURES, CLASSES = 20, 3
# PyTorch's forward is timed at each of these batch sizes and its best kept: ours scores in batches of 512 rows
# (the jvm engine's), where PyTorch is not always at its fastest
SCORE_BATCHES = (512, 1024, 4096)


def data(rows, seed):
    """Two Gaussian clusters per class around N(0, 0.8^2) centres, as NeuralBenchmarks.synthetic."""
    centres = np.random.RandomState(2026).normal(0, 0.8, (6, FEATURES))
    r = np.random.RandomState(seed)
    cluster = r.randint(0, 6, rows)
    x = centres[cluster] + r.normal(size=(rows, FEATURES))
    return torch.tensor(x, dtype=torch.float32), torch.tensor(cluster % 3, dtype=torch.long)


def main():
    hidden = [int(h) for h in sys.argv[1].split("-")]
    rows, batch, epochs = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    score_rows = int(sys.argv[5]) if len(sys.argv) > 5 else 1_000_000
    torch.set_num_threads(1)
    torch.manual_seed(42)
    layers, width = [], FEATURES
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    net = torch.nn.Sequential(*layers, torch.nn.Linear(width, CLASSES))
    opt = torch.optim.Adam(net.parameters(), lr=0.003)
    loss_fn = torch.nn.CrossEntropyLoss()
    x, y = data(rows, 1)
    seconds = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        order = torch.randperm(rows)
        for s in range(0, rows, batch):
            idx = order[s:s + batch]
            opt.zero_grad()
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
        seconds.append(time.perf_counter() - t0)
    train = rows / float(np.median(seconds[1:] if len(seconds) > 1 else seconds))
    xs, _ = data(score_rows, 4)
    best, best_batch = float("inf"), 0
    with torch.no_grad():
        for score_batch in SCORE_BATCHES:
            for _ in range(3):
                t0 = time.perf_counter()
                for s in range(0, score_rows, score_batch):
                    torch.softmax(net(xs[s:s + score_batch]), dim=1)
                seconds = time.perf_counter() - t0
                if seconds < best:
                    best, best_batch = seconds, score_batch
    # Debian's PyTorch calls whatever libblas.so.3 points to: the reference BLAS unless an optimized one
    # (apt-get install libopenblas0-pthread) is installed; report which, since it decides the speed
    blas = os.path.realpath("/etc/alternatives/libblas.so.3-x86_64-linux-gnu")
    print(json.dumps({"torch": torch.__version__, "blas": blas, "train_rows_per_s": train,
                      "score_rows_per_s": score_rows / best, "score_batch": best_batch}))


if __name__ == "__main__":
    main()
