"""tests/08-backprop.bench.py: chapter 8's training step in PyTorch, for
`make bench` to set beside the course's C: the same network (784, the
hidden widths, 10; ReLU), the same optimizer (AdamW, lr 1e-3, weight decay
0.01), the same minibatch size and dtype (float64), on one thread. The
images are random numbers of the same shape (the speed of a product does
not depend on its values, and the C side's data loading is not timed
either), already on the right device and type, so only forward, backward
and the optimizer step are timed.

Usage: python3 tests/08-backprop.bench.py STEPS BATCH RUNS HIDDEN,...
Prints CSV: library,steps,batch_size,seconds_median,seconds_min,seconds_max
(each run times STEPS steps after 5 steps of warm-up). Prints nothing when
PyTorch is not installed; never fails for that reason.
"""
import os
import statistics
import sys
import time

for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[name] = "1"

try:
    import torch
except ImportError:
    sys.exit(0)

steps, batch, runs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
widths = [784] + [int(h) for h in sys.argv[4].split(",")] + [10]
torch.set_num_threads(1)
torch.manual_seed(1)
layers = []
for i, (fan_in, fan_out) in enumerate(zip(widths, widths[1:])):
    layers.append(torch.nn.Linear(fan_in, fan_out, dtype=torch.float64))
    if i + 2 < len(widths):
        layers.append(torch.nn.ReLU())
net = torch.nn.Sequential(*layers)
opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.01)
x = torch.randn(steps * batch, 784, dtype=torch.float64)
y = torch.randint(0, 10, (steps * batch,))


def step(k):
    xb, yb = x[k * batch:(k + 1) * batch], y[k * batch:(k + 1) * batch]
    opt.zero_grad()
    torch.nn.functional.cross_entropy(net(xb), yb).backward()
    opt.step()


times = []
for _ in range(runs):
    for k in range(5):
        step(k)
    start = time.perf_counter()
    for k in range(steps):
        step(k)
    times.append(time.perf_counter() - start)
print("library,steps,batch_size,seconds_median,seconds_min,seconds_max")
print(f"torch-{torch.__version__},{steps},{batch},{statistics.median(times)!r},"
      f"{min(times)!r},{max(times)!r}")
