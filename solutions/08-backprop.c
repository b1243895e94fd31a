// BEGIN SOLUTION
/*
 * solutions/08-backprop.c: reference solutions of chapter 8.
 *
 * exercises/08-backprop.c is generated from this file (`make stubs`): the
 * lines between BEGIN and END SOLUTION markers are dropped and the STUB
 * lines become code. Check yours with `make check CH=08`; look here after.
 *
 * The linear layer's products go through lib/matmul.h, which adds in the
 * very order the contracts state: a plain triple loop gives the same bits,
 * only several times slower (the lesson measures both).
 */
// END SOLUTION
// STUB: /*
// STUB:  * exercises/08-backprop.c: chapter 8, backpropagation, and a real
// STUB:  * network on real data.
// STUB:  *
// STUB:  * Implement each function as its contract in 08-backprop.h says.
// STUB:  * Plain loops are fine: lib/matmul.h's matmul_add is the same sums,
// STUB:  * faster, if you want it later. Grade your work with
// STUB:  * `make check CH=08`; the lesson is chapters/08-backprop.md.
// STUB:  */
#include "08-backprop.h"

#include <math.h>
#include <string.h>

#include "matmul.h"

//> linear-forward
void linear_forward(const double *x, const double *w, const double *b,
                    size_t n, size_t in, size_t out, double *y)
{
    // BEGIN SOLUTION
    for (size_t i = 0; i < n; i++) /* every row starts from the bias */
        memcpy(y + i * out, b, out * sizeof *y);
    matmul_add(n, in, out, x, w, y); /* y += x·w */
    // END SOLUTION
    // STUB: (void)x; (void)w; (void)b; (void)n; (void)in; (void)out; (void)y;
    // STUB: /* TODO: lesson section "A linear layer" */
}
//< linear-forward

//> linear-backward
void linear_backward(const double *x, const double *w, const double *dy,
                     size_t n, size_t in, size_t out, double *dw, double *db,
                     double *dx, double *scratch)
{
    // BEGIN SOLUTION
    /* dw += xᵀ·dy: transpose x (n × in) to in × n, then one product. */
    matrix_transpose(n, in, x, scratch);
    matmul_add(in, n, out, scratch, dy, dw);
    /* db += the column sums of dy, row after row. */
    for (size_t i = 0; i < n; i++)
        for (size_t o = 0; o < out; o++)
            db[o] += dy[i * out + o];
    if (dx) { /* dx = dy·wᵀ: transpose w (in × out) to out × in */
        matrix_transpose(in, out, w, scratch);
        memset(dx, 0, n * in * sizeof *dx);
        matmul_add(n, out, in, dy, scratch, dx);
    }
    // END SOLUTION
    // STUB: (void)x; (void)w; (void)dy; (void)n; (void)in; (void)out;
    // STUB: (void)dw; (void)db; (void)dx; (void)scratch;
    // STUB: /* TODO: lesson section "A linear layer" */
}
//< linear-backward

//> activation-forward
void activation_forward(Activation f, const double *z, size_t count,
                        double *a)
{
    // BEGIN SOLUTION
    for (size_t j = 0; j < count; j++) {
        double v = z[j];
        switch (f) {
        case ACTIVATION_RELU: a[j] = v > 0.0 ? v : 0.0; break;
        case ACTIVATION_TANH: a[j] = tanh(v); break;
        case ACTIVATION_SIGMOID: { /* e^-|v| <= 1: nothing overflows */
            double e = exp(-fabs(v));
            a[j] = v >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
            break;
        }
        case ACTIVATION_IDENTITY: a[j] = v; break;
        }
    }
    // END SOLUTION
    // STUB: (void)f; (void)z; (void)count; (void)a;
    // STUB: /* TODO: lesson section "Activation functions" */
}
//< activation-forward

//> activation-backward
void activation_backward(Activation f, const double *z, const double *a,
                         const double *da, size_t count, double *dz)
{
    // BEGIN SOLUTION
    for (size_t j = 0; j < count; j++) {
        double slope = 1.0;
        switch (f) {
        case ACTIVATION_RELU: slope = z[j] > 0.0 ? 1.0 : 0.0; break;
        case ACTIVATION_TANH: slope = 1.0 - a[j] * a[j]; break;
        case ACTIVATION_SIGMOID: slope = a[j] * (1.0 - a[j]); break;
        case ACTIVATION_IDENTITY: break;
        }
        dz[j] = da[j] * slope;
    }
    // END SOLUTION
    // STUB: (void)f; (void)z; (void)a; (void)da; (void)count; (void)dz;
    // STUB: /* TODO: lesson section "Activation functions" */
}
//< activation-backward

//> softmax-cross-entropy
double softmax_cross_entropy(const double *logits, const uint8_t *labels,
                             size_t n, size_t classes, double *dlogits)
{
    // BEGIN SOLUTION
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double *z = logits + i * classes;
        double m = z[0];
        for (size_t c = 1; c < classes; c++)
            m = fmax(m, z[c]);
        double sum = 0.0; /* Σ exp(z - m): its largest term is exactly 1 */
        for (size_t c = 0; c < classes; c++)
            sum += exp(z[c] - m);
        double log_sum_exp = m + log(sum);
        total += log_sum_exp - z[labels[i]];
        if (dlogits)
            for (size_t c = 0; c < classes; c++) {
                double p = exp(z[c] - log_sum_exp);
                dlogits[i * classes + c] = (p - (c == labels[i])) / (double)n;
            }
    }
    return total / (double)n;
    // END SOLUTION
    // STUB: (void)logits; (void)labels; (void)n; (void)classes; (void)dlogits;
    // STUB: return -1.0; /* TODO: lesson section "Softmax and cross-entropy" */
}
//< softmax-cross-entropy

//> gradient-check
double relative_error(double a, double b)
{
    // BEGIN SOLUTION
    double scale = fmax(fmax(fabs(a), fabs(b)), GRADCHECK_FLOOR);
    return fabs(a - b) / scale;
    // END SOLUTION
    // STUB: (void)a; (void)b;
    // STUB: return -1.0; /* TODO: lesson section "Checking the gradient" */
}

double gradient_check(LossFn loss, const void *ctx, double *theta,
                      const double *grad, const size_t *coords, size_t count,
                      double h)
{
    // BEGIN SOLUTION
    double worst = 0.0;
    for (size_t t = 0; t < count; t++) {
        size_t j = coords[t];
        double saved = theta[j];
        theta[j] = saved + h;
        double up = loss(theta, ctx);
        theta[j] = saved - h;
        double down = loss(theta, ctx);
        theta[j] = saved;
        double error = relative_error(grad[j], (up - down) / (2.0 * h));
        if (isnan(error) || error > worst) /* a nan is the worst of all, */
            worst = error;                 /* and nothing displaces it */
    }
    return worst;
    // END SOLUTION
    // STUB: (void)loss; (void)ctx; (void)theta; (void)grad; (void)coords;
    // STUB: (void)count; (void)h;
    // STUB: return -1.0; /* TODO: lesson section "Checking the gradient" */
}
//< gradient-check

//> init-std
double init_std(InitScheme scheme, Activation activation, size_t fan_in,
                size_t fan_out)
{
    // BEGIN SOLUTION
    double gain = 1.0; /* the sigmoid's and a linear layer's */
    if (activation == ACTIVATION_RELU)
        gain = sqrt(2.0);
    else if (activation == ACTIVATION_TANH)
        gain = 5.0 / 3.0;
    if (scheme == INIT_XAVIER)
        return gain * sqrt(2.0 / (double)(fan_in + fan_out));
    return gain / sqrt((double)fan_in);
    // END SOLUTION
    // STUB: (void)scheme; (void)activation; (void)fan_in; (void)fan_out;
    // STUB: return -1.0; /* TODO: lesson section "Initialisation" */
}
//< init-std
