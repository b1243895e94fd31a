"""tests/03-minibatch.bench.py: the full-batch gradient pass of chapter 3 in
numpy (and PyTorch, where installed), on one thread, for `make bench` to
set beside the course's C pass. Prints CSV: library,seconds (the median of
7 passes over N x d doubles, N and d from the command line). Prints nothing
for a library that is not installed; never fails for that reason.
"""
import os
import statistics
import sys
import time

# One thread, as the C pass: set before numpy loads its BLAS.
for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[name] = "1"

try:
    import numpy as np
except ImportError:
    sys.exit(0)

n, d = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(1)
x = rng.standard_normal((n, d))
y = rng.standard_normal(n)
w = 1.0 / np.arange(1, d + 1)
b = 0.5


def median_seconds(step, runs=7):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def numpy_pass():
    r = x @ w + b - y
    return (2.0 / n) * (x.T @ r), (2.0 / n) * r.sum(), (r @ r) / n


print("library,seconds")
print(f"numpy {np.__version__},{median_seconds(numpy_pass):.6g}")

try:
    import torch
except ImportError:
    sys.exit(0)
torch.set_num_threads(1)
tx, ty, tw = torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(w)


def torch_pass():
    r = tx @ tw + b - ty
    return (2.0 / n) * (tx.T @ r), (2.0 / n) * r.sum(), (r @ r) / n


print(f"torch {torch.__version__},{median_seconds(torch_pass):.6g}")
