/*
 * mlp.c: the multilayer perceptron of mlp.h, wired from chapter 8's layers.
 */
#include "mlp.h"

#include <stdlib.h>
#include <string.h>

bool mlp_shape(Mlp *net, const size_t *sizes, size_t layers, Activation f)
{
    if (layers == 0 || layers > MLP_MAX_LAYERS)
        return false;
    *net = (Mlp){.layers = layers, .activation = f};
    size_t at = 0;
    for (size_t l = 0; l <= layers; l++) {
        if (sizes[l] == 0)
            return false;
        net->sizes[l] = sizes[l];
    }
    for (size_t l = 0; l < layers; l++) {
        net->w[l] = at;
        at += sizes[l] * sizes[l + 1];
        net->b[l] = at;
        at += sizes[l + 1];
    }
    net->params = at;
    return true;
}

bool mlp_shape_classifier(Mlp *net, size_t inputs, const double *hidden,
                          size_t count, size_t classes, Activation f)
{
    size_t sizes[MLP_MAX_LAYERS + 1];
    if (count + 1 > MLP_MAX_LAYERS)
        return false;
    sizes[0] = inputs;
    for (size_t l = 0; l < count; l++)
        sizes[l + 1] = (size_t)hidden[l];
    sizes[count + 1] = classes;
    return mlp_shape(net, sizes, count + 1, f);
}

/* The activation after layer l: the network's, or none after the last. */
static Activation after(const Mlp *net, size_t l)
{
    return l + 1 < net->layers ? net->activation : ACTIVATION_IDENTITY;
}

void mlp_init(const Mlp *net, double *theta, InitScheme scheme, double scale,
              Rng *rng)
{
    for (size_t l = 0; l < net->layers; l++) {
        size_t in = net->sizes[l], out = net->sizes[l + 1];
        double std = scale * init_std(scheme, after(net, l), in, out);
        for (size_t j = 0; j < in * out; j++)
            theta[net->w[l] + j] = std * rng_normal(rng);
        memset(theta + net->b[l], 0, out * sizeof *theta);
    }
}

/* The widest layer output. */
static size_t widest(const Mlp *net)
{
    size_t w = 0;
    for (size_t l = 0; l <= net->layers; l++)
        w = net->sizes[l] > w ? net->sizes[l] : w;
    return w;
}

bool mlp_buffers_alloc(MlpBuffers *buf, const Mlp *net, size_t capacity)
{
    *buf = (MlpBuffers){.capacity = capacity};
    bool ok = true;
    for (size_t l = 0; l < net->layers; l++) {
        size_t size = capacity * net->sizes[l + 1] * sizeof(double);
        ok = ok && (buf->z[l] = malloc(size)) && (buf->a[l] = malloc(size));
    }
    size_t wide = widest(net), scratch = 0;
    for (size_t l = 0; l < net->layers; l++) { /* in·max(n, out) each */
        size_t in = net->sizes[l], out = net->sizes[l + 1];
        size_t need = in * (capacity > out ? capacity : out);
        scratch = need > scratch ? need : scratch;
    }
    ok = ok && (buf->delta[0] = malloc(capacity * wide * sizeof(double))) &&
         (buf->delta[1] = malloc(capacity * wide * sizeof(double))) &&
         (buf->scratch = malloc(scratch * sizeof(double)));
    if (!ok)
        mlp_buffers_free(buf);
    return ok;
}

void mlp_buffers_free(MlpBuffers *buf)
{
    for (size_t l = 0; l < MLP_MAX_LAYERS; l++) {
        free(buf->z[l]);
        free(buf->a[l]);
    }
    free(buf->delta[0]);
    free(buf->delta[1]);
    free(buf->scratch);
    *buf = (MlpBuffers){0};
}

/* Tells the hook, if any, that values[0..count-1] were just written. */
static void written(const MlpBuffers *buf, MlpTensor tensor, size_t layer,
                    double *values, size_t count)
{
    if (buf->hook)
        buf->hook(buf->hook_ctx, tensor, layer, values, count);
}

//> mlp-forward
const double *mlp_forward(const Mlp *net, MlpBuffers *buf, const double *theta,
                          const double *x, size_t n)
{
    const double *input = x; /* a_0 */
    for (size_t l = 0; l < net->layers; l++) {
        size_t in = net->sizes[l], out = net->sizes[l + 1];
        linear_forward(input, theta + net->w[l], theta + net->b[l], n, in, out,
                       buf->z[l]);
        written(buf, MLP_Z, l, buf->z[l], n * out);
        activation_forward(after(net, l), buf->z[l], n * out, buf->a[l]);
        written(buf, MLP_A, l, buf->a[l], n * out);
        input = buf->a[l];
    }
    return buf->z[net->layers - 1]; /* the logits: no activation on them */
}
//< mlp-forward

//> mlp-backward
double mlp_loss_grad(const Mlp *net, MlpBuffers *buf, const double *theta,
                     const double *x, const uint8_t *labels, size_t n,
                     double *grad)
{
    const double *logits = mlp_forward(net, buf, theta, x, n);
    size_t classes = net->sizes[net->layers];
    if (!grad)
        return softmax_cross_entropy(logits, labels, n, classes, NULL);
    double *delta = buf->delta[0]; /* ∂L/∂z of the layer being undone */
    double loss = softmax_cross_entropy(logits, labels, n, classes, delta);
    written(buf, MLP_GRAD_Z, net->layers - 1, delta, n * classes);
    memset(grad, 0, net->params * sizeof *grad); /* zero_grad */
    for (size_t l = net->layers; l-- > 0;) {
        size_t in = net->sizes[l], out = net->sizes[l + 1];
        const double *input = l > 0 ? buf->a[l - 1] : x;
        double *d_input = l > 0 ? buf->delta[1] : NULL; /* ∂L/∂a_{l-1} */
        linear_backward(input, theta + net->w[l], delta, n, in, out,
                        grad + net->w[l], grad + net->b[l], d_input,
                        buf->scratch);
        written(buf, MLP_GRAD_W, l, grad + net->w[l], in * out);
        written(buf, MLP_GRAD_B, l, grad + net->b[l], out);
        if (l == 0)
            break;
        written(buf, MLP_GRAD_A, l, d_input, n * in);
        /* ∂L/∂z_{l-1} = ∂L/∂a_{l-1} · f'(z_{l-1}), into the other buffer */
        activation_backward(net->activation, buf->z[l - 1], buf->a[l - 1],
                            d_input, n * in, delta);
        written(buf, MLP_GRAD_Z, l - 1, delta, n * in);
    }
    return loss;
}
//< mlp-backward

double mlp_step_uses(const Mlp *net, size_t batch_size)
{
    return 3.0 * ((double)batch_size + 64.0) * (double)net->params;
}

size_t mlp_correct(const double *logits, const uint8_t *labels, size_t n,
                   size_t classes)
{
    size_t correct = 0;
    for (size_t i = 0; i < n; i++) {
        const double *z = logits + i * classes;
        size_t best = 0;
        for (size_t c = 1; c < classes; c++)
            if (z[c] > z[best])
                best = c;
        correct += best == labels[i];
    }
    return correct;
}

double mlp_batch_loss(const double *theta, const void *batch)
{
    return mlp_batch_loss_grad(theta, NULL, batch);
}

double mlp_batch_loss_grad(const double *theta, double *grad,
                           const void *batch)
{
    const MlpBatch *b = batch;
    return mlp_loss_grad(b->net, b->buf, theta, b->x, b->labels, b->n, grad);
}
