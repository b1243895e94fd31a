#!/usr/bin/python3
"""crosscheck-torch.py: checks chapter 4's optimizers and clipping against PyTorch.

An optional maintainer tool. `make test` never runs it, and nothing in the
course needs PyTorch; it is here so that the claim "the same numbers as
torch.optim" can be re-checked after any change to chapter 4's optimizers
(solutions/04-optimizers.c, which build/bin/04-optimizers runs) or to the
problems and clipping the program uses (lib/problems.c, chapter 5's
clip_grad_norm and clip_grad_value).

Needs Debian's PyTorch (python3-torch, installed with
`apt-get install -y python3-torch`), so run it with Debian's Python:

    make build/bin/04-optimizers
    /usr/bin/python3 tools/crosscheck-torch.py            # every case
    /usr/bin/python3 tools/crosscheck-torch.py --steps 50 --verbose
    /usr/bin/python3 tools/crosscheck-torch.py --write-reference tests/04-optimizers.torch.h

The last writes the reference file the graded tests include: torch's end
points of a few 20-step runs on Rosenbrock (REFERENCE_SETTINGS below), each
with its settings as a C initializer of chapter 4's Config, so that the
tests run exactly what torch ran. That file is generated, never edited:
change the settings here and regenerate it.

How it compares. For each problem (quadratic with --condition 10,
rosenbrock, himmelblau, and linreg on the data the program saves with
--save-data) and each optimizer setting below, it runs the chapter program
for --steps steps, then the same steps in PyTorch: a float64 tensor holding
(x, y), its .grad set to the problem's analytic gradient (the same formula
as the C code, written with torch operations), and torch.optim's step().
Lion is not in torch.optim; its step is written with torch operations from
the formula of Chen et al. (2023) as lion-pytorch does. It then reports,
per optimizer, the largest relative difference |c - t| / max(|c|, |t|) over
every step's x, y and loss (two exact zeros count as agreement). The
program prints %.17g, which reads back as the very same double, so any
difference is the arithmetic's.

Every case runs three times: without clipping, with --clip-norm CLIP_NORM
and with --clip-value CLIP_VALUE (chapter 5), where PyTorch calls
torch.nn.utils.clip_grad_norm_ or clip_grad_value_ on the tensor between
setting .grad and step(), as a training loop does after backward(). The
thresholds are small enough that clipping is active on many steps of every
problem; the report gives its differences per optimizer and clipping, and
on how many steps clipping changed the gradient. (torch's total norm is
the norm of the per-tensor norms; with the programs' single tensor that is
sqrt(n²) = n, exactly the norm chapter 5's grad_global_norm computes.) With --autograd the gradient comes from
loss.backward() instead, which rounds differently in the last bit: that
measures how far one rounding difference carries, not the optimizer.

Bit for bit, or not. PyTorch's CPU kernels come in several builds, and on
a machine with AVX2 it picks one compiled with fused multiply-adds, which
round once where the C code (built with -ffp-contract=off) rounds twice.
That moves the last bit now and then, and a long run on a curved problem
can amplify it. So by default this script sets ATEN_CPU_CAPABILITY=default
before importing torch, which selects the kernels without fused
multiply-adds: then every step of every case should agree exactly (the C
code also keeps torch's order of operations, such as addcdiv's
p + (value·t1)/t2). --vectorized keeps torch's own choice, to see how far
those roundings go: the report then also gives the largest difference
after the first step alone.

Exit status 0 when every difference is below --tolerance (default 1e-12;
with --vectorized, the first step's).
"""
import argparse
import csv
import math
import os
import subprocess
import sys
import tempfile

if "--vectorized" not in sys.argv:
    os.environ["ATEN_CPU_CAPABILITY"] = "default"
import torch  # noqa: E402  (after choosing the kernels)

torch.set_default_dtype(torch.float64)

PROBLEMS = ["quadratic", "rosenbrock", "himmelblau", "linreg"]
CONDITION = 10.0

# The clipping settings every case runs with: none, by norm, by value.
# (0.3, not 1.0: torch rounds max_norm / (norm + 1e-6) as a reciprocal
# times max_norm, which a power of two would not tell from one division.)
CLIP_NORM, CLIP_VALUE = 0.3, 0.5
CLIPS = [("none", []), ("norm", ["--clip-norm", repr(CLIP_NORM)]),
         ("value", ["--clip-value", repr(CLIP_VALUE)])]

# (optimizer, extra flags, learning rate per problem). The rates keep each
# run finite and moving for the whole trajectory.
LR = {
    "sgd": {"quadratic": 0.05, "rosenbrock": 1e-3, "himmelblau": 5e-3, "linreg": 0.05},
    "adam": {"quadratic": 0.05, "rosenbrock": 0.01, "himmelblau": 0.05, "linreg": 0.05},
    "adamw": {"quadratic": 0.05, "rosenbrock": 0.01, "himmelblau": 0.05, "linreg": 0.05},
    "rmsprop": {"quadratic": 0.01, "rosenbrock": 1e-3, "himmelblau": 0.01, "linreg": 0.01},
    "adagrad": {"quadratic": 0.5, "rosenbrock": 0.1, "himmelblau": 0.5, "linreg": 0.5},
    "lion": {"quadratic": 0.01, "rosenbrock": 1e-3, "himmelblau": 0.01, "linreg": 0.01},
}
CASES = [
    ("sgd", []),
    ("sgd", ["--momentum", "0.9"]),
    ("sgd", ["--momentum", "0.9", "--dampening", "0.5"]),
    ("sgd", ["--momentum", "0.9", "--nesterov"]),
    ("sgd", ["--momentum", "0.5", "--weight-decay", "0.1"]),
    ("adam", []),
    ("adam", ["--amsgrad"]),
    ("adam", ["--weight-decay", "0.1", "--beta1", "0.8", "--beta2", "0.99"]),
    ("adam", ["--eps", "0.001", "--amsgrad", "--weight-decay", "0.01"]),
    ("adamw", []),
    ("adamw", ["--amsgrad", "--weight-decay", "0.1"]),
    ("rmsprop", []),
    ("rmsprop", ["--centered"]),
    ("rmsprop", ["--momentum", "0.9"]),
    ("rmsprop", ["--centered", "--momentum", "0.5", "--weight-decay", "0.1",
                 "--alpha", "0.9", "--eps", "1e-6"]),
    ("adagrad", []),
    ("adagrad", ["--lr-decay", "0.01"]),
    ("adagrad", ["--initial-accumulator-value", "0.1", "--weight-decay", "0.1",
                 "--eps", "1e-6"]),
    ("lion", []),
    ("lion", ["--weight-decay", "0.1", "--beta1", "0.95", "--beta2", "0.98"]),
]


def flag(flags, name, default):
    """The value after --name in a flag list, or default."""
    if "--" + name in flags:
        return float(flags[flags.index("--" + name) + 1])
    return default


# ---------------------------------------------------------------- problems
# Written in the same order of operations as the C code, so that the
# gradient is the same double and only the optimizers are compared.

def loss_and_grad(problem, t, data):
    x, y = t[0], t[1]
    if problem == "quadratic":
        loss = 0.5 * (x * x + CONDITION * y * y)
        grad = torch.stack([x, CONDITION * y])
    elif problem == "rosenbrock":
        a, b = 1.0 - x, y - x * x
        loss = a * a + 100.0 * b * b
        grad = torch.stack([-2.0 * (1.0 - x) - 400.0 * x * b, 200.0 * b])
    elif problem == "himmelblau":
        a, b = x * x + y - 11.0, x + y * y - 7.0
        loss = a * a + b * b
        grad = torch.stack([4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b])
    else:  # linreg: a loop, to add the residuals in the C code's order
        u, v = data
        sum_sq = sum_rx = sum_r = torch.zeros(())
        for i in range(len(u)):
            r = x * u[i] + y - v[i]
            sum_sq = sum_sq + r * r
            sum_rx = sum_rx + r * u[i]
            sum_r = sum_r + r
        n = float(len(u))
        loss = sum_sq / n
        grad = torch.stack([2.0 * sum_rx / n, 2.0 * sum_r / n])
    return loss, grad


# -------------------------------------------------------------- optimizers

class Lion:
    """Lion, written with torch operations as lion-pytorch does."""

    def __init__(self, params, lr, betas, weight_decay):
        self.p, self.lr, self.betas, self.wd = params[0], lr, betas, weight_decay
        self.m = torch.zeros_like(self.p)

    def zero_grad(self):
        self.p.grad = None

    @torch.no_grad()
    def step(self):
        g = self.p.grad
        b1, b2 = self.betas
        c = self.m * b1 + g * (1 - b1)
        self.p.mul_(1 - self.lr * self.wd)
        self.p.add_(torch.sign(c), alpha=-self.lr)
        self.m.mul_(b2).add_(g, alpha=1 - b2)


def config(name, flags, lr):
    """The optimizer's settings, named and ordered as the fields of chapter
    4's C Config (exercises/04-optimizers.h): torch's defaults (Lion's:
    lion-pytorch's), overridden by the flags."""
    wd = flag(flags, "weight-decay", 0.01 if name == "adamw" else 0.0)
    if name == "sgd":
        return {"lr": lr, "momentum": flag(flags, "momentum", 0.0),
                "dampening": flag(flags, "dampening", 0.0), "weight_decay": wd,
                "nesterov": "--nesterov" in flags}
    if name in ("adam", "adamw"):
        return {"lr": lr, "beta1": flag(flags, "beta1", 0.9),
                "beta2": flag(flags, "beta2", 0.999), "eps": flag(flags, "eps", 1e-8),
                "weight_decay": wd, "amsgrad": "--amsgrad" in flags}
    if name == "rmsprop":
        return {"lr": lr, "alpha": flag(flags, "alpha", 0.99),
                "eps": flag(flags, "eps", 1e-8), "weight_decay": wd,
                "momentum": flag(flags, "momentum", 0.0),
                "centered": "--centered" in flags}
    if name == "adagrad":
        return {"lr": lr, "lr_decay": flag(flags, "lr-decay", 0.0), "weight_decay": wd,
                "initial_accumulator_value": flag(flags, "initial-accumulator-value", 0.0),
                "eps": flag(flags, "eps", 1e-10)}
    return {"lr": lr, "beta1": flag(flags, "beta1", 0.9),
            "beta2": flag(flags, "beta2", 0.99), "weight_decay": wd}


def torch_optimizer(name, flags, lr, params):
    c = config(name, flags, lr)
    if name == "sgd":
        return torch.optim.SGD(params, lr=c["lr"], momentum=c["momentum"],
                               dampening=c["dampening"], weight_decay=c["weight_decay"],
                               nesterov=c["nesterov"])
    if name in ("adam", "adamw"):
        cls = torch.optim.Adam if name == "adam" else torch.optim.AdamW
        return cls(params, lr=c["lr"], betas=(c["beta1"], c["beta2"]), eps=c["eps"],
                   weight_decay=c["weight_decay"], amsgrad=c["amsgrad"])
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=c["lr"], alpha=c["alpha"], eps=c["eps"],
                                   weight_decay=c["weight_decay"], momentum=c["momentum"],
                                   centered=c["centered"])
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=c["lr"], lr_decay=c["lr_decay"],
                                   weight_decay=c["weight_decay"],
                                   initial_accumulator_value=c["initial_accumulator_value"],
                                   eps=c["eps"])
    return Lion(params, c["lr"], (c["beta1"], c["beta2"]), c["weight_decay"])


def clip_(t, clip):
    """Clips t.grad in place as the program's --clip-* flag does; returns
    whether that changed it."""
    before = t.grad.clone()
    if clip == "norm":
        torch.nn.utils.clip_grad_norm_([t], CLIP_NORM)
    elif clip == "value":
        torch.nn.utils.clip_grad_value_([t], CLIP_VALUE)
    return not torch.equal(before, t.grad)


def torch_trajectory(problem, name, flags, lr, start, steps, data, autograd,
                     clip="none"):
    """Rows (loss, x, y) for steps 0..steps, as the program prints them, and
    the number of steps on which clipping changed the gradient."""
    t = torch.tensor(start, requires_grad=autograd)
    opt = torch_optimizer(name, flags, lr, [t])
    rows, clipped = [], 0
    for step in range(steps + 1):
        if autograd:
            opt.zero_grad()
            loss, _ = loss_and_grad(problem, t, data)
            loss.backward()
        else:
            loss, grad = loss_and_grad(problem, t.detach(), data)
        rows.append((loss.item(), t[0].item(), t[1].item()))
        if step == steps:
            break
        if not autograd:
            t.grad = grad
        clipped += clip_(t, clip)
        opt.step()
    return rows, clipped


# ------------------------------------------------------------- the program

def program_trajectory(program, problem, name, flags, lr, steps, tmp):
    data_file = os.path.join(tmp, "data.csv")
    args = [program, "--problem", problem, "--optimizer", name, "--lr", repr(lr),
            "--steps", str(steps)] + flags
    if problem == "linreg":
        args += ["--save-data", data_file]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    rows = list(csv.DictReader(out.splitlines()))
    traj = [(float(r["loss"]), float(r["x"]), float(r["y"])) for r in rows]
    data = None
    if problem == "linreg":
        with open(data_file) as f:
            pts = list(csv.DictReader(f))
        data = ([float(p["x"]) for p in pts], [float(p["y"]) for p in pts])
    return traj, data


def relative_difference(a, b):
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0.0 else abs(a - b) / scale


# ------------------------------------------------------- the tests' reference
# 20 steps on Rosenbrock from (-1.2, 1) with each setting below: every
# optimizer, with the options that only show over many steps turned on.
REFERENCE_START, REFERENCE_STEPS = [-1.2, 1.0], 20
REFERENCE_SETTINGS = [
    ("sgd", ["--momentum", "0.9", "--dampening", "0.1", "--weight-decay", "0.01"], 1e-3),
    ("sgd", ["--momentum", "0.9", "--nesterov"], 1e-3),
    ("adam", ["--amsgrad", "--weight-decay", "0.1"], 0.05),
    ("adamw", ["--weight-decay", "0.1"], 0.05),
    ("rmsprop", ["--centered", "--momentum", "0.5", "--weight-decay", "0.1"], 1e-3),
    ("adagrad", ["--lr-decay", "0.1", "--initial-accumulator-value", "0.5",
                 "--weight-decay", "0.1"], 0.1),
    ("lion", ["--weight-decay", "0.5"], 0.01),
]

# How the tests' messages name an optimizer and its settings.
TITLES = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop",
          "adagrad": "Adagrad", "lion": "Lion"}
SYMBOLS = {"lr": "η", "momentum": "μ", "dampening": "τ", "weight_decay": "λ",
           "beta1": "β1", "beta2": "β2", "eps": "ε", "alpha": "α",
           "lr_decay": "lr_decay", "initial_accumulator_value": "initial"}
SWITCHES = {"nesterov": "Nesterov", "amsgrad": "AMSGrad", "centered": "centered"}


def c_value(v):
    """v as C source: repr() of a double reads back as the same double."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(float(v))


def setting_text(name, c):
    """"SGD (η = 0.001, μ = 0.9, Nesterov)": the learning rate and every
    setting that is not torch's default."""
    defaults = config(name, [], c["lr"])
    parts = [f"{SYMBOLS[k]} = {v:g}" for k, v in c.items()
             if k not in SWITCHES and (k == "lr" or v != defaults[k])]
    parts += [SWITCHES[k] for k, v in c.items() if k in SWITCHES and v]
    return f"{TITLES[name]} ({', '.join(parts)})"


def write_reference(path):
    rows = []
    for name, flags, lr in REFERENCE_SETTINGS:
        traj, _ = torch_trajectory("rosenbrock", name, flags, lr, REFERENCE_START,
                                   REFERENCE_STEPS, None, False)
        c = config(name, flags, lr)
        member = "adam" if name == "adamw" else name
        fields = ", ".join(f".{k} = {c_value(v)}" for k, v in c.items())
        rows.append(f"/* {name} --lr {lr!r} {' '.join(flags)} */\n"
                    f"TORCH_PINNED({name.upper()}, {member}, \"{setting_text(name, c)}\",\n"
                    f"             {traj[-1][1]!r}, {traj[-1][2]!r},\n"
                    f"             {fields})\n")
    kernels = os.environ.get("ATEN_CPU_CAPABILITY", "(torch's choice)")
    if kernels == "default":
        kernels += "\n * (torch's kernels without fused multiply-adds, as the C code)"
    header = f"""/*
 * {os.path.basename(path)}: PyTorch's end points of {REFERENCE_STEPS} optimizer steps
 * on Rosenbrock's f = (1 - x)^2 + 100 (y - x^2)^2 from ({REFERENCE_START[0]!r}, {REFERENCE_START[1]!r}),
 * which tests/04-optimizers.c pins.
 *
 * GENERATED: do not edit. Written by
 *     /usr/bin/python3 tools/crosscheck-torch.py --write-reference {path}
 * with torch {torch.__version__} (from {os.path.dirname(torch.__file__)}),
 * in float64: the gradient set to the analytic one, then torch.optim's
 * step() (Lion's: the script's, written with torch operations as
 * lion-pytorch does), with ATEN_CPU_CAPABILITY={kernels}.
 *
 * One row per setting, for the includer to define:
 *   TORCH_PINNED(OPTIMIZER, CONFIG MEMBER, "what", x, y, Config fields...)
 * the Config fields being a designated initializer of chapter 4's Config
 * type (exercises/04-optimizers.h), with every field given.
 */
#define TORCH_PINNED_STEPS {REFERENCE_STEPS}
#define TORCH_PINNED_START_X {REFERENCE_START[0]!r}
#define TORCH_PINNED_START_Y {REFERENCE_START[1]!r}

"""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(header + "\n".join(rows))
    os.replace(tmp, path)
    print(f"wrote {path}: {len(rows)} settings, torch {torch.__version__}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--program", default="build/bin/04-optimizers")
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--tolerance", type=float, default=1e-12)
    ap.add_argument("--autograd", action="store_true",
                    help="gradients from loss.backward(), not the analytic formula")
    ap.add_argument("--vectorized", action="store_true",
                    help="let torch use its fused multiply-add kernels")
    ap.add_argument("--verbose", action="store_true", help="one line per run")
    ap.add_argument("--write-reference", metavar="FILE",
                    help="write the tests' reference file (tests/04-optimizers.torch.h)")
    args = ap.parse_args()
    if args.write_reference:
        write_reference(args.write_reference)
        return 0
    print(f"torch {torch.__version__}, {args.steps} steps, "
          f"gradients {'by autograd' if args.autograd else 'analytic'}, "
          f"ATEN_CPU_CAPABILITY={os.environ.get('ATEN_CPU_CAPABILITY', '(torch chooses)')}")
    worst, first, active, total = {}, {}, {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for problem in PROBLEMS:
            for name, flags in CASES:
                for clip, clip_flags in CLIPS:
                    lr = LR[name][problem]
                    c_rows, data = program_trajectory(args.program, problem, name,
                                                      flags + clip_flags, lr,
                                                      args.steps, tmp)
                    start = [c_rows[0][1], c_rows[0][2]]
                    t_rows, clipped = torch_trajectory(problem, name, flags, lr, start,
                                                       args.steps, data, args.autograd,
                                                       clip)
                    diffs = [max(relative_difference(a, b) for a, b in zip(c, t))
                             for c, t in zip(c_rows, t_rows)]
                    diff = max(diffs) if len(c_rows) == len(t_rows) else math.inf
                    key = (name, clip)
                    first[key] = max(first.get(key, 0.0), diffs[1])
                    worst[key] = max(worst.get(key, 0.0), diff)
                    active[key] = active.get(key, 0) + clipped
                    total[key] = total.get(key, 0) + args.steps
                    if args.verbose:
                        print(f"  {problem:10} {name:8} lr {lr:<6g} "
                              f"{' '.join(flags + clip_flags):60} {diff:.3g}  "
                              f"(clipped {clipped} of {args.steps} steps; ends at "
                              f"x = {c_rows[-1][1]:.6g}, y = {c_rows[-1][2]:.6g})")
    print("largest relative difference in loss, x or y, per optimizer and clipping")
    print(f"(norm: --clip-norm {CLIP_NORM:g}, value: --clip-value {CLIP_VALUE:g}):")
    print("  optimizer  clipping  after step 1  over all steps  steps clipped")
    for (name, clip), diff in worst.items():
        print(f"  {name:9}  {clip:8}  {first[name, clip]:<12.3g}  {diff:<14.3g}  "
              f"{active[name, clip]} of {total[name, clip]}")
    judged = first if args.vectorized else worst
    return 0 if all(d <= args.tolerance for d in judged.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
