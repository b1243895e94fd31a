"""09-precision.torch.py: chapter 9 against PyTorch 1.13.

Two jobs. Needs Debian's PyTorch (apt-get install -y python3-torch), so run
it with Debian's Python:

    /usr/bin/python3 tests/09-precision.torch.py --write-reference tests/09-precision.torch.h
    /usr/bin/python3 tests/09-precision.torch.py --compare [N]

--write-reference writes the file the graded tests include: the history of
a dynamic loss scaler (scale and growth tracker after each update) for
fixed sequences of found_inf flags, as torch._amp_update_scale_ computes
it. That operator has no CPU kernel in PyTorch 1.13 (only CUDA's,
aten/src/ATen/native/cuda/AmpKernels.cu, amp_update_scale_cuda_kernel;
the CPU one came in 2.x), so on a machine without CUDA the kernel's
algorithm is run here, line for line, on float32 tensors as the kernel
keeps them:
    if found_inf: scale = (float)(scale * backoff_factor); tracker = 0
    else: successful = tracker + 1
          if successful == growth_interval:
              new_scale = (float)(scale * growth_factor)
              if isfinite(new_scale): scale = new_scale   # not past fp32
              tracker = 0
          else: tracker = successful
(scale * factor is float times double, computed in double, then stored in
the float32 tensor.) The file says which of the two made it.

--compare rounds N (a million by default) float32 values, random bit
patterns and edge values, with PyTorch's .to(torch.float16) and
.to(torch.bfloat16) and with build/bin/precision --task round, and prints
the largest difference and how many differ (nan compared as nan). The
values are handed to the program as the exact decimal of each float
(%.17g of its double), so the program rounds the float itself.

The course's own tests never need torch.
"""
import math
import os
import struct
import subprocess
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAM = os.path.join(ROOT, "build", "bin", "precision")

# (name, comment, start scale, growth interval, growth factor, backoff
# factor, found_inf flags).
CASES = [
    ("TORCH_SCALER_MIXED", "from 2^16, growth_interval 3: growth, overflows, "
     "overflows in a row, an interrupted run of clean steps",
     65536.0, 3, 2.0, 0.5,
     [0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0]),
    ("TORCH_SCALER_CAP", "from 2^126, growth_interval 1: grows to 2^127, "
     "then not past float32's largest value",
     2.0 ** 126, 1, 2.0, 0.5, [0, 0, 0, 1, 0, 0]),
    ("TORCH_SCALER_ROUNDED", "from 2^16, growth_interval 2, growth_factor "
     "1.5, backoff_factor 0.3: factors that are not powers of two, so that "
     "each new scale is rounded to the float32 that holds it",
     65536.0, 2, 1.5, 0.3, [1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0]),
]


def update_reference(scale, tracker, found, growth, backoff, interval):
    """amp_update_scale_cuda_kernel's algorithm, on float32 tensors."""
    f32 = torch.float32
    if found:
        return torch.tensor(scale.item() * backoff, dtype=f32), 0
    successful = tracker + 1
    if successful == interval:
        new_scale = torch.tensor(scale.item() * growth, dtype=f32)
        if math.isfinite(new_scale.item()):
            scale = new_scale
        return scale, 0
    return scale, successful


def history(start, interval, growth, backoff, flags):
    """Scale and tracker after each update; which implementation ran."""
    scale = torch.full((1,), start, dtype=torch.float32)
    tracker = torch.zeros(1, dtype=torch.int32)
    try:
        scales, trackers = [], []
        for f in flags:
            torch._amp_update_scale_(scale, tracker,
                                     torch.full((1,), float(f)), growth,
                                     backoff, interval)
            scales.append(scale.item())
            trackers.append(int(tracker.item()))
        return scales, trackers, "torch._amp_update_scale_"
    except (NotImplementedError, RuntimeError):
        pass
    s, t = torch.tensor(start, dtype=torch.float32), 0
    scales, trackers = [], []
    for f in flags:
        s, t = update_reference(s, t, f, growth, backoff, interval)
        scales.append(s.item())
        trackers.append(t)
    return scales, trackers, ("the algorithm of amp_update_scale_cuda_kernel "
                              "(no CPU kernel in this build)")


def write_reference(path):
    out = []
    made_by = set()
    for name, comment, start, interval, growth, backoff, flags in CASES:
        scales, trackers, by = history(start, interval, growth, backoff, flags)
        made_by.add(by)
        n = len(flags)
        out.append("/* %s */" % comment)
        out.append("static const double %s_START = %r;" % (name, start))
        out.append("static const size_t %s_INTERVAL = %d;" % (name, interval))
        out.append("static const double %s_GROWTH = %r;" % (name, growth))
        out.append("static const double %s_BACKOFF = %r;" % (name, backoff))
        out.append("static const bool %s_FOUND_INF[%d] = {%s};"
                   % (name, n, ", ".join("true" if f else "false" for f in flags)))
        out.append("static const double %s_SCALE[%d] = {%s};"
                   % (name, n, ", ".join(repr(s) for s in scales)))
        out.append("static const size_t %s_TRACKER[%d] = {%s};"
                   % (name, n, ", ".join(str(t) for t in trackers)))
        out.append("")
    head = """/*
 * 09-precision.torch.h: PyTorch's dynamic loss scaler (GradScaler's
 * update, torch._amp_update_scale_) after each step of a few sequences of
 * found_inf flags, which tests/09-precision.c pins.
 *
 * GENERATED: do not edit. Written by
 *     /usr/bin/python3 tests/09-precision.torch.py --write-reference tests/09-precision.torch.h
 * with torch %s, by %s.
 * Printed with repr(), which reads back to the same double.
 */
#include <stdbool.h>
#include <stddef.h>

""" % (torch.__version__, " and ".join(sorted(made_by)))
    with open(path, "w") as f:
        f.write(head + "\n".join(out))


def compare(n):
    """Largest difference between PyTorch's rounding and the program's."""
    gen = torch.Generator().manual_seed(9)
    bits = torch.randint(-2 ** 31, 2 ** 31, (n,), generator=gen, dtype=torch.int64)
    values = bits.to(torch.int32).view(torch.float32)
    edges = [0.0, -0.0, 1.0, 65504.0, 65519.99, 65520.0, 2 ** -24, 2 ** -25,
             1.5 * 2 ** -25, 2 ** -14, 1 + 2 ** -11, 1 + 3 * 2 ** -11,
             1 + 2 ** -8, 3.3895313892515355e38, 3.4028234663852886e38,
             float("inf"), float("-inf"), float("nan"), 1e-45, 1e-40]
    values = torch.cat([torch.tensor(edges, dtype=torch.float32), values])
    text = "".join("%.17g\n" % v for v in values.tolist())
    worst = {}
    for fmt, dtype in (("fp16", torch.float16), ("bf16", torch.bfloat16)):
        torch_out = values.to(dtype).to(torch.float64).tolist()
        run = subprocess.run([PROGRAM, "--task", "round", "--format", fmt],
                             input=text, capture_output=True, text=True,
                             check=True)
        ours = [float(line) for line in run.stdout.split()]
        assert len(ours) == len(torch_out)
        largest, differ = 0.0, 0
        for a, b in zip(ours, torch_out):
            if math.isnan(a) or math.isnan(b):
                differ += not (math.isnan(a) and math.isnan(b))
                continue
            if a != b or math.copysign(1, a) != math.copysign(1, b):
                differ += 1
                d = abs(a - b) if math.isfinite(a - b) else math.inf
                largest = max(largest, d)
        worst[fmt] = (largest, differ)
        print("%s: %d values (%d edge values), %d differ, largest difference %g"
              % (fmt, len(ours), len(edges), differ, largest))
    return all(d == 0 for _, d in worst.values())


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--write-reference":
        write_reference(sys.argv[2])
        return 0
    if sys.argv[1:2] == ["--compare"]:
        n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
        return 0 if compare(n) else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
