/*
 * clipping.c: the chapter programs' --clip-norm and --clip-value (see
 * clipping.h). Only picks which of chapter 5's functions to call.
 */
#include "clipping.h"

CliStatus clipping_flags_check(Cli *cli)
{
    if (cli_given(cli, "clip-norm") && cli_given(cli, "clip-value"))
        return cli_reject(cli, "clip-value", NULL,
                          "cannot be combined with --clip-norm (choose one)");
    return CLI_RUN;
}

bool clipping_asked(const Clipping *c)
{
    return c->max_norm > 0.0 || c->clip_value > 0.0;
}

//> clipping-hook
/* Chapter 5's functions take a model's parameter tensors; here all of θ
 * is one tensor, and clipping reads and changes only its gradient. */
void clipping_apply(const Clipping *c, double *grads, size_t n)
{
    Parameter theta = {.value = NULL, .grad = grads, .size = n};
    if (c->max_norm > 0.0)
        clip_grad_norm(&theta, 1, c->max_norm);
    else if (c->clip_value > 0.0)
        clip_grad_value(&theta, 1, c->clip_value);
}

void clipping_hook(double *grads, size_t n, size_t step, void *clipping)
{
    (void)step;
    clipping_apply(clipping, grads, n);
}
//< clipping-hook
