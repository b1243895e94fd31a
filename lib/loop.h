/*
 * loop.h: the training loop of the full-batch chapter programs.
 *
 * Chapters 1 and 4 to 6, and chapter 7's schedules on chapter 4's problems,
 * train through it; only the pieces change. (Chapter 2 writes out its
 * accumulation of micro-batches, the lesson's subject; the minibatch
 * programs, of chapters 3 and 7 to 10, write their epoch loop around
 * chapter 3's batch iterator, lib/epochs.h, since their rows are epochs,
 * not steps: the lessons teach that loop. Its pieces are these same ones.)
 *
 *   for k = 0, 1, ..., steps:
 *       loss_k = L(θ), grads = ∇L(θ)        the objective   (objective.h)
 *       stop if loss_k or a gradient is not finite          (divergence)
 *       hook(grads)                          clipping, noise (optional)
 *       row(k, loss_k, θ, grads)             a CSV row, a record (optional)
 *       if k < steps: step(θ, grads)         the optimizer   (chapter 4)
 *
 * Row k describes the parameters before step k, so a run of N steps writes
 * N + 1 rows, from the start (k = 0) to where the last step landed (k = N).
 * The caller owns θ and the gradient buffer (objective->dim doubles each)
 * and whatever the optimizer remembers.
 */
#ifndef LOOP_H
#define LOOP_H

#include <stdbool.h>
#include <stddef.h>

#include "objective.h"

/* One optimizer step: update the n params in place from the n grads. */
typedef void (*StepFn)(double *params, const double *grads, size_t n,
                       void *optimizer);

/* Changes the gradient before it is used (clipping, added noise). */
typedef void (*GradHookFn)(double *grads, size_t n, size_t step, void *ctx);

/* Sees every row; returning false stops the run early (a tolerance met). */
typedef bool (*RowFn)(size_t step, double loss, const double *params,
                      const double *grads, size_t n, void *ctx);

typedef struct {
    size_t steps;        /* optimizer steps to take */
    StepFn step;         /* required */
    void *optimizer;     /* passed to step: its config and state */
    GradHookFn hook;     /* may be NULL */
    void *hook_ctx;
    RowFn row;           /* may be NULL */
    void *row_ctx;
} Loop;

typedef enum {
    LOOP_FINISHED, /* every step taken */
    LOOP_STOPPED,  /* the row callback asked to stop */
    LOOP_DIVERGED  /* the loss or a gradient became inf or nan */
} LoopStatus;

typedef struct {
    LoopStatus status;
    size_t step; /* the last row's k; for LOOP_DIVERGED, the step whose
                    loss or gradient was not finite (θ is as it was then) */
    double loss; /* that step's loss */
} LoopResult;

/* Runs the loop from theta (updated in place); grads is scratch of
 * objective->dim doubles that holds the last gradient afterwards. */
LoopResult loop_run(const Objective *objective, const Loop *loop,
                    double *theta, double *grads);

/* Opens the one line of stderr that says a run stopped at `step`:
 * "PROGRAM: the loss stopped being a finite number at step N". Every
 * program words it so; the caller ends the line with the likeliest cause
 * and what to do about it (": --lr 2 is too large (divide it by 10)\n"). */
void loop_say_diverged(const char *program, size_t step);

/* A run that stopped at step 0 was not finite at the start, before any
 * step, so no learning rate is to blame. For step 0 this prints that, in
 * one line ending with `cause` (what to change, e.g. "--start is too far
 * out"), and returns true; for a later step it prints nothing and returns
 * false, leaving the program to name the cause. */
bool loop_blame_start(const char *program, size_t step, const char *cause);

#endif
