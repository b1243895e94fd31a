/*
 * 08-backprop.torch.h: the standard deviations of PyTorch's
 * initialisations, which tests/08-backprop.c pins.
 *
 * GENERATED: do not edit. Written by
 *     /usr/bin/python3 tests/08-backprop.torch.py --write-reference tests/08-backprop.torch.h
 * with torch 1.13.0a0: the std that
 * torch.nn.init.xavier_normal_(w, gain=calculate_gain(act)) or
 * kaiming_normal_(w, mode='fan_in', nonlinearity=act) hands to
 * Tensor.normal_, for a weight w of shape (fan_out, fan_in), with
 * act 'relu', 'tanh', 'sigmoid' or 'linear' (IDENTITY). Printed with
 * repr(), which reads back to the same double.
 */

typedef struct {
    InitScheme scheme;
    Activation activation;
    size_t fan_in, fan_out;
    double std;
} TorchInit;

static const TorchInit TORCH_INIT[] = {
    {INIT_XAVIER, ACTIVATION_RELU, 784, 256, 0.06201736729460423},
    {INIT_XAVIER, ACTIVATION_TANH, 784, 256, 0.07308816827558577},
    {INIT_XAVIER, ACTIVATION_SIGMOID, 784, 256, 0.04385290096535146},
    {INIT_XAVIER, ACTIVATION_IDENTITY, 256, 10, 0.086710996952412},
    {INIT_XAVIER, ACTIVATION_TANH, 1, 1, 1.6666666666666667},
    {INIT_XAVIER, ACTIVATION_RELU, 3, 1000, 0.06315089779506726},
    {INIT_HE, ACTIVATION_RELU, 784, 256, 0.05050762722761054},
    {INIT_HE, ACTIVATION_TANH, 784, 256, 0.05952380952380953},
    {INIT_HE, ACTIVATION_SIGMOID, 784, 256, 0.03571428571428571},
    {INIT_HE, ACTIVATION_IDENTITY, 256, 10, 0.0625},
    {INIT_HE, ACTIVATION_RELU, 1, 7, 1.4142135623730951},
    {INIT_HE, ACTIVATION_SIGMOID, 10, 3, 0.31622776601683794},
};
