/*
 * mlp.h: a multilayer perceptron over one flat parameter vector, built
 * from chapter 8's layers.
 *
 * A network of L linear layers maps sizes[0] inputs to sizes[L] logits:
 *
 *   a_0 = x                                  n × sizes[0], the minibatch
 *   z_l = a_{l-1}·W_l + b_l    l = 1..L      chapter 8's linear_forward
 *   a_l = f(z_l)               l = 1..L-1    activation_forward
 *   loss = cross-entropy(z_L, labels)        softmax_cross_entropy
 *
 * and the backward pass walks the same layers in reverse, each one's
 * linear_backward and activation_backward handing ∂L/∂(its input) to the
 * layer below. Every W_l (sizes[l-1] × sizes[l]) and b_l (sizes[l]) lives
 * in one flat vector θ, layer after layer, weights before biases; the
 * gradient is a vector of the same shape (as llm.c keeps its parameters),
 * so chapter 4's optimizers, chapter 5's clipping and chapter 7's schedules
 * work on a network exactly as they work on a parabola. Nothing here
 * differentiates anything: every derivative is chapter 8's exercises'.
 */
#ifndef MLP_H
#define MLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "08-backprop.h"
#include "rng.h"

enum { MLP_MAX_LAYERS = 16 };

/* The network's shape, and where each layer's tensors are in θ. */
typedef struct {
    size_t layers;                    /* L, the linear layers */
    size_t sizes[MLP_MAX_LAYERS + 1]; /* inputs, hidden widths, classes */
    Activation activation;            /* after every layer but the last */
    size_t w[MLP_MAX_LAYERS];         /* θ + w[l]: layer l's weights */
    size_t b[MLP_MAX_LAYERS];         /* θ + b[l]: its biases */
    size_t params;                    /* the length of θ */
} Mlp;

/* Lays out a network of `layers` linear layers with the given sizes
 * (layers + 1 of them, each at least 1); false when layers is 0 or above
 * MLP_MAX_LAYERS. */
bool mlp_shape(Mlp *net, const size_t *sizes, size_t layers, Activation f);

/* A classifier's shape: `inputs`, then hidden layers of the widths
 * hidden[0..count-1] (whole numbers, as a --hidden flag holds them), then
 * `classes`; false as mlp_shape (count + 1 layers). */
bool mlp_shape_classifier(Mlp *net, size_t inputs, const double *hidden,
                          size_t count, size_t classes, Activation f);

/* Initial parameters: every weight of layer l drawn from
 * N(0, (scale·init_std(scheme, f_l, fan_in, fan_out))²), f_l being the
 * activation after it (none after the last), layer after layer, row after
 * row, from rng; every bias 0. scale = 1 is the scheme itself; the lesson
 * also tries a tenth and ten times. */
void mlp_init(const Mlp *net, double *theta, InitScheme scheme, double scale,
              Rng *rng);

/* The tensors a pass writes, as the hook below is told of them. */
typedef enum {
    MLP_Z,          /* layer l's output z_l = a_{l-1}·W_l + b_l */
    MLP_A,          /* a_l = f(z_l) */
    MLP_GRAD_Z,     /* ∂L/∂z_l (for the last layer: of the logits) */
    MLP_GRAD_A,     /* ∂L/∂a_{l-1}, the input of layer l (l > 0) */
    MLP_GRAD_W,     /* ∂L/∂W_l, in the gradient vector */
    MLP_GRAD_B      /* ∂L/∂b_l, in the gradient vector */
} MlpTensor;

/* Called by the passes right after each tensor is written, with its layer
 * l (0-based) and its values, which the hook may change in place: chapter
 * 9 rounds every one to fp16 or bf16, as a 16-bit network stores them,
 * and scales the loss's gradient. NULL (the default): nothing. */
typedef void (*MlpHook)(void *ctx, MlpTensor tensor, size_t layer,
                        double *values, size_t count);

/* The activations of a minibatch of up to `capacity` examples, kept from
 * the forward pass for the backward one. */
typedef struct {
    size_t capacity;
    double *z[MLP_MAX_LAYERS]; /* n × sizes[l+1]: layer l's output z */
    double *a[MLP_MAX_LAYERS]; /* n × sizes[l+1]: f(z) (hidden layers) */
    double *delta[2];          /* ∂L/∂ of a layer's output, two in turn */
    double *scratch;           /* linear_backward's */
    MlpHook hook;              /* NULL after mlp_buffers_alloc */
    void *hook_ctx;            /* the hook's first argument */
} MlpBuffers;

bool mlp_buffers_alloc(MlpBuffers *buf, const Mlp *net, size_t capacity);
void mlp_buffers_free(MlpBuffers *buf);

/* The forward pass of n <= capacity examples x (n × sizes[0]); returns
 * the logits (n × classes, inside buf). */
const double *mlp_forward(const Mlp *net, MlpBuffers *buf, const double *theta,
                          const double *x, size_t n);

/* The mean cross-entropy of the minibatch at θ and, unless grad is NULL,
 * its gradient: grad is zeroed (zero_grad), then every layer's backward
 * pass adds its share. */
double mlp_loss_grad(const Mlp *net, MlpBuffers *buf, const double *theta,
                     const double *x, const uint8_t *labels, size_t n,
                     double *grad);

/* The work of a training step on a batch of `batch_size` examples, in
 * weight uses (a forward pass of one example uses each parameter once):
 * three an example (forward, and backward's two products), and about 64
 * examples' worth more for the optimizer's pass over the parameters and
 * the products' overhead, which make a batch of 1 forty times slower an
 * example than one of 128 (measured on chapter 8's network). Chapters 8
 * to 10 bound their runs with it. */
double mlp_step_uses(const Mlp *net, size_t batch_size);

/* How many of n examples' logits (n × classes) put their largest value on
 * the label (the first largest, on a tie). */
size_t mlp_correct(const double *logits, const uint8_t *labels, size_t n,
                   size_t classes);

/* A fixed minibatch as chapter 1's LossFn and lib/objective.h's
 * LossGradFn, for the gradient check: ctx is a const MlpBatch *. */
typedef struct {
    const Mlp *net;
    MlpBuffers *buf;
    const double *x;
    const uint8_t *labels;
    size_t n;
} MlpBatch;

double mlp_batch_loss(const double *theta, const void *batch);
double mlp_batch_loss_grad(const double *theta, double *grad,
                           const void *batch);

#endif
