"""08-backprop.torch.py: the initial scales PyTorch gives, for chapter 8's tests.

For each case below, builds a weight of PyTorch's shape (out × in, so
that fan_in is its second size) and runs torch.nn.init.xavier_normal_
(with gain calculate_gain(activation)) or torch.nn.init.kaiming_normal_
(mode 'fan_in', nonlinearity activation) on it, catching the standard
deviation those functions hand to Tensor.normal_: the very double
PyTorch draws with, not an estimate from samples. Needs Debian's PyTorch
(apt-get install -y python3-torch), so run it with Debian's Python:

    /usr/bin/python3 tests/08-backprop.torch.py            # print the table
    /usr/bin/python3 tests/08-backprop.torch.py --write-reference tests/08-backprop.torch.h

The last writes the reference file tests/08-backprop.c includes, so that
init_std() is checked against what PyTorch computes, never against the
solution. That file is generated, never edited; the course's own tests
never need torch.
"""
import sys

import torch

# (scheme, activation, fan_in, fan_out): the chapter's network (784 → 256
# → 10) under every activation, and small fans.
CASES = [
    ("XAVIER", "RELU", 784, 256),
    ("XAVIER", "TANH", 784, 256),
    ("XAVIER", "SIGMOID", 784, 256),
    ("XAVIER", "IDENTITY", 256, 10),
    ("XAVIER", "TANH", 1, 1),
    ("XAVIER", "RELU", 3, 1000),
    ("HE", "RELU", 784, 256),
    ("HE", "TANH", 784, 256),
    ("HE", "SIGMOID", 784, 256),
    ("HE", "IDENTITY", 256, 10),
    ("HE", "RELU", 1, 7),
    ("HE", "SIGMOID", 10, 3),
]

# calculate_gain's names for the course's activations.
TORCH_NAME = {"RELU": "relu", "TANH": "tanh", "SIGMOID": "sigmoid",
              "IDENTITY": "linear"}


def std_of(scheme, activation, fan_in, fan_out):
    """The std torch.nn.init hands to Tensor.normal_ for this case."""
    caught = []
    original = torch.Tensor.normal_

    def catch(self, mean=0.0, std=1.0, *args, **kwargs):
        caught.append(std)
        return original(self, mean, std, *args, **kwargs)

    weight = torch.empty(fan_out, fan_in, dtype=torch.float64)
    torch.Tensor.normal_ = catch
    try:
        name = TORCH_NAME[activation]
        if scheme == "XAVIER":
            torch.nn.init.xavier_normal_(weight, gain=torch.nn.init.calculate_gain(name))
        else:
            torch.nn.init.kaiming_normal_(weight, mode="fan_in", nonlinearity=name)
    finally:
        torch.Tensor.normal_ = original
    assert len(caught) == 1, caught
    return float(caught[0])


def main():
    rows = [(s, a, i, o, std_of(s, a, i, o)) for s, a, i, o in CASES]
    if len(sys.argv) == 3 and sys.argv[1] == "--write-reference":
        with open(sys.argv[2], "w") as f:
            f.write("/*\n"
                    " * 08-backprop.torch.h: the standard deviations of PyTorch's\n"
                    " * initialisations, which tests/08-backprop.c pins.\n"
                    " *\n"
                    " * GENERATED: do not edit. Written by\n"
                    " *     /usr/bin/python3 tests/08-backprop.torch.py --write-reference tests/08-backprop.torch.h\n"
                    f" * with torch {torch.__version__}: the std that\n"
                    " * torch.nn.init.xavier_normal_(w, gain=calculate_gain(act)) or\n"
                    " * kaiming_normal_(w, mode='fan_in', nonlinearity=act) hands to\n"
                    " * Tensor.normal_, for a weight w of shape (fan_out, fan_in), with\n"
                    " * act 'relu', 'tanh', 'sigmoid' or 'linear' (IDENTITY). Printed with\n"
                    " * repr(), which reads back to the same double.\n"
                    " */\n\n"
                    "typedef struct {\n"
                    "    InitScheme scheme;\n"
                    "    Activation activation;\n"
                    "    size_t fan_in, fan_out;\n"
                    "    double std;\n"
                    "} TorchInit;\n\n"
                    "static const TorchInit TORCH_INIT[] = {\n")
            for s, a, i, o, std in rows:
                f.write(f"    {{INIT_{s}, ACTIVATION_{a}, {i}, {o}, {std!r}}},\n")
            f.write("};\n")
    elif len(sys.argv) == 1:
        for row in rows:
            print(*row)
    else:
        sys.exit("usage: 08-backprop.torch.py [--write-reference FILE]")


if __name__ == "__main__":
    main()
