/*
 * 04-optimizers.torch.h: PyTorch's end points of 20 optimizer steps
 * on Rosenbrock's f = (1 - x)^2 + 100 (y - x^2)^2 from (-1.2, 1.0),
 * which tests/04-optimizers.c pins.
 *
 * GENERATED: do not edit. Written by
 *     /usr/bin/python3 tools/crosscheck-torch.py --write-reference tests/04-optimizers.torch.h
 * with torch 1.13.0a0 (from /usr/lib/python3/dist-packages/torch),
 * in float64: the gradient set to the analytic one, then torch.optim's
 * step() (Lion's: the script's, written with torch operations as
 * lion-pytorch does), with ATEN_CPU_CAPABILITY=default
 * (torch's kernels without fused multiply-adds, as the C code).
 *
 * One row per setting, for the includer to define:
 *   TORCH_PINNED(OPTIMIZER, CONFIG MEMBER, "what", x, y, Config fields...)
 * the Config fields being a designated initializer of chapter 4's Config
 * type (exercises/04-optimizers.h), with every field given.
 */
#define TORCH_PINNED_STEPS 20
#define TORCH_PINNED_START_X -1.2
#define TORCH_PINNED_START_Y 1.0

/* sgd --lr 0.001 --momentum 0.9 --dampening 0.1 --weight-decay 0.01 */
TORCH_PINNED(SGD, sgd, "SGD (η = 0.001, μ = 0.9, τ = 0.1, λ = 0.01)",
             -0.6288469440148785, 0.29637443829834653,
             .lr = 0.001, .momentum = 0.9, .dampening = 0.1, .weight_decay = 0.01, .nesterov = false)

/* sgd --lr 0.001 --momentum 0.9 --nesterov */
TORCH_PINNED(SGD, sgd, "SGD (η = 0.001, μ = 0.9, Nesterov)",
             -0.7574037970852097, 0.58137251605613,
             .lr = 0.001, .momentum = 0.9, .dampening = 0.0, .weight_decay = 0.0, .nesterov = true)

/* adam --lr 0.05 --amsgrad --weight-decay 0.1 */
TORCH_PINNED(ADAM, adam, "Adam (η = 0.05, λ = 0.1, AMSGrad)",
             -1.0585997707227932, 1.0638828987720428,
             .lr = 0.05, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-08, .weight_decay = 0.1, .amsgrad = true)

/* adamw --lr 0.05 --weight-decay 0.1 */
TORCH_PINNED(ADAMW, adam, "AdamW (η = 0.05, λ = 0.1)",
             -0.9906759422607743, 0.9223933631721909,
             .lr = 0.05, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-08, .weight_decay = 0.1, .amsgrad = false)

/* rmsprop --lr 0.001 --centered --momentum 0.5 --weight-decay 0.1 */
TORCH_PINNED(RMSPROP, rmsprop, "RMSprop (η = 0.001, λ = 0.1, μ = 0.5, centered)",
             -1.0898595488733427, 1.1110992336252135,
             .lr = 0.001, .alpha = 0.99, .eps = 1e-08, .weight_decay = 0.1, .momentum = 0.5, .centered = true)

/* adagrad --lr 0.1 --lr-decay 0.1 --initial-accumulator-value 0.5 --weight-decay 0.1 */
TORCH_PINNED(ADAGRAD, adagrad, "Adagrad (η = 0.1, lr_decay = 0.1, λ = 0.1, initial = 0.5)",
             -1.0574043231560433, 1.1243158847085142,
             .lr = 0.1, .lr_decay = 0.1, .weight_decay = 0.1, .initial_accumulator_value = 0.5, .eps = 1e-10)

/* lion --lr 0.01 --weight-decay 0.5 */
TORCH_PINNED(LION, lion, "Lion (η = 0.01, λ = 0.5)",
             -0.9147535368787765, 1.0356890197253823,
             .lr = 0.01, .beta1 = 0.9, .beta2 = 0.99, .weight_decay = 0.5)
