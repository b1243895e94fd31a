/*
 * loop.c: see loop.h. The divergence check comes before the hook, so that
 * clipping can never hide an inf or a nan: a clipped nan is still nan, but
 * an inf clipped to a finite norm would train on nonsense.
 */
#include "loop.h"

#include <math.h>
#include <stdio.h>

#include "vec.h"

//> loop-run
LoopResult loop_run(const Objective *objective, const Loop *loop,
                    double *theta, double *grads)
{
    size_t n = objective->dim;
    for (size_t k = 0;; k++) {
        double loss = objective_loss_grad(objective, theta, grads);
        if (!isfinite(loss) || !vec_all_finite(grads, n))
            return (LoopResult){LOOP_DIVERGED, k, loss};
        if (loop->hook)
            loop->hook(grads, n, k, loop->hook_ctx);
        if (loop->row && !loop->row(k, loss, theta, grads, n, loop->row_ctx))
            return (LoopResult){LOOP_STOPPED, k, loss};
        if (k == loop->steps)
            return (LoopResult){LOOP_FINISHED, k, loss};
        loop->step(theta, grads, n, loop->optimizer);
    }
}
//< loop-run

void loop_say_diverged(const char *program, size_t step)
{
    fprintf(stderr, "%s: the loss stopped being a finite number at step %zu",
            program, step);
}

bool loop_blame_start(const char *program, size_t step, const char *cause)
{
    if (step != 0)
        return false;
    loop_say_diverged(program, 0);
    fprintf(stderr, ": it overflows at the start, before any step, so no "
            "learning rate is to blame: %s\n", cause);
    return true;
}
