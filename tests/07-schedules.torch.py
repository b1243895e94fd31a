"""07-schedules.torch.py: chapter 7's schedules against PyTorch's.

Runs every case below through torch.optim.lr_scheduler and through
build/bin/schedules (which computes each rate with chapter 7's graded
functions), and reports the largest relative difference of the rates
(and, for training runs, of the losses and parameters). Needs Debian's
PyTorch (apt-get install -y python3-torch), so run it with Debian's Python:

    /usr/bin/python3 tests/07-schedules.torch.py             # every case
    /usr/bin/python3 tests/07-schedules.torch.py --verbose   # every row
    /usr/bin/python3 tests/07-schedules.torch.py --write-reference tests/07-schedules.torch.h

The last writes the reference file the graded tests include: PyTorch's
rates for a few schedules, so that the tests check the student's chained
formulas against what PyTorch computed, never against the solution. That
file is generated, never edited. The course's own tests never need torch.

The loop is PyTorch's documented one: for each step, read the rate,
optimizer.step(), then scheduler.step() (ReduceLROnPlateau's with that
step's loss).
"""
import math
import os
import subprocess
import sys

# torch's kernels without fused multiply-adds, as the C code is built
# (chapter 4's cross-check does the same), set before torch loads.
os.environ.setdefault("ATEN_CPU_CAPABILITY", "default")
import torch  # noqa: E402

torch.set_default_dtype(torch.float64)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAM = os.path.join(ROOT, "build", "bin", "schedules")
S = torch.optim.lr_scheduler

# (name, program flags, a function building torch's scheduler from an
# optimizer): the schedule alone, 'steps' rows.
CASES = [
    ("constant", "--schedule constant --lr 0.1 --steps 20",
     lambda o: S.LambdaLR(o, lambda k: 1.0)),
    ("step", "--schedule step --lr 0.1 --steps 100 --step-size 30",
     lambda o: S.StepLR(o, 30)),
    ("step-gamma", "--schedule step --lr 0.3 --steps 200 --step-size 7 --gamma 0.7",
     lambda o: S.StepLR(o, 7, 0.7)),
    ("multistep", "--schedule multistep --lr 0.1 --steps 100 --milestones 30,80",
     lambda o: S.MultiStepLR(o, [30, 80])),
    ("multistep-repeat", "--schedule multistep --lr 0.1 --steps 40 --milestones 5,5,20 --gamma 0.5",
     lambda o: S.MultiStepLR(o, [5, 5, 20], 0.5)),
    ("exponential", "--schedule exponential --lr 0.1 --steps 300 --gamma 0.97",
     lambda o: S.ExponentialLR(o, 0.97)),
    ("cosine", "--schedule cosine --lr 0.1 --steps 100",
     lambda o: S.CosineAnnealingLR(o, 100)),
    ("cosine-eta", "--schedule cosine --lr 0.1 --steps 250 --t-max 60 --eta-min 0.001",
     lambda o: S.CosineAnnealingLR(o, 60, 0.001)),
    ("cosine-restarts", "--schedule cosine-restarts --lr 0.1 --steps 150 --t-0 10 --t-mult 2 --eta-min 0.001",
     lambda o: S.CosineAnnealingWarmRestarts(o, 10, 2, 0.001)),
    ("cosine-restarts-1", "--schedule cosine-restarts --lr 0.05 --steps 60 --t-0 7",
     lambda o: S.CosineAnnealingWarmRestarts(o, 7)),
    ("linear", "--schedule linear --lr 0.1 --steps 20",
     lambda o: S.LinearLR(o)),
    ("linear-decay", "--schedule linear --lr 0.1 --steps 50 --start-factor 1 --end-factor 0.05 --total-iters 40",
     lambda o: S.LinearLR(o, 1.0, 0.05, 40)),
    ("onecycle", "--schedule onecycle --lr 0.1 --steps 100",
     lambda o: S.OneCycleLR(o, 0.1, 100)),
    ("onecycle-linear", "--schedule onecycle --lr 0.1 --steps 80 --max-lr 0.5 --total-steps 90 --pct-start 0.25 --anneal-strategy linear --div-factor 10 --final-div-factor 100",
     lambda o: S.OneCycleLR(o, 0.5, 90, pct_start=0.25, anneal_strategy="linear", div_factor=10.0, final_div_factor=100.0)),
    ("onecycle-three", "--schedule onecycle --lr 0.2 --steps 100 --three-phase --pct-start 0.35",
     lambda o: S.OneCycleLR(o, 0.2, 100, pct_start=0.35, three_phase=True)),
    ("warmup-cosine", "--schedule warmup-cosine --lr 0.1 --steps 100 --warmup-steps 10",
     lambda o: S.SequentialLR(o, [S.LinearLR(o, 1.0 / 3, 1.0, 10), S.CosineAnnealingLR(o, 90)], [10])),
    ("warmup-cosine-eta", "--schedule warmup-cosine --lr 0.1 --steps 120 --warmup-steps 5 --start-factor 0.01 --t-max 100 --eta-min 0.001",
     lambda o: S.SequentialLR(o, [S.LinearLR(o, 0.01, 1.0, 5), S.CosineAnnealingLR(o, 100, 0.001)], [5])),
]

# Training runs on chapter 4's quadratic f = (x² + κy²)/2 from (-3, 1):
# (name, flags, optimizer builder, scheduler builder).
CONDITION = 10.0
TRAINING = [
    ("plateau-sgd", "--schedule plateau --problem quadratic --optimizer sgd --lr 0.19 --steps 80 --patience 2 --threshold 0.05 --cooldown 1",
     lambda p: torch.optim.SGD(p, lr=0.19),
     lambda o: S.ReduceLROnPlateau(o, patience=2, threshold=0.05, cooldown=1)),
    ("plateau-abs", "--schedule plateau --problem quadratic --optimizer adam --lr 0.5 --steps 120 --patience 3 --threshold 0.01 --threshold-mode abs --factor 0.5 --min-lr 0.01",
     lambda p: torch.optim.Adam(p, lr=0.5),
     lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=3, threshold=0.01, threshold_mode="abs", min_lr=0.01)),
    ("onecycle-sgd", "--schedule onecycle --problem quadratic --optimizer sgd --lr 0.1 --steps 60",
     lambda p: torch.optim.SGD(p, lr=0.1),
     lambda o: S.OneCycleLR(o, 0.1, 60)),
    ("onecycle-adam", "--schedule onecycle --problem quadratic --optimizer adam --lr 0.5 --steps 60 --three-phase",
     lambda p: torch.optim.Adam(p, lr=0.5),
     lambda o: S.OneCycleLR(o, 0.5, 60, three_phase=True)),
    ("warmup-adam", "--schedule warmup-cosine --problem quadratic --optimizer adam --lr 0.5 --steps 60 --warmup-steps 8",
     lambda p: torch.optim.Adam(p, lr=0.5),
     lambda o: S.SequentialLR(o, [S.LinearLR(o, 1.0 / 3, 1.0, 8), S.CosineAnnealingLR(o, 52)], [8])),
]


def program_rows(flags):
    out = subprocess.run([PROGRAM] + flags.split(), check=True,
                         capture_output=True, text=True).stdout
    lines = out.strip().split("\n")
    header = lines[0].split(",")
    return header, [[float(v) for v in line.split(",")] for line in lines[1:]]


def schedule_rates(flags, build):
    steps = int(flags.split("--steps ")[1].split()[0])
    lr = float(flags.split("--lr ")[1].split()[0])
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=lr)
    sched = build(opt)
    rates = []
    for _ in range(steps):
        rates.append(opt.param_groups[0]["lr"])
        param.grad = torch.zeros(1)
        opt.step()
        sched.step()
    return rates


def training_rows(flags, make_opt, build):
    steps = int(flags.split("--steps ")[1].split()[0])
    theta = torch.tensor([-3.0, 1.0], requires_grad=True)
    opt = make_opt([theta])
    sched = build(opt)
    rows = []
    for k in range(steps + 1):
        x, y = theta.detach().tolist()
        loss = (x * x + CONDITION * y * y) / 2.0
        rows.append([k, opt.param_groups[0]["lr"], loss, x, y])
        if k == steps:
            break
        theta.grad = torch.tensor([x, CONDITION * y])
        opt.step()
        if isinstance(sched, S.ReduceLROnPlateau):
            sched.step(loss)
        else:
            sched.step()
    return rows


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300) if a != b else 0.0


def main():
    verbose = "--verbose" in sys.argv
    worst_all = 0.0
    print(f"torch {torch.__version__} from {os.path.dirname(torch.__file__)}")
    for name, flags, build in CASES:
        want = schedule_rates(flags, build)
        _, got = program_rows(flags)
        assert len(got) == len(want), (name, len(got), len(want))
        worst = max(rel(g[1], w) for g, w in zip(got, want))
        same = sum(g[1] == w for g, w in zip(got, want))
        worst_all = max(worst_all, worst)
        print(f"{name:20s} {len(want):4d} rates, {same:4d} bit-identical, largest relative difference {worst:.3g}")
        if verbose:
            for g, w in zip(got, want):
                print(f"    {int(g[0]):4d} {g[1]!r:24} {w!r}")
    for name, flags, make_opt, build in TRAINING:
        want = training_rows(flags, make_opt, build)
        _, got = program_rows(flags)
        assert len(got) == len(want), (name, len(got), len(want))
        worst = max(rel(g[c], w[c]) for g, w in zip(got, want) for c in range(1, 5))
        same = sum(g[1:] == w[1:] for g, w in zip(got, want))
        worst_all = max(worst_all, worst)
        print(f"{name:20s} {len(want):4d} rows,  {same:4d} bit-identical, largest relative difference {worst:.3g} (rate, loss, x, y)")
        if verbose:
            for g, w in zip(got, want):
                print(f"    {g!r}\n    {w!r}")
    print(f"largest relative difference over every case: {worst_all:.3g}")
    if "--write-reference" in sys.argv:
        write_reference(sys.argv[sys.argv.index("--write-reference") + 1])
    return 0 if worst_all <= 1e-12 else 1


# The graded tests' pinned rates: (C name, what, flags, builder).
PINNED = [
    ("TORCH_STEP", "StepLR(step_size=7, gamma=0.7) from 0.3",
     "step-gamma"),
    ("TORCH_COSINE", "CosineAnnealingLR(T_max=60, eta_min=0.001) from 0.1",
     "cosine-eta"),
    ("TORCH_LINEAR", "LinearLR(start_factor=1/3, end_factor=1, total_iters=5) from 0.1",
     "linear"),
    ("TORCH_WARMUP_COSINE", "SequentialLR(LinearLR(0.01, 1, 5), CosineAnnealingLR(100, 0.001), milestones=[5]) from 0.1",
     "warmup-cosine-eta"),
]


def write_reference(path):
    cases = {name: (flags, build) for name, flags, build in CASES}
    with open(path, "w") as f:
        f.write("/*\n * 07-schedules.torch.h: PyTorch's learning rates, step by step, for\n"
                " * a few schedules, which tests/07-schedules.c pins.\n *\n"
                " * GENERATED: do not edit. Written by\n"
                f" *     /usr/bin/python3 tests/07-schedules.torch.py --write-reference {path}\n"
                f" * with torch {torch.__version__}, in float64: for each step the optimizer's\n"
                " * param_groups[0]['lr'], then optimizer.step(), then scheduler.step().\n"
                " * Printed with repr(), which reads back to the same double.\n */\n")
        for cname, what, case in PINNED:
            flags, build = cases[case]
            rates = schedule_rates(flags, build)
            f.write(f"\n/* {what}: schedules {flags} */\n")
            f.write(f"static const double {cname}[{len(rates)}] = {{\n")
            for i in range(0, len(rates), 3):
                f.write("    " + ", ".join(repr(r) for r in rates[i:i + 3]) + ",\n")
            f.write("};\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
