// BEGIN SOLUTION
/*
 * solutions/07-schedules.c: reference solutions of chapter 7.
 *
 * exercises/07-schedules.c is generated from this file (`make stubs`):
 * the lines between BEGIN and END SOLUTION markers are dropped and the STUB
 * lines become code. Check yours with `make check CH=07`; look here after.
 */
// END SOLUTION
// STUB: /*
// STUB:  * exercises/07-schedules.c: chapter 7, learning-rate schedules, warm-up
// STUB:  * and the learning-rate range test.
// STUB:  *
// STUB:  * Implement each function as its contract in 07-schedules.h says. Grade
// STUB:  * your work with `make check CH=07`; the lesson is
// STUB:  * chapters/07-schedules.md.
// STUB:  */
#include "07-schedules.h"

#include <math.h>

/* π as Python's math.pi has it: the double nearest to π. */
#define PI 3.141592653589793

//> step-lr
double step_lr_next(double lr, size_t k, size_t step_size, double gamma)
{
    // BEGIN SOLUTION
    if (k == 0 || k % step_size != 0)
        return lr;
    return lr * gamma;
    // END SOLUTION
    // STUB: (void)lr; (void)k; (void)step_size; (void)gamma;
    // STUB: return -1.0; /* TODO: lesson section "Step decay" */
}
//< step-lr

//> multistep-lr
double multistep_lr_next(double lr, size_t k, const size_t *milestones,
                         size_t count, double gamma)
{
    // BEGIN SOLUTION
    double times = 0.0; /* how often k is a milestone */
    for (size_t i = 0; i < count; i++)
        if (milestones[i] == k)
            times += 1.0;
    return times == 0.0 ? lr : lr * pow(gamma, times);
    // END SOLUTION
    // STUB: (void)lr; (void)k; (void)milestones; (void)count; (void)gamma;
    // STUB: return -1.0; /* TODO: lesson section "Step decay" */
}
//< multistep-lr

//> exponential-lr
double exponential_lr_next(double lr, size_t k, double gamma)
{
    // BEGIN SOLUTION
    return k == 0 ? lr : lr * gamma;
    // END SOLUTION
    // STUB: (void)lr; (void)k; (void)gamma;
    // STUB: return -1.0; /* TODO: lesson section "Exponential decay" */
}
//< exponential-lr

//> cosine-lr
double cosine_lr(double base_lr, double eta_min, size_t k, size_t t_max)
{
    // BEGIN SOLUTION
    double angle = PI * (double)k / (double)t_max;
    return eta_min + (base_lr - eta_min) * (1.0 + cos(angle)) / 2.0;
    // END SOLUTION
    // STUB: (void)base_lr; (void)eta_min; (void)k; (void)t_max;
    // STUB: return -1.0; /* TODO: lesson section "Cosine annealing" */
}
//< cosine-lr

//> cosine-lr-next
double cosine_lr_next(double lr, double base_lr, double eta_min, size_t k,
                      size_t t_max)
{
    // BEGIN SOLUTION
    double T = (double)t_max;
    if (k == 0)
        return lr;
    if ((k - 1) % (2 * t_max) == t_max) /* the ratio's denominator is 0 */
        return lr + (base_lr - eta_min) * (1.0 - cos(PI / T)) / 2.0;
    double now = 1.0 + cos(PI * (double)k / T);
    double before = 1.0 + cos(PI * (double)(k - 1) / T);
    return now / before * (lr - eta_min) + eta_min;
    // END SOLUTION
    // STUB: (void)lr; (void)base_lr; (void)eta_min; (void)k; (void)t_max;
    // STUB: return -1.0; /* TODO: lesson section "What PyTorch computes: the chain" */
}
//< cosine-lr-next

//> restarts
void restarts_advance(Restarts *r, size_t t_mult)
{
    // BEGIN SOLUTION
    r->t_cur += 1;
    if (r->t_cur >= r->t_i) {
        r->t_cur -= r->t_i;
        r->t_i *= t_mult;
    }
    // END SOLUTION
    // STUB: (void)r; (void)t_mult;
    // STUB: /* TODO: lesson section "Warm restarts" */
}
//< restarts

//> linear-lr-next
double linear_lr_next(double lr, size_t k, double start_factor,
                      double end_factor, size_t total_iters)
{
    // BEGIN SOLUTION
    if (k == 0)
        return lr * start_factor;
    if (k > total_iters)
        return lr;
    double rise = end_factor - start_factor;
    double factor_before = (double)total_iters * start_factor +
                           (double)(k - 1) * rise;
    return lr * (1.0 + rise / factor_before);
    // END SOLUTION
    // STUB: (void)lr; (void)k; (void)start_factor; (void)end_factor; (void)total_iters;
    // STUB: return -1.0; /* TODO: lesson section "Warm-up" */
}
//< linear-lr-next

//> warmup-cosine
double warmup_cosine_lr_next(double lr, double base_lr, size_t k,
                             const WarmupCosine *c)
{
    // BEGIN SOLUTION
    if (k < c->warmup_steps)
        return linear_lr_next(lr, k, c->start_factor, 1.0, c->warmup_steps);
    size_t t = k - c->warmup_steps; /* the cosine's own step count */
    if (t == 0)
        return cosine_lr(base_lr, c->eta_min, 0, c->t_max);
    return cosine_lr_next(lr, base_lr, c->eta_min, t, c->t_max);
    // END SOLUTION
    // STUB: (void)lr; (void)base_lr; (void)k; (void)c;
    // STUB: return -1.0; /* TODO: lesson section "Warm-up" */
}
//< warmup-cosine

//> one-cycle
double onecycle_lr(const OneCycle *c, size_t k, double *momentum)
{
    // BEGIN SOLUTION
    double initial = c->max_lr / c->div_factor;
    double last = initial / c->final_div_factor;
    double total = (double)c->total_steps, up = c->pct_start * total;
    double hi = c->max_momentum, lo = c->base_momentum;
    /* Each phase: the step it ends at, and the rate and the momentum it
     * goes between. */
    typedef struct {
        double end, lr_from, lr_to, m_from, m_to;
    } Phase;
    Phase two[] = {{up - 1.0, initial, c->max_lr, hi, lo},
                   {total - 1.0, c->max_lr, last, lo, hi}};
    Phase three[] = {{up - 1.0, initial, c->max_lr, hi, lo},
                     {2.0 * c->pct_start * total - 2.0, c->max_lr, initial, lo, hi},
                     {total - 1.0, initial, last, hi, hi}};
    const Phase *phases = c->three_phase ? three : two;
    size_t last_phase = c->three_phase ? 2 : 1;

    /* Step k is in the first phase that ends at or after it. */
    double start = 0.0;
    size_t i = 0;
    while (i < last_phase && (double)k > phases[i].end)
        start = phases[i++].end;
    const Phase *p = &phases[i];
    double pct = ((double)k - start) / (p->end - start);
    if (c->anneal_linear) {
        if (momentum)
            *momentum = (p->m_to - p->m_from) * pct + p->m_from;
        return (p->lr_to - p->lr_from) * pct + p->lr_from;
    }
    double cos_out = cos(PI * pct) + 1.0;
    if (momentum)
        *momentum = p->m_to + (p->m_from - p->m_to) / 2.0 * cos_out;
    return p->lr_to + (p->lr_from - p->lr_to) / 2.0 * cos_out;
    // END SOLUTION
    // STUB: (void)c; (void)k; (void)momentum;
    // STUB: return -1.0; /* TODO: lesson section "One cycle" */
}
//< one-cycle

//> plateau
bool plateau_is_better(const PlateauConfig *c, double current, double best)
{
    // BEGIN SOLUTION
    if (c->mode == PLATEAU_MIN)
        return c->threshold_mode == THRESHOLD_REL
                   ? current < best * (1.0 - c->threshold)
                   : current < best - c->threshold;
    return c->threshold_mode == THRESHOLD_REL
               ? current > best * (c->threshold + 1.0)
               : current > best + c->threshold;
    // END SOLUTION
    // STUB: (void)c; (void)current; (void)best;
    // STUB: return false; /* TODO: lesson section "Reduce on plateau" */
}

double plateau_step(PlateauState *s, const PlateauConfig *c, double lr,
                    double loss)
{
    // BEGIN SOLUTION
    if (plateau_is_better(c, loss, s->best)) {
        s->best = loss;
        s->num_bad_epochs = 0;
    } else {
        s->num_bad_epochs += 1;
    }
    if (s->cooldown_counter > 0) {
        s->cooldown_counter -= 1;
        s->num_bad_epochs = 0; /* bad steps in a cooldown do not count */
    }
    if (s->num_bad_epochs > c->patience) {
        double cut = fmax(lr * c->factor, c->min_lr);
        if (lr - cut > c->eps)
            lr = cut;
        s->cooldown_counter = c->cooldown;
        s->num_bad_epochs = 0;
    }
    return lr;
    // END SOLUTION
    // STUB: (void)s; (void)c; (void)lr; (void)loss;
    // STUB: return -1.0; /* TODO: lesson section "Reduce on plateau" */
}
//< plateau

//> range-test
double range_test_lr(double lr_min, double lr_max, size_t k, size_t steps)
{
    // BEGIN SOLUTION
    return lr_min * pow(lr_max / lr_min, (double)k / (double)steps);
    // END SOLUTION
    // STUB: (void)lr_min; (void)lr_max; (void)k; (void)steps;
    // STUB: return -1.0; /* TODO: lesson section "The learning-rate range test" */
}

double smooth_loss(SmoothedLoss *s, double loss)
{
    // BEGIN SOLUTION
    s->avg = s->beta * s->avg + (1.0 - s->beta) * loss;
    s->count += 1;
    return s->avg / (1.0 - pow(s->beta, (double)s->count));
    // END SOLUTION
    // STUB: (void)s; (void)loss;
    // STUB: return -1.0; /* TODO: lesson section "The learning-rate range test" */
}

size_t lr_suggestion(const double *lrs, const double *smoothed, size_t n)
{
    // BEGIN SOLUTION
    size_t best = 0;
    double steepest = HUGE_VAL;
    for (size_t i = 0; i + 1 < n; i++) {
        double slope = (smoothed[i + 1] - smoothed[i]) /
                       (log(lrs[i + 1]) - log(lrs[i]));
        if (slope < steepest) {
            steepest = slope;
            best = i;
        }
    }
    return best;
    // END SOLUTION
    // STUB: (void)lrs; (void)smoothed;
    // STUB: return n; /* TODO: lesson section "The learning-rate range test" */
}
//< range-test
