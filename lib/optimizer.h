/*
 * optimizer.h: chapter 4's six optimizers behind one interface, for the
 * chapter programs that train with any of them.
 *
 * Chapter 4's exercises (04-optimizers.h) give each optimizer its own
 * Config, State and step. A program that lets the user pick one by name
 * (--optimizer adam) needs them behind one door: an Optimizer holds the
 * kind, its Config and its State, and optimizer_step is a lib/loop.h StepFn
 * that calls the chosen one. Nothing here updates a parameter: every step
 * is chapter 4's (solutions/04-optimizers.c, or your own file under
 * `make try`), so a program that includes this header runs the graded code.
 *
 * The flags that set an optimizer, named as in torch.optim, are a piece of
 * a lib/cli.h flag table (OPTIMIZER_FLAGS below), so that every program
 * that trains with chapter 4's optimizers takes the same flags, each
 * refused for the optimizers that do not have it.
 */
#ifndef OPTIMIZER_H
#define OPTIMIZER_H

#include <math.h> /* HUGE_VAL, in OPTIMIZER_FLAGS */
#include <stdbool.h>
#include <stddef.h>

#include "04-optimizers.h"
#include "cli.h"
#include "loop.h"

typedef enum {
    OPTIMIZER_SGD,
    OPTIMIZER_ADAM,
    OPTIMIZER_ADAMW,
    OPTIMIZER_RMSPROP,
    OPTIMIZER_ADAGRAD,
    OPTIMIZER_LION
} OptimizerKind;

/* The names --optimizer takes, in OptimizerKind's order; NULL-terminated,
 * as FLAG_CHOICE wants. */
extern const char *const optimizer_names[];

/* Which optimizer, and its settings (only the kind's member is used). */
typedef struct {
    OptimizerKind kind;
    union {
        SgdConfig sgd;
        AdamConfig adam; /* Adam's, or AdamW's */
        RmspropConfig rmsprop;
        AdagradConfig adagrad;
        LionConfig lion;
    };
} OptimizerConfig;

/* An optimizer ready to step: its config and what it remembers. */
typedef struct {
    OptimizerConfig config;
    union {
        SgdState sgd;
        AdamState adam; /* Adam's and AdamW's */
        RmspropState rmsprop;
        AdagradState adagrad;
        LionState lion;
    } state;
} Optimizer;

/* The kind called `name`, which must be one of optimizer_names. */
OptimizerKind optimizer_kind(const char *name);

/* The kind's defaults: its *_default_config() from chapter 4. */
OptimizerConfig optimizer_default_config(OptimizerKind kind);

/* The learning rate of whichever optimizer cfg is, to read or to change
 * (a learning-rate schedule changes it between steps). */
double optimizer_lr(const OptimizerConfig *cfg);
void optimizer_set_lr(OptimizerConfig *cfg, double lr);

/* Why a run with cfg stopped being finite at `step`, when cfg itself says
 * so: Adam's or AdamW's --beta1 squared at least --beta2, which leaves
 * their steps unbounded (without --amsgrad); or an --eps of 0, with which
 * Adam, AdamW, RMSprop and Adagrad divide 0 by 0 for a parameter whose
 * gradient has been 0 (a pixel that is black in every image, a dead unit).
 * Prints one line naming the flags (and the rate, should no gradient have
 * been 0) and returns true; false, printing nothing, otherwise: the rate
 * is then the likelier cause. */
bool optimizer_blame(const OptimizerConfig *cfg, const char *program,
                     size_t step);

/* Copies cfg and creates the state for n parameters (its *_state_init);
 * false when out of memory. Free it with optimizer_free. */
bool optimizer_init(Optimizer *optimizer, const OptimizerConfig *cfg,
                    size_t n);

/* One step of the optimizer (an Optimizer *), as lib/loop.h's StepFn:
 * updates the n params in place from the n grads. */
void optimizer_step(double *params, const double *grads, size_t n,
                    void *optimizer);

void optimizer_free(Optimizer *optimizer);

/* Trains with a fresh optimizer made from cfg: loop_run on the objective
 * from theta (updated in place), with the caller's steps, hook and row
 * callback from `loop`, whose step and optimizer this call fills in. The
 * optimizer is created and freed here. False when out of memory. */
bool optimizer_train(const OptimizerConfig *cfg, const Objective *objective,
                     Loop loop, double *theta, LoopResult *result);

/* ------------------------------------------------------------- the flags */

/* Where cli_parse puts the optimizer flags' values. Set `name` to the
 * default optimizer before parsing; the rest are read only when given. */
typedef struct {
    const char *name; /* --optimizer */
    double lr, momentum, dampening, weight_decay, beta1, beta2, eps, alpha,
        lr_decay, initial_accumulator_value;
    bool nesterov, amsgrad, centered;
} OptimizerFlags;

/* The entries of a Flag table for --optimizer and its hyperparameters,
 * `flags` being an OptimizerFlags *. Each hyperparameter is scoped to the
 * optimizers torch.optim gives it, so cli_parse refuses it for the others
 * and --help says which. Bounds that a scope cannot state (β, α and μ
 * below 1; Nesterov's needs) are optimizer_flags_check's. SCOPE, a string
 * literal, is added to every entry's scope ("" for none): a program in
 * which the optimizer does not always run says where it does (as
 * PROBLEM_FLAGS's SCOPE). LR_SCOPE is --lr's, which can be wider: chapter
 * 7's schedules use the rate where no optimizer runs. Use it inside a
 * table: Flag flags[] = {..., OPTIMIZER_FLAGS(&s.optimizer, "", ""), ...}. */
#define OPTIMIZER_FLAGS(flags, SCOPE, LR_SCOPE)                              \
    {.name = "optimizer", .kind = FLAG_CHOICE, .value = &(flags)->name,      \
     .help = "the update rule", .choices = optimizer_names, .scope = SCOPE}, \
    {.name = "lr", .kind = FLAG_DOUBLE, .value = &(flags)->lr,               \
     .help = "learning rate", .min = 0, .min_exclusive = true, .max = 1e6,   \
     .default_text = "torch's: 1e-3 sgd, adam, adamw; 1e-2 rmsprop, "        \
                     "adagrad; 1e-4 lion", .scope = LR_SCOPE},               \
    {.name = "momentum", .kind = FLAG_DOUBLE, .value = &(flags)->momentum,   \
     .help = "momentum factor μ", .min = 0, .max = HUGE_VAL,                 \
     .default_text = "0", .scope = "optimizer=sgd|rmsprop " SCOPE},          \
    {.name = "dampening", .kind = FLAG_DOUBLE, .value = &(flags)->dampening, \
     .help = "dampening τ of the momentum (needs --momentum)", .min = 0,     \
     .max = 1, .scope = "optimizer=sgd " SCOPE},                             \
    {.name = "nesterov", .kind = FLAG_SWITCH, .value = &(flags)->nesterov,   \
     .help = "Nesterov momentum (needs --momentum)",                         \
     .scope = "optimizer=sgd " SCOPE},                                       \
    {.name = "weight-decay", .kind = FLAG_DOUBLE,                            \
     .value = &(flags)->weight_decay,                                        \
     .help = "weight decay λ: L2 in the gradient, decoupled for adamw and "  \
             "lion", .min = 0, .max = 1e6,                                   \
     .default_text = "0; 0.01 adamw", .scope = SCOPE},                       \
    {.name = "beta1", .kind = FLAG_DOUBLE, .value = &(flags)->beta1,         \
     .help = "first-moment decay β1", .min = 0, .max = HUGE_VAL,             \
     .default_text = "0.9", .scope = "optimizer=adam|adamw|lion " SCOPE},    \
    {.name = "beta2", .kind = FLAG_DOUBLE, .value = &(flags)->beta2,         \
     .help = "second-moment decay β2 (lion's momentum decay)", .min = 0,     \
     .max = HUGE_VAL, .default_text = "0.999; 0.99 lion",                    \
     .scope = "optimizer=adam|adamw|lion " SCOPE},                           \
    {.name = "eps", .kind = FLAG_DOUBLE, .value = &(flags)->eps,             \
     .help = "ε added to the denominator", .min = 0, .max = 1e6,             \
     .default_text = "1e-8; 1e-10 adagrad",                                  \
     .scope = "optimizer=adam|adamw|rmsprop|adagrad " SCOPE},                \
    {.name = "amsgrad", .kind = FLAG_SWITCH, .value = &(flags)->amsgrad,     \
     .help = "AMSGrad: divide by the largest second moment so far",          \
     .scope = "optimizer=adam|adamw " SCOPE},                                \
    {.name = "alpha", .kind = FLAG_DOUBLE, .value = &(flags)->alpha,         \
     .help = "smoothing constant α of the mean square", .min = 0,            \
     .max = HUGE_VAL, .default_text = "0.99",                                \
     .scope = "optimizer=rmsprop " SCOPE},                                   \
    {.name = "centered", .kind = FLAG_SWITCH, .value = &(flags)->centered,   \
     .help = "divide by the gradient's estimated standard deviation "        \
             "instead of its root mean square",                              \
     .scope = "optimizer=rmsprop " SCOPE},                                   \
    {.name = "lr-decay", .kind = FLAG_DOUBLE, .value = &(flags)->lr_decay,   \
     .help = "learning-rate decay", .min = 0, .max = 1e6,                    \
     .default_text = "0", .scope = "optimizer=adagrad " SCOPE},              \
    {.name = "initial-accumulator-value", .kind = FLAG_DOUBLE,               \
     .value = &(flags)->initial_accumulator_value,                           \
     .help = "starting value of the sum of squares", .min = 0, .max = 1e6,   \
     .default_text = "0", .scope = "optimizer=adagrad " SCOPE}

/* Refuses what the table cannot: β1, β2, α or μ of 1 or more (at 1 an
 * average never forgets its start, and Adam's bias correction divides by
 * zero), quoting the value as typed; Nesterov without momentum or with
 * dampening, which torch.optim.SGD refuses; dampening without momentum,
 * which would do nothing. Returns CLI_RUN or, after the message,
 * CLI_BAD_INPUT. */
CliStatus optimizer_flags_check(Cli *cli, const OptimizerFlags *flags);

/* The chosen optimizer's defaults with every given flag applied. */
OptimizerConfig optimizer_flags_config(Cli *cli, const OptimizerFlags *flags);

#endif
