/*
 * problems.c: chapter 4's test problems (see problems.h). The gradients
 * are written out by hand, next to the losses they differentiate.
 */
#include "problems.h"

#include <stdio.h>
#include <string.h>

#include "rng.h"

//> problems
/* f = (x² + κ·y²)/2: a bowl whose curvature is 1 along x and κ along y,
 * so κ is the Hessian's condition number. Minimum 0 at (0, 0). */
double quadratic_loss_grad(const double *t, double *g, const void *kappa)
{
    double k = *(const double *)kappa;
    if (g) {
        g[0] = t[0];
        g[1] = k * t[1];
    }
    return 0.5 * (t[0] * t[0] + k * t[1] * t[1]);
}

/* f = (1 - x)² + 100·(y - x²)²: a curved, narrow valley along y = x²
 * with its minimum 0 at (1, 1). */
double rosenbrock_loss_grad(const double *t, double *g, const void *unused)
{
    (void)unused;
    double a = 1.0 - t[0], b = t[1] - t[0] * t[0];
    if (g) {
        g[0] = -2.0 * a - 400.0 * t[0] * b;
        g[1] = 200.0 * b;
    }
    return a * a + 100.0 * b * b;
}

/* f = (x² + y - 11)² + (x + y² - 7)²: four minima of value 0, one of them
 * at (3, 2). */
double himmelblau_loss_grad(const double *t, double *g, const void *unused)
{
    (void)unused;
    double a = t[0] * t[0] + t[1] - 11.0, b = t[0] + t[1] * t[1] - 7.0;
    if (g) {
        g[0] = 4.0 * t[0] * a + 2.0 * b;
        g[1] = 2.0 * a + 4.0 * t[1] * b;
    }
    return a * a + b * b;
}

/* Chapter 1's regression, computed by chapter 1's mse_loss and mse_grad:
 * the slope is called x and the intercept y here, so that every problem
 * writes the same columns. */
double linreg_loss_grad(const double *t, double *g, const void *dataset)
{
    const Dataset *ds = dataset;
    if (g)
        mse_grad(ds->x, ds->y, ds->n, t[0], t[1], &g[0], &g[1]);
    return mse_loss(ds->x, ds->y, ds->n, t[0], t[1]);
}
//< problems

bool problem_line_data(Dataset *ds, size_t n, double noise, uint64_t seed,
                       double start[PROBLEM_DIM])
{
    if (!dataset_alloc(ds, n, 1))
        return false;
    Rng rng;
    rng_seed(&rng, seed);
    dataset_fill_line(ds, -2.0, 2.0, 2.0, 1.0, noise, &rng);
    /* Drawn after the points, so that the points do not depend on it. */
    start[0] = rng_normal(&rng);
    start[1] = rng_normal(&rng);
    return true;
}

const char *const problem_names[] = {"quadratic", "rosenbrock", "himmelblau",
                                     "linreg", NULL};

bool problem_init(Problem *p, const char *name, double condition,
                  uint64_t seed)
{
    *p = (Problem){.objective = {PROBLEM_DIM, quadratic_loss_grad, NULL},
                   .start = {-3.0, 1.0},
                   .condition = condition};
    p->objective.ctx = &p->condition;
    if (strcmp(name, "rosenbrock") == 0) {
        p->objective = (Objective){PROBLEM_DIM, rosenbrock_loss_grad, NULL};
        p->start[0] = -1.2;
    } else if (strcmp(name, "himmelblau") == 0) {
        p->objective = (Objective){PROBLEM_DIM, himmelblau_loss_grad, NULL};
        p->start[0] = p->start[1] = 0.0;
    } else if (strcmp(name, "linreg") == 0) {
        p->objective = (Objective){PROBLEM_DIM, linreg_loss_grad, &p->data};
        return problem_line_data(&p->data, 100, 0.1, seed, p->start);
    }
    return true;
}

void problem_free(Problem *p)
{
    dataset_free(&p->data);
}

CliStatus problem_flags_check(Cli *cli, const ProblemFlags *flags)
{
    if (cli_given(cli, "start") && flags->start.count != PROBLEM_DIM)
        return cli_reject(cli, "start", NULL, "needs two numbers: x,y");
    return CLI_RUN;
}

bool problem_from_flags(Problem *p, const ProblemFlags *flags,
                        const char *program, Output *save)
{
    *save = (Output){0};
    if (!problem_init(p, flags->name, flags->condition, flags->seed)) {
        fprintf(stderr, "%s: out of memory for the dataset\n", program);
        return false;
    }
    if (flags->start.count)
        memcpy(p->start, flags->start.values, sizeof p->start);
    if (!dataset_open_csv(&p->data, program, flags->save_data, save)) {
        problem_free(p);
        return false;
    }
    return true;
}
