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
 * Build (make does this):
 *   cc -std=c11 -O2 -Ilib chapters/01-gradient-descent.c lib/cli.c \
 *      lib/csv.c lib/dataset.c lib/output.c lib/rng.c -lm \
 *      -o 01-gradient-descent
 * Run:
 *   build/bin/01-gradient-descent --problem parabola --lr 0.1 --steps 20
 *   build/bin/01-gradient-descent --help
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "dataset.h"
#include "output.h"
#include "rng.h"

enum { MAX_PARAMS = 2 };

/* A problem is everything gradient descent needs to know: how many
 * parameters there are, the loss at a point, the gradient at a point, and
 * (so that we can grade the descent) the exact answer. */
typedef struct {
    size_t dim;                      /* number of parameters in theta */
    const char *const *param_names;  /* column names, one per parameter */
    double (*loss)(const double *theta, const void *data);
    void (*grad)(const double *theta, const void *data, double *grad);
    /* Writes the minimiser to theta_star and the smallest and largest
     * eigenvalues of the loss's Hessian (its flattest and sharpest
     * curvatures) to curvature[0] and curvature[1]. */
    void (*solve)(const void *data, double *theta_star, double *curvature);
    const void *data;                /* the dataset, or NULL */
} Problem;

/* ================================================================ parabola */

//> parabola
/* f(w) = (w - 3)^2, smallest at w = 3, and its derivative f'(w) = 2(w - 3). */
static double parabola_loss(const double *theta, const void *unused)
{
    (void)unused;
    double w = theta[0];
    return (w - 3.0) * (w - 3.0);
}

static void parabola_grad(const double *theta, const void *unused,
                          double *grad)
{
    (void)unused;
    double w = theta[0];
    grad[0] = 2.0 * (w - 3.0);
}
//< parabola

static void parabola_solve(const void *unused, double *theta_star,
                           double *curvature)
{
    (void)unused;
    theta_star[0] = 3.0;
    curvature[0] = curvature[1] = 2.0; /* f''(w) = 2 everywhere */
}

/* ======================================================= linear regression */

//> mse-loss
/* L(w, b) = (1/N) Σ (w·x_i + b - y_i)^2: the mean squared error of the line
 * w·x + b over the N examples. */
static double mse_loss(const double *theta, const void *data)
{
    const Dataset *ds = data;
    double w = theta[0], b = theta[1];
    double sum = 0.0;
    for (size_t i = 0; i < ds->n; i++) {
        double residual = w * ds->x[i] + b - ds->y[i];
        sum += residual * residual;
    }
    return sum / (double)ds->n;
}
//< mse-loss

//> mse-grad
/* ∂L/∂w = (2/N) Σ r_i·x_i and ∂L/∂b = (2/N) Σ r_i, with the residual
 * r_i = w·x_i + b - y_i (prediction minus target). */
static void mse_grad(const double *theta, const void *data, double *grad)
{
    const Dataset *ds = data;
    double w = theta[0], b = theta[1];
    double sum_rx = 0.0, sum_r = 0.0;
    for (size_t i = 0; i < ds->n; i++) {
        double residual = w * ds->x[i] + b - ds->y[i];
        sum_rx += residual * ds->x[i];
        sum_r += residual;
    }
    grad[0] = 2.0 * sum_rx / (double)ds->n;
    grad[1] = 2.0 * sum_r / (double)ds->n;
}
//< mse-grad

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

/* ======================================================== gradient descent */

//> gd-step
/* One step of gradient descent: move every parameter against its partial
 * derivative, scaled by the learning rate. θ ← θ - η·∇L(θ) */
static void gd_step(double *theta, const double *grad, size_t dim, double lr)
{
    for (size_t j = 0; j < dim; j++)
        theta[j] -= lr * grad[j];
}
//< gd-step

typedef enum { TRAIN_MAX_STEPS, TRAIN_DIVERGED } TrainStatus;

static bool all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return false;
    return true;
}

static void write_train_row(FILE *out, size_t step, double loss,
                            const double *theta, const double *grad,
                            size_t dim)
{
    double row[1 + 2 * MAX_PARAMS];
    row[0] = loss;
    memcpy(row + 1, theta, dim * sizeof *theta);
    memcpy(row + 1 + dim, grad, dim * sizeof *grad);
    output_row(out, step, row, 1 + 2 * dim);
}

//> train-loop
/* Runs `steps` steps of gradient descent from theta, writing one row per
 * step: step 0 is the start, before any update. Stops early, returning
 * TRAIN_DIVERGED and the step in *stopped_at, if the loss or the gradient
 * stops being a finite number. */
static TrainStatus gd_train(const Problem *p, double *theta, double lr,
                            size_t steps, FILE *out, size_t *stopped_at)
{
    double grad[MAX_PARAMS];
    for (size_t step = 0;; step++) {
        double loss = p->loss(theta, p->data);
        p->grad(theta, p->data, grad);
        if (!isfinite(loss) || !all_finite(grad, p->dim)) {
            *stopped_at = step;
            return TRAIN_DIVERGED;
        }
        write_train_row(out, step, loss, theta, grad, p->dim);
        if (step == steps)
            return TRAIN_MAX_STEPS;
        gd_step(theta, grad, p->dim, lr);
    }
}
//< train-loop

/* ====================================================== gradient checking */

//> finite-differences
/* Two estimates of the partial derivative ∂L/∂θ_j from the loss alone:
 *   forward  (L(θ + h·e_j) - L(θ)) / h              error shrinks like h
 *   central  (L(θ + h·e_j) - L(θ - h·e_j)) / 2h     error shrinks like h²
 * theta is restored exactly before returning. */
static void finite_differences(const Problem *p, double *theta, size_t j,
                               double h, double *forward, double *central)
{
    double saved = theta[j];
    double loss = p->loss(theta, p->data);
    theta[j] = saved + h;
    double loss_plus = p->loss(theta, p->data);
    theta[j] = saved - h;
    double loss_minus = p->loss(theta, p->data);
    theta[j] = saved;
    *forward = (loss_plus - loss) / h;
    *central = (loss_plus - loss_minus) / (2.0 * h);
}
//< finite-differences

//> relative-error
/* |a - b| / max(|a|, |b|): how many digits two gradients share, whatever
 * their scale. Both zero counts as agreement. */
static double relative_error(double a, double b)
{
    double scale = fmax(fabs(a), fabs(b));
    return scale == 0.0 ? 0.0 : fabs(a - b) / scale;
}
//< relative-error

/* Compares the analytic gradient with finite differences for step sizes
 * h = 1e-1, 1e-2, ..., 1e-12. A large h suffers truncation error (the
 * loss is not a straight line over [θ - h, θ + h]); a tiny h suffers
 * rounding error, because L(θ + h) - L(θ - h) cancels most digits. */
static void gradient_check(const Problem *p, double *theta, FILE *out)
{
    double grad[MAX_PARAMS];
    p->grad(theta, p->data, grad);
    double h = 1.0;
    for (int k = 1; k <= 12; k++) {
        h /= 10.0;
        double row[1 + 5 * MAX_PARAMS];
        size_t c = 0;
        row[c++] = h;
        for (size_t j = 0; j < p->dim; j++) {
            double forward, central;
            finite_differences(p, theta, j, h, &forward, &central);
            row[c++] = grad[j];
            row[c++] = forward;
            row[c++] = central;
            row[c++] = relative_error(grad[j], forward);
            row[c++] = relative_error(grad[j], central);
        }
        output_numbers(out, row, c);
    }
}

/* ==================================================================== main */

static const char *const problem_names[] = {"parabola", "linreg", NULL};
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
    "01-gradient-descent: chapter 1, manual gradient descent.\n"
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
    "Exit status: 0 done; 1 the loss became inf or nan (the rows before it\n"
    "are kept), or a file could not be written; 2 bad input.";

/* Flags that only make sense for some problems or tasks are refused rather
 * than silently ignored, so a typo in a script cannot go unnoticed. */
static CliStatus check_combinations(Cli *cli, const Settings *s)
{
    bool linreg = strcmp(s->problem, "linreg") == 0;
    bool train = strcmp(s->task, "train") == 0;
    if (cli_refuse_unless(cli, linreg,
                          (const char *const[]){"seed", "n", "noise",
                                                "save-data", "data", NULL},
                          "applies only to --problem linreg") != CLI_RUN)
        return CLI_BAD_INPUT;
    if (cli_refuse_unless(cli, train,
                          (const char *const[]){"lr", "steps", NULL},
                          "applies only to --task train") != CLI_RUN)
        return CLI_BAD_INPUT;
    if (cli_refuse_unless(cli, !s->data,
                          (const char *const[]){"n", "noise", NULL},
                          "does not apply with --data (the file decides)") !=
        CLI_RUN)
        return CLI_BAD_INPUT;
    if (cli_given(cli, "start") && strcmp(s->task, "solve") == 0)
        return cli_reject(cli, "start", NULL,
                          "does not apply to --task solve");
    size_t dim = linreg ? 2 : 1;
    if (cli_given(cli, "start") && s->start.count != dim)
        return cli_reject(cli, "start", NULL,
                          linreg ? "linreg needs two numbers: w,b"
                                 : "parabola needs one number: w");
    return CLI_RUN;
}

static int run(const Settings *s, const Problem *p, double *theta)
{
    const char *program = "01-gradient-descent";
    Output out;
    if (!output_open(&out, program, s->out))
        return EXIT_FAILURE;
    const char *const *names = p->param_names;
    int status = EXIT_SUCCESS;
    if (strcmp(s->task, "train") == 0) {
        fprintf(out.file, "step,loss");
        for (size_t j = 0; j < p->dim; j++)
            fprintf(out.file, ",%s", names[j]);
        for (size_t j = 0; j < p->dim; j++)
            fprintf(out.file, ",grad_%s", names[j]);
        fputc('\n', out.file);
        size_t stopped_at = 0;
        if (gd_train(p, theta, s->lr, s->steps, out.file, &stopped_at) ==
            TRAIN_DIVERGED) {
            double star[MAX_PARAMS], curvature[2];
            p->solve(p->data, star, curvature);
            double limit = 2.0 / curvature[1];
            fprintf(stderr,
                    "%s: the loss stopped being a finite number at step %zu: "
                    "--lr %g is above this problem's stable limit 2/λmax = "
                    "%.4g, so every step overshoots further than the last "
                    "(divide --lr by 10)\n",
                    program, stopped_at, s->lr, limit);
            status = EXIT_FAILURE;
        }
    } else if (strcmp(s->task, "gradcheck") == 0) {
        fprintf(out.file, "h");
        for (size_t j = 0; j < p->dim; j++)
            fprintf(out.file,
                    ",grad_%s,forward_%s,central_%s,forward_error_%s"
                    ",central_error_%s",
                    names[j], names[j], names[j], names[j], names[j]);
        fputc('\n', out.file);
        gradient_check(p, theta, out.file);
    } else {
        /* One row: the loss at the minimum, the minimiser, then the
         * learning rates that matter on a quadratic: below 2/λmax descent
         * converges, and 2/(λmin + λmax) converges fastest. */
        double row[MAX_PARAMS + 3], curvature[2];
        p->solve(p->data, row + 1, curvature);
        row[0] = p->loss(row + 1, p->data);
        row[1 + p->dim] = 2.0 / curvature[1];
        row[2 + p->dim] = 2.0 / (curvature[0] + curvature[1]);
        fprintf(out.file, "loss");
        for (size_t j = 0; j < p->dim; j++)
            fprintf(out.file, ",%s", names[j]);
        fprintf(out.file, ",max_stable_lr,best_lr\n");
        output_numbers(out.file, row, p->dim + 3);
    }
    if (!output_commit(&out, program))
        return EXIT_FAILURE;
    return status;
}

/* The user's points: one feature (x) and the target (y). A file that is
 * not like that is bad input: one line naming the file, line and column,
 * and exit status 2. So is a file whose x are all equal, where no line fits
 * best and the descent's stable limit is undefined. */
static int read_points(const char *path, Dataset *ds)
{
    CsvError err;
    if (!csv_read_dataset(path, 1, ds, &err)) {
        csv_print_error(stderr, "01-gradient-descent: --data ", path, &err);
        return EXIT_BAD_INPUT;
    }
    for (size_t i = 1; i < ds->n; i++)
        if (ds->x[i] != ds->x[0])
            return EXIT_SUCCESS;
    fprintf(stderr, "01-gradient-descent: --data %s: expected at least two "
            "different x values, found %s (no line fits best)\n", path,
            ds->n == 1 ? "one point" : "every x the same");
    dataset_free(ds);
    return EXIT_BAD_INPUT;
}

int main(int argc, char **argv)
{
    Settings s = {.problem = "parabola", .task = "train", .lr = 0.1,
                  .noise = 0.1, .steps = 20, .n = 100, .seed = 1};
    Flag flags[] = {
        {.name = "problem", .kind = FLAG_CHOICE, .value = &s.problem,
         .help = "what to minimise", .choices = problem_names},
        {.name = "task", .kind = FLAG_CHOICE, .value = &s.task,
         .help = "what to compute", .choices = task_names},
        {.name = "lr", .kind = FLAG_DOUBLE, .value = &s.lr,
         .help = "learning rate η", .min = 0, .min_exclusive = true,
         .max = 1e6, .default_text = "0.1 parabola, 0.05 linreg"},
        {.name = "steps", .kind = FLAG_COUNT, .value = &s.steps,
         .help = "gradient steps", .min = 0, .max = 1e9,
         .default_text = "20 parabola, 200 linreg"},
        {.name = "start", .kind = FLAG_LIST, .value = &s.start,
         .help = "starting point: w (parabola) or w,b (linreg)",
         .default_text = "w = 0 parabola; w, b ~ N(0, 1) linreg"},
        {.name = "seed", .kind = FLAG_SEED, .value = &s.seed,
         .help = "random seed for the data and the start (linreg)"},
        {.name = "n", .kind = FLAG_COUNT, .value = &s.n,
         .help = "number of data points (linreg)", .min = 2, .max = 1e8},
        {.name = "noise", .kind = FLAG_DOUBLE, .value = &s.noise,
         .help = "standard deviation of the label noise (linreg)", .min = 0,
         .max = 1e6},
        {.name = "out", .kind = FLAG_TEXT, .value = &s.out,
         .help = "write the CSV here instead of stdout",
         .default_text = "stdout"},
        {.name = "save-data", .kind = FLAG_TEXT, .value = &s.save_data,
         .help = "also write the dataset as x,y CSV (linreg)",
         .default_text = "none"},
        {.name = "data", .kind = FLAG_TEXT, .value = &s.data,
         .help = "fit the points of this x,y CSV file instead (linreg)",
         .default_text = "generated"},
    };
    Cli cli = {.program = "01-gradient-descent", .usage = usage,
               .flags = flags, .flag_count = sizeof flags / sizeof *flags};
    switch (cli_parse(&cli, argc, argv)) {
    case CLI_HELP_SHOWN: return EXIT_SUCCESS;
    case CLI_BAD_INPUT: return EXIT_BAD_INPUT;
    case CLI_RUN: break;
    }
    if (check_combinations(&cli, &s) != CLI_RUN)
        return EXIT_BAD_INPUT;

    double theta[MAX_PARAMS] = {0.0};
    if (strcmp(s.problem, "parabola") == 0) {
        if (s.start.count)
            theta[0] = s.start.values[0];
        Problem p = {.dim = 1, .param_names = parabola_params,
                     .loss = parabola_loss, .grad = parabola_grad,
                     .solve = parabola_solve};
        return run(&s, &p, theta);
    }

    /* The reference example's settings, unless the user chose others. */
    if (!cli_given(&cli, "lr"))
        s.lr = 0.05;
    if (!cli_given(&cli, "steps"))
        s.steps = 200;
    Dataset ds;
    Rng rng;
    rng_seed(&rng, s.seed);
    if (s.data) {
        int status = read_points(s.data, &ds);
        if (status != EXIT_SUCCESS)
            return status;
    } else {
        if (!dataset_alloc(&ds, s.n, 1)) {
            fprintf(stderr, "01-gradient-descent: out of memory for --n "
                    "%zu\n", s.n);
            return EXIT_FAILURE;
        }
        dataset_fill_line(&ds, -2.0, 2.0, 2.0, 1.0, s.noise, &rng);
    }
    /* A random start, drawn after the data so the data do not depend on it.
     * (With --data no draws come first, so the start differs from the run
     * that saved the file; pass that run's --start to repeat it exactly.) */
    theta[0] = rng_normal(&rng);
    theta[1] = rng_normal(&rng);
    if (s.start.count)
        memcpy(theta, s.start.values, 2 * sizeof *theta);
    Problem p = {.dim = 2, .param_names = line_params, .loss = mse_loss,
                 .grad = mse_grad, .solve = mse_solve, .data = &ds};
    int status = EXIT_FAILURE;
    if (!s.save_data ||
        dataset_save_csv(&ds, "01-gradient-descent", s.save_data))
        status = run(&s, &p, theta);
    dataset_free(&ds);
    return status;
}
