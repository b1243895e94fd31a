/*
 * 01-gradient-descent.c: Chapter 1, manual gradient descent.
 *
 * Runs the lesson's experiments and prints their numbers as CSV:
 *   - gradient descent on the parabola f(w) = (w - 3)^2;
 *   - gradient descent on linear regression, the mean squared error of the
 *     line w·x + b over noisy points of y = 2x + 1;
 *   - a check of the hand-derived gradient against finite differences;
 *   - the exact minimum, to compare the descent with.
 * Every lesson number and figure of chapter 1 comes from a run of this file.
 *
 * What is computed is chapter 1's graded code: every step is
 * parabola_descend or linreg_step, the line's loss and gradient are mse_loss
 * and mse_grad, the central differences are numerical_gradient, all from
 * solutions/01-gradient-descent.c (make try CH=01 links your exercises/
 * file instead). The training loop is the course's one loop, lib/loop.c.
 * What stays here is what the lesson shows beside the graded code: the
 * parabola as a loss, the one-sided difference, the exact answer.
 *
 * Build (make does this, linking lib/ and the solution):
 *   make build/bin/01-gradient-descent
 * Run:
 *   build/bin/01-gradient-descent --problem parabola --lr 0.1 --steps 20
 *   build/bin/01-gradient-descent --help
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "01-gradient-descent.h"
#include "cli.h"
#include "csv.h"
#include "dataset.h"
#include "loop.h"
#include "objective.h"
#include "output.h"
#include "problems.h"
#include "rng.h"

static const char program[] = PROGRAM_NAME;

enum { MAX_PARAMS = 2 };

/* A problem is everything gradient descent needs to know: the loss and its
 * gradient (an Objective: how many parameters, the loss and gradient at a
 * point), one step of descent on it, and, so that we can grade the descent,
 * the exact answer. */
typedef struct {
    Objective objective;
    const char *const *param_names;  /* column names, one per parameter */
    /* One step with learning rate lr, by the graded function for this
     * problem; loop_run hands it the LessonProblem as its last argument. */
    StepFn step;
    double lr;
    /* Writes the minimiser to theta_star and the smallest and largest
     * eigenvalues of the loss's Hessian (its flattest and sharpest
     * curvatures) to curvature[0] and curvature[1]. */
    void (*solve)(const void *data, double *theta_star, double *curvature);
} LessonProblem;

/* ================================================================ parabola */

//> parabola
/* f(w) = (w - 3)^2, smallest at w = 3, and its derivative f'(w) = 2(w - 3)
 * (into grad[0], when asked for). */
static double parabola_loss_grad(const double *theta, double *grad,
                                 const void *unused)
{
    (void)unused;
    double w = theta[0];
    if (grad)
        grad[0] = 2.0 * (w - 3.0);
    return (w - 3.0) * (w - 3.0);
}
//< parabola

/* A step on the parabola is one step of the graded parabola_descend. It
 * takes the derivative itself, at the same w, so it needs nothing of the
 * grads that loop_run has just computed (the very same number). */
static void parabola_step(double *theta, const double *grads, size_t dim,
                          void *problem)
{
    (void)grads;
    (void)dim;
    const LessonProblem *p = problem;
    theta[0] = parabola_descend(theta[0], p->lr, 1);
}

static void parabola_solve(const void *unused, double *theta_star,
                           double *curvature)
{
    (void)unused;
    theta_star[0] = 3.0;
    curvature[0] = curvature[1] = 2.0; /* f''(w) = 2 everywhere */
}

/* ======================================================= linear regression */

/* The regression's loss and gradient are chapter 1's exercises, mse_loss
 * and mse_grad; lib/problems.c's linreg_loss_grad hands them θ = (w, b).
 * A step is the graded linreg_step, which takes both partial derivatives
 * at the current (w, b) itself: the numbers loop_run has put in grads. */
static void line_step(double *theta, const double *grads, size_t dim,
                      void *problem)
{
    (void)grads;
    (void)dim;
    const LessonProblem *p = problem;
    const Dataset *ds = p->objective.ctx;
    linreg_step(ds->x, ds->y, ds->n, p->lr, &theta[0], &theta[1]);
}

//> least-squares
/* The exact minimiser from the normal equations (setting both partial
 * derivatives to zero): w* = cov(x, y) / var(x), b* = mean(y) - w*·mean(x).
 * The Hessian is 2·[[mean(x²), mean(x)], [mean(x), 1]]; its eigenvalues
 * decide which learning rates converge, and how fast. */
static void mse_solve(const void *data, double *theta_star, double *curvature)
{
    const Dataset *ds = data;
    double n = (double)ds->n, mean_x = 0.0, mean_y = 0.0;
    for (size_t i = 0; i < ds->n; i++) {
        mean_x += ds->x[i] / n;
        mean_y += ds->y[i] / n;
    }
    double cov_xy = 0.0, var_x = 0.0, mean_x2 = 0.0;
    for (size_t i = 0; i < ds->n; i++) {
        double dx = ds->x[i] - mean_x;
        cov_xy += dx * (ds->y[i] - mean_y);
        var_x += dx * dx;
        mean_x2 += ds->x[i] * ds->x[i] / n;
    }
    theta_star[0] = cov_xy / var_x;
    theta_star[1] = mean_y - theta_star[0] * mean_x;
    double a = 2.0 * mean_x2, c = 2.0 * mean_x, d = 2.0;
    double spread = sqrt((a - d) * (a - d) / 4.0 + c * c);
    curvature[0] = (a + d) / 2.0 - spread;
    curvature[1] = (a + d) / 2.0 + spread;
}
//< least-squares

/* ================================================================ training */

/* lib/loop.h's row callback: one CSV row per step, step 0 the start. */
static bool write_train_row(size_t step, double loss, const double *theta,
                            const double *grad, size_t dim, void *out)
{
    double row[1 + 2 * MAX_PARAMS];
    row[0] = loss;
    memcpy(row + 1, theta, dim * sizeof *theta);
    memcpy(row + 1 + dim, grad, dim * sizeof *grad);
    output_row(out, step, row, 1 + 2 * dim);
    return true;
}

/* ====================================================== gradient checking */

//> forward-difference
/* The forward difference (L(θ + h·e_j) - L(θ)) / h: the estimate from one
 * side, whose error shrinks only like h. The central one, chapter 1's
 * numerical_gradient, shrinks like h². theta is restored exactly. */
static double forward_difference(const Objective *o, double *theta, size_t j,
                                 double h)
{
    double saved = theta[j];
    double loss = objective_loss(o, theta);
    theta[j] = saved + h;
    double loss_plus = objective_loss(o, theta);
    theta[j] = saved;
    return (loss_plus - loss) / h;
}
//< forward-difference

//> relative-error
/* |a - b| / max(|a|, |b|): how many digits two gradients share, whatever
 * their scale. Both zero counts as agreement. */
static double relative_difference(double a, double b)
{
    double scale = fmax(fabs(a), fabs(b));
    return scale == 0.0 ? 0.0 : fabs(a - b) / scale;
}
//< relative-error

/* Compares the analytic gradient with finite differences for step sizes
 * h = 1e-1, 1e-2, ..., 1e-12. A large h suffers truncation error (the
 * loss is not a straight line over [θ - h, θ + h]); a tiny h suffers
 * rounding error, because L(θ + h) - L(θ - h) cancels most digits. */
static void step_size_sweep(const LessonProblem *p, double *theta, FILE *out)
{
    const Objective *o = &p->objective;
    double grad[MAX_PARAMS], central[MAX_PARAMS];
    objective_loss_grad(o, theta, grad);
    double h = 1.0;
    for (int k = 1; k <= 12; k++) {
        h /= 10.0;
        numerical_gradient(objective_loss_of, o, theta, o->dim, h, central);
        double row[1 + 5 * MAX_PARAMS];
        size_t c = 0;
        row[c++] = h;
        for (size_t j = 0; j < o->dim; j++) {
            double forward = forward_difference(o, theta, j, h);
            row[c++] = grad[j];
            row[c++] = forward;
            row[c++] = central[j];
            row[c++] = relative_difference(grad[j], forward);
            row[c++] = relative_difference(grad[j], central[j]);
        }
        output_numbers(out, row, c);
    }
}

/* ==================================================================== main */

static const char *const lesson_problems[] = {"parabola", "linreg", NULL};
static const char *const task_names[] = {"train", "gradcheck", "solve", NULL};
static const char *const parabola_params[] = {"w"};
static const char *const line_params[] = {"w", "b"};

typedef struct {
    const char *problem, *task, *out, *save_data, *data;
    double lr, noise;
    size_t steps, n;
    uint64_t seed;
    DoubleList start;
} Settings;

static const char usage[] =
    PROGRAM_NAME ": chapter 1, manual gradient descent.\n"
    "\n"
    "Problems:\n"
    "  parabola  f(w) = (w - 3)^2; f'(w) = 2(w - 3); minimum at w = 3\n"
    "  linreg    L(w, b) = (1/N) sum_i (w x_i + b - y_i)^2 over N points,\n"
    "            x_i evenly spaced on [-2, 2], y_i = 2 x_i + 1 + noise*N(0,1);\n"
    "            or the points of --data FILE, a CSV file with a header line\n"
    "            and then x,y on each line (the format --save-data writes)\n"
    "Tasks (CSV on stdout or --out, with a header line):\n"
    "  train      step,loss,<params>,grad_<params>  (step 0 = the start)\n"
    "  gradcheck  h, then grad_p,forward_p,central_p,forward_error_p,\n"
    "             central_error_p for each parameter p: the gradient at\n"
    "             --start against forward and central differences of step h\n"
    "  solve      loss,<params>,max_stable_lr,best_lr: the exact minimum,\n"
    "             the stability limit 2/λmax and the fastest rate\n"
    "             2/(λmin + λmax) of constant-step descent\n"
    "A training run makes at most 6e10 point visits (three passes over the\n"
    "points a step): a larger one is refused before it starts.\n"
    "Exit status: 0 done; 1 the loss became inf or nan (the rows before it\n"
    "are kept), memory ran out, or a file could not be written; 2 bad input.";

/* Where each flag applies is its .scope in main's table, and cli_parse
 * refuses it elsewhere. The one rule a scope cannot say: --start has as
 * many numbers as the problem has parameters. */
static CliStatus check_start(Cli *cli, const Settings *s)
{
    bool linreg = strcmp(s->problem, "linreg") == 0;
    size_t dim = linreg ? 2 : 1;
    if (cli_given(cli, "start") && s->start.count != dim)
        return cli_reject(cli, "start", NULL,
                          linreg ? "linreg needs two numbers: w,b"
                                 : "parabola needs one number: w");
    return CLI_RUN;
}

/* A step of linear regression passes over every point three times (the
 * gradient, the loss, and the gradient again inside the graded step), so
 * a run is bounded in point visits: --n 1e8 --steps 1e7 asked for 3e15,
 * over a month. At most TRAIN_MAX_VISITS (about a minute), which --n 1e8
 * at the default 200 steps just fits. Checked before generated points are
 * drawn, or once a --data file's are read. */
#define TRAIN_MAX_VISITS 6e10

static CliStatus check_train_size(Cli *cli, const Settings *s, size_t n)
{
    if (strcmp(s->task, "train") != 0)
        return CLI_RUN;
    return cli_check_work(
        cli, (const char *const[]){"steps", s->data ? "data" : "n", NULL},
        3.0 * (double)s->steps * (double)n, TRAIN_MAX_VISITS,
        "point visits (three passes over the points a step)");
}

/* ",PREFIXname" for each of the problem's parameter names: the columns a
 * header gives the parameters, or their gradients ("grad_"). */
static void write_columns(FILE *out, const char *prefix,
                          const char *const *names, size_t dim)
{
    for (size_t j = 0; j < dim; j++)
        fprintf(out, ",%s%s", prefix, names[j]);
}

/* --task train: descent through the course's loop, a row per step. A loss
 * that stops being finite keeps the rows before it and says why, with
 * exit status 1. */
static int task_train(const Settings *s, LessonProblem *p, double *theta,
                      FILE *out)
{
    fputs("step,loss", out);
    write_columns(out, "", p->param_names, p->objective.dim);
    write_columns(out, "grad_", p->param_names, p->objective.dim);
    fputc('\n', out);
    double grad[MAX_PARAMS];
    Loop loop = {.steps = s->steps, .step = p->step, .optimizer = p,
                 .row = write_train_row, .row_ctx = out};
    LoopResult result = loop_run(&p->objective, &loop, theta, grad);
    if (result.status != LOOP_DIVERGED)
        return EXIT_SUCCESS;
    if (!loop_blame_start(program, result.step,
                          "--start or the --data values are too large")) {
        double star[MAX_PARAMS], curvature[2];
        p->solve(p->objective.ctx, star, curvature);
        double limit = 2.0 / curvature[1];
        loop_say_diverged(program, result.step);
        fprintf(stderr,
                ": --lr %g is above this problem's stable limit "
                "2/λmax = %.4g, so every step overshoots further than "
                "the last (divide --lr by 10)\n", p->lr, limit);
    }
    return EXIT_FAILURE;
}

/* --task gradcheck: the analytic gradient against forward and central
 * differences, a row per step size h. False, having written nothing, when
 * the loss overflows at the start: there is no gradient to check, and
 * every difference would be nan (rows of nan with status 0, where --task
 * train stops). */
static bool task_gradcheck(LessonProblem *p, double *theta, FILE *out)
{
    if (!isfinite(objective_loss(&p->objective, theta))) {
        loop_blame_start(program, 0,
                         "--start or the --data values are too large");
        return false;
    }
    fputs("h", out);
    for (size_t j = 0; j < p->objective.dim; j++) {
        const char *name = p->param_names[j];
        fprintf(out, ",grad_%s,forward_%s,central_%s,forward_error_%s"
                     ",central_error_%s",
                name, name, name, name, name);
    }
    fputc('\n', out);
    step_size_sweep(p, theta, out);
    return true;
}

/* --task solve: one row, the loss at the minimum, the minimiser, then the
 * learning rates that matter on a quadratic: below 2/λmax descent
 * converges, and 2/(λmin + λmax) converges fastest. */
static void task_solve(LessonProblem *p, FILE *out)
{
    size_t dim = p->objective.dim;
    double row[MAX_PARAMS + 3], curvature[2];
    p->solve(p->objective.ctx, row + 1, curvature);
    row[0] = objective_loss(&p->objective, row + 1);
    row[1 + dim] = 2.0 / curvature[1];
    row[2 + dim] = 2.0 / (curvature[0] + curvature[1]);
    fputs("loss", out);
    write_columns(out, "", p->param_names, dim);
    fputs(",max_stable_lr,best_lr\n", out);
    output_numbers(out, row, dim + 3);
}

/* Runs the task into --out; *saved holds the --save-data file (empty
 * without it), committed with --out: a run that cannot write one of them
 * leaves neither. */
static int run(const Settings *s, LessonProblem *p, double *theta,
               Output *saved)
{
    Output out;
    if (!output_open(&out, program, "--out", s->out)) {
        output_discard(saved);
        return EXIT_FAILURE;
    }
    int status = EXIT_SUCCESS;
    if (strcmp(s->task, "train") == 0) {
        status = task_train(s, p, theta, out.file); /* rows kept either way */
    } else if (strcmp(s->task, "gradcheck") == 0) {
        if (!task_gradcheck(p, theta, out.file)) {
            output_discard(&out);
            output_discard(saved);
            return EXIT_FAILURE;
        }
    } else {
        task_solve(p, out.file);
    }
    Output *const outputs[] = {&out, s->save_data ? saved : NULL};
    if (!output_commit_all(outputs, 2, program))
        return EXIT_FAILURE;
    return status;
}

/* The user's points: one feature (x) and the target (y). A file that is
 * not like that is bad input: one line naming the file, line and column,
 * and exit status 2. So is a file whose x are all equal, where no line fits
 * best and the descent's stable limit is undefined; and one whose numbers
 * double precision cannot solve: x so close together that their spread
 * squared underflows to 0 (x = 1e-200, 2e-200, ...), x or y so large that
 * a square overflows (1e200), where --task solve would print inf or nan.
 * Memory running out while reading is a failed run (1), not bad input. */
static int read_points(const char *path, Dataset *ds)
{
    CsvError err;
    if (!csv_read_dataset(path, 1, ds, &err)) {
        csv_print_error(stderr, PROGRAM_NAME ": --data ", path, &err);
        return err.out_of_memory ? EXIT_FAILURE : EXIT_BAD_INPUT;
    }
    bool distinct = false;
    for (size_t i = 1; i < ds->n && !distinct; i++)
        distinct = ds->x[i] != ds->x[0];
    double star[2], curvature[2];
    if (distinct)
        mse_solve(ds, star, curvature);
    if (distinct && isfinite(star[0]) && isfinite(star[1]) &&
        isfinite(curvature[0]) && isfinite(curvature[1]) &&
        dataset_squares_finite(ds->x, ds->y, ds->n, 1))
        return EXIT_SUCCESS;
    char q[QUOTED_MAX]; /* unquoted, as csv_print_error names the file */
    escape_text(path, strlen(path), q);
    if (distinct)
        fprintf(stderr, PROGRAM_NAME ": --data %s: the best line or its "
                "loss is not a finite number in double precision: x or y "
                "is too large, or x varies too little (rescale them)\n", q);
    else
        fprintf(stderr, PROGRAM_NAME ": --data %s: expected at least two "
                "different x values, found %s (no line fits best)\n", q,
                ds->n == 1 ? "one point" : "every x the same");
    dataset_free(ds);
    return EXIT_BAD_INPUT;
}

/* The regression's points and random start: chapter 1's generated line
 * (lib/problems.c's problem_line_data, which later chapters share, so the
 * same --seed gives them the same points and start), or the points of the
 * --data file with a start drawn from the seed. (With --data no points are
 * drawn first, so the start differs from the run that saved the file; pass
 * that run's --start to repeat it exactly.) */
static int line_points(const Settings *s, Dataset *ds, double *theta)
{
    if (!s->data) {
        if (problem_line_data(ds, s->n, s->noise, s->seed, theta))
            return EXIT_SUCCESS;
        fprintf(stderr, PROGRAM_NAME ": out of memory for --n %zu\n", s->n);
        return EXIT_FAILURE;
    }
    int status = read_points(s->data, ds);
    if (status != EXIT_SUCCESS)
        return status;
    Rng rng;
    rng_seed(&rng, s->seed);
    theta[0] = rng_normal(&rng);
    theta[1] = rng_normal(&rng);
    return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
    Settings s = {.problem = "parabola", .task = "train", .lr = 0.1,
                  .noise = 0.1, .steps = 20, .n = 100, .seed = 1};
    Flag flags[] = {
        {.name = "problem", .kind = FLAG_CHOICE, .value = &s.problem,
         .help = "what to minimise", .choices = lesson_problems},
        {.name = "task", .kind = FLAG_CHOICE, .value = &s.task,
         .help = "what to compute", .choices = task_names},
        {.name = "lr", .kind = FLAG_DOUBLE, .value = &s.lr,
         .help = "learning rate η", .min = 0, .min_exclusive = true,
         .max = 1e6, .default_text = "0.1 parabola, 0.05 linreg",
         .scope = "task=train"},
        {.name = "steps", .kind = FLAG_COUNT, .value = &s.steps,
         .help = "gradient steps (a row each)", .min = 0, .max = 1e7,
         .default_text = "20 parabola, 200 linreg",
         .scope = "task=train"},
        {.name = "start", .kind = FLAG_LIST, .value = &s.start,
         .help = "starting point: w (parabola) or w,b (linreg)",
         .default_text = "w = 0 parabola; w, b ~ N(0, 1) linreg",
         .scope = "task!=solve"},
        {.name = "seed", .kind = FLAG_SEED, .value = &s.seed,
         .help = "random seed for the data and the start (linreg)",
         .scope = "problem=linreg"},
        {.name = "n", .kind = FLAG_COUNT, .value = &s.n,
         .help = "number of data points (linreg)", .min = 2, .max = 1e8,
         .scope = "problem=linreg !data"},
        {.name = "noise", .kind = FLAG_DOUBLE, .value = &s.noise,
         .help = "standard deviation of the label noise (linreg)", .min = 0,
         .max = 1e6,
         .scope = "problem=linreg !data"},
        CLI_OUT_FLAG(&s.out),
        {.name = "save-data", .kind = FLAG_TEXT, .value = &s.save_data, .writes = true,
         .help = "also write the dataset as x,y CSV (linreg)",
         .default_text = "none",
         .scope = "problem=linreg"},
        {.name = "data", .kind = FLAG_TEXT, .value = &s.data, .reads = true,
         .help = "fit the points of this x,y CSV file instead (linreg)",
         .default_text = "generated",
         .scope = "problem=linreg"},
    };
    Cli cli = {.program = PROGRAM_NAME, .usage = usage,
               CLI_TABLE(flags)};
    int exit_status;
    if (!cli_start(&cli, argc, argv, &exit_status))
        return exit_status;
    if (check_start(&cli, &s) != CLI_RUN)
        return EXIT_BAD_INPUT;

    double theta[MAX_PARAMS] = {0.0};
    Output saved = {0}; /* --save-data (linreg) */
    if (strcmp(s.problem, "parabola") == 0) {
        if (s.start.count)
            theta[0] = s.start.values[0];
        LessonProblem p = {.objective = {.dim = 1,
                                         .loss_grad = parabola_loss_grad},
                           .param_names = parabola_params,
                           .step = parabola_step, .lr = s.lr,
                           .solve = parabola_solve};
        return run(&s, &p, theta, &saved);
    }

    /* The reference example's settings, unless the user chose others. */
    if (!cli_given(&cli, "lr"))
        s.lr = 0.05;
    if (!cli_given(&cli, "steps"))
        s.steps = 200;
    if (!s.data && check_train_size(&cli, &s, s.n) != CLI_RUN)
        return EXIT_BAD_INPUT;
    Dataset ds;
    int status = line_points(&s, &ds, theta);
    if (status != EXIT_SUCCESS)
        return status;
    if (s.data && check_train_size(&cli, &s, ds.n) != CLI_RUN) {
        dataset_free(&ds);
        return EXIT_BAD_INPUT;
    }
    if (s.start.count)
        memcpy(theta, s.start.values, 2 * sizeof *theta);
    LessonProblem p = {.objective = {.dim = 2, .loss_grad = linreg_loss_grad,
                                     .ctx = &ds},
                       .param_names = line_params, .step = line_step,
                       .lr = s.lr, .solve = mse_solve};
    status = EXIT_FAILURE;
    if (dataset_open_csv(&ds, PROGRAM_NAME, s.save_data, &saved))
        status = run(&s, &p, theta, &saved);
    dataset_free(&ds);
    return status;
}
