/*
 * problems.h: chapter 4's test problems, each a loss of two parameters
 * θ = (x, y) in lib/objective.h's shape, so that any optimizer and any
 * training loop can run on any of them:
 *   quadratic   f = (x² + κy²)/2, condition number κ; minimum 0 at (0, 0)
 *   rosenbrock  f = (1 - x)² + 100(y - x²)²; minimum 0 at (1, 1)
 *   himmelblau  f = (x² + y - 11)² + (x + y² - 7)²; four minima of 0
 *   linreg      chapter 1's line fit: the mean squared error of the line
 *               x·u + y (x the slope, y the intercept) over its points,
 *               computed by chapter 1's mse_loss and mse_grad
 * The regression is chapter 1's graded code, so a program that includes
 * this header links chapter 1's solution (or yours, under make try CH=01).
 *
 * The flags that choose and set up a problem are a piece of a lib/cli.h
 * flag table (PROBLEM_FLAGS), as lib/optimizer.h's are for optimizers.
 */
#ifndef PROBLEMS_H
#define PROBLEMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "01-gradient-descent.h"
#include "cli.h"
#include "dataset.h"
#include "objective.h"

enum { PROBLEM_DIM = 2 }; /* every problem here has two parameters */

/* The four losses, as LossGradFn: the loss at theta, and ∇L into grad
 * unless it is NULL. The quadratic's ctx is a const double * holding κ,
 * the regression's a const Dataset *, with one input per point; the other
 * two take none. */
double quadratic_loss_grad(const double *theta, double *grad,
                           const void *kappa);
double rosenbrock_loss_grad(const double *theta, double *grad,
                            const void *unused);
double himmelblau_loss_grad(const double *theta, double *grad,
                            const void *unused);
double linreg_loss_grad(const double *theta, double *grad,
                        const void *dataset);

/* Chapter 1's regression data: n points u_i evenly spaced on [-2, 2] with
 * v_i = 2u_i + 1 + noise·N(0, 1), then a random start (w, b), both N(0, 1),
 * drawn after the points from the same generator seeded with `seed`, so
 * that every chapter with the same seed has the same points and start.
 * Allocates ds (free it with dataset_free); false when out of memory. */
bool problem_line_data(Dataset *ds, size_t n, double noise, uint64_t seed,
                       double start[PROBLEM_DIM]);

/* The names --problem takes; NULL-terminated. */
extern const char *const problem_names[];

/* A problem ready to minimise. Its objective's ctx points into the
 * Problem itself, so it must stay where problem_init put it. */
typedef struct {
    Objective objective;
    double start[PROBLEM_DIM]; /* where the lesson starts it */
    double condition;          /* κ, read by the quadratic */
    Dataset data;              /* the regression's points; empty otherwise */
} Problem;

/* Sets up the problem called `name` (one of problem_names): the
 * quadratic with condition number `condition`, or the regression on
 * chapter 1's 100 points (noise 0.1) and its random start for `seed`.
 * False when out of memory. Free with problem_free. */
bool problem_init(Problem *p, const char *name, double condition,
                  uint64_t seed);
void problem_free(Problem *p);

/* ------------------------------------------------------------- the flags */

/* Where cli_parse puts the problem flags' values. Set name, condition
 * and seed to their defaults before parsing. */
typedef struct {
    const char *name; /* --problem */
    DoubleList start;
    double condition;
    uint64_t seed;
    const char *save_data;
} ProblemFlags;

/* The entries of a Flag table for --problem and its settings, `flags`
 * being a ProblemFlags *. SCOPE, a string literal, is added to every
 * entry's scope ("" for none): a program in which the problem does not
 * always apply says where it does. Each setting is scoped to the problem
 * that has it. */
#define PROBLEM_FLAGS(flags, SCOPE)                                          \
    {.name = "problem", .kind = FLAG_CHOICE, .value = &(flags)->name,        \
     .help = "what to minimise", .choices = problem_names, .scope = SCOPE},  \
    {.name = "start", .kind = FLAG_LIST, .value = &(flags)->start,           \
     .help = "starting point x,y",                                           \
     .default_text = "quadratic -3,1; rosenbrock -1.2,1; himmelblau 0,0; "   \
                     "linreg chapter 1's random start",                      \
     .scope = SCOPE},                                                        \
    {.name = "condition", .kind = FLAG_DOUBLE, .value = &(flags)->condition, \
     .help = "condition number K of the quadratic", .min = 1e-6,             \
     .max = 1e12, .scope = "problem=quadratic " SCOPE},                      \
    {.name = "seed", .kind = FLAG_SEED, .value = &(flags)->seed,             \
     .help = "random seed for the data and the start",                       \
     .scope = "problem=linreg " SCOPE},                                      \
    {.name = "save-data", .kind = FLAG_TEXT, .value = &(flags)->save_data,   \
     .writes = true,                                                         \
     .help = "also write the dataset as x,y CSV", .default_text = "none",    \
     .scope = "problem=linreg " SCOPE}

/* Refuses a --start that is not two numbers. */
CliStatus problem_flags_check(Cli *cli, const ProblemFlags *flags);

/* problem_init with the flags' problem, condition and seed, then --start
 * in place of the lesson's start and, with --save-data, the points written
 * into *save (dataset_open_csv; empty without --save-data), which the
 * caller commits with its --out, or discards (`program` names the program
 * in messages). False, after a message, when out of memory or when the
 * --save-data file cannot be opened. */
bool problem_from_flags(Problem *p, const ProblemFlags *flags,
                        const char *program, Output *save);

#endif
