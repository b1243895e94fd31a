/*
 * tests/10-data-parallel.c: the graded tests of chapter 10, data-parallel
 * training. The ranks are simulated in one process: no mpirun.
 *
 * Where the expected numbers come from (never from the reference
 * solution, which no test calls):
 *   - The contracts' rules worked by hand into tables: 10 items over 4
 *     ranks, 8 over 3, 3 over 5; the ring's chunk indices for P = 4.
 *   - Properties any right answer has: shards that tile 0..items-1 in rank
 *     order, weights that add to 1, a simulated ring whose every rank ends
 *     with the exact sum (small whole numbers: every addition is exact).
 *   - Dyadic means (3/8·1 + 3/8·4 + 2/8·10 = 4.375, exact in doubles), and
 *     one case where the order of the rounding shows: three shards of one
 *     item with means 0.1, 0.2, 0.3 give 0.20000000000000001 in the
 *     contract's order, 0.20000000000000004 when the sum is divided once
 *     at the end, 0.19999999999999998 when the shards are added backwards
 *     (computed with -ffp-contract=off, as the course builds); six
 *     micro-batches of 8 whose true mean 0.75 the contract's order rounds
 *     to 0.74999999999999989 and every other order tried does not; and
 *     shards of 0 items, which weigh 0/total = 0.
 *   - Properties of a function of its arguments alone: a shard asked for
 *     before rank 0's, a combination repeated, give the same answer.
 *   - The tree's step count ⌈log2 P⌉ and its roles for P = 5 worked by
 *     hand; a simulated tree whose rank r holds 2^r, so that rank 0's sum
 *     2^P - 1 is exact and a value lost or added twice shows.
 * When a wrong answer is one a known mistake gives, the message names it.
 */
#define _POSIX_C_SOURCE 200809L /* sigsetjmp, sigaction, alarm */
#include "grading.h"

#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "10-data-parallel.h"

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* ============================================================ shard_of() */

typedef struct {
    size_t items, ranks;
    Shard want[6];
} ShardCase;

/* Worked by hand: items/ranks each, one more for the first items % ranks. */
static const ShardCase shard_cases[] = {
    {10, 4, {{0, 3}, {3, 3}, {6, 2}, {8, 2}}},  /* 2 + one more for 0, 1 */
    {8, 3, {{0, 3}, {3, 3}, {6, 2}}},           /* 2 + one more for 0, 1 */
    {12, 4, {{0, 3}, {3, 3}, {6, 3}, {9, 3}}},  /* even */
    {3, 5, {{0, 1}, {1, 1}, {2, 1}, {3, 0}, {3, 0}}}, /* fewer than ranks */
    {7, 1, {{0, 7}}},                           /* one rank: everything */
    {11, 6, {{0, 2}, {2, 2}, {4, 2}, {6, 2}, {8, 2}, {10, 1}}},
};

/* Shards whose first items % ranks + 1 ranks got one more: `<=` for `<`. */
static bool one_extra_too_many(const Shard *s, size_t items, size_t ranks)
{
    size_t base = items / ranks, extra = items % ranks;
    if (extra + 1 >= ranks)
        return false;
    for (size_t r = 0; r < ranks; r++)
        if (s[r].count != base + (r <= extra))
            return false;
    return true;
}

/* Shards of c = ⌈items/ranks⌉ cut in order, the last ones short or empty:
 * rank r's count min(c, items - r·c), 0 past the end (and not the rule's
 * counts, which these are when items < ranks). */
static bool ceil_chunks(const Shard *s, size_t items, size_t ranks)
{
    size_t c = (items + ranks - 1) / ranks;
    bool differs = false;
    for (size_t r = 0; r < ranks; r++) {
        size_t left = r * c < items ? items - r * c : 0;
        if (s[r].count != (left < c ? left : c))
            return false;
        differs = differs ||
                  s[r].count != items / ranks + (r < items % ranks);
    }
    return differs;
}

/* items < ranks: ranks 0..items-1 right ({r, 1}), but some empty shard
 * does not start at items. */
static bool empty_shard_misplaced(const Shard *s, size_t items, size_t ranks)
{
    bool misplaced = false;
    if (items >= ranks)
        return false;
    for (size_t r = 0; r < ranks; r++) {
        if (r < items && (s[r].first != r || s[r].count != 1))
            return false;
        if (r >= items && s[r].count != 0)
            return false;
        misplaced = misplaced || (r >= items && s[r].first != items);
    }
    return misplaced;
}

/* Shards cut at floor(r·items/ranks), r = 0..ranks: rank r from
 * r·items/ranks to (r + 1)·items/ranks, the extra items spread among the
 * ranks (10 over 4: 2, 3, 2, 3), and some rank before the last
 * items % ranks holding one of them (so not the counts of extra items
 * given to the last ranks, which these are for some sizes). */
static bool proportional_bounds(const Shard *s, size_t items, size_t ranks)
{
    size_t base = items / ranks, extra = items % ranks;
    bool spread = false;
    for (size_t r = 0; r < ranks; r++) {
        size_t first = r * items / ranks;
        size_t end = (r + 1) * items / ranks;
        if (s[r].first != first || s[r].count != end - first)
            return false;
        spread = spread || (r < ranks - extra && s[r].count == base + 1);
    }
    return spread;
}

/* The likely mistake behind shards s[0..ranks-1] of `items`, or NULL. */
static const char *shard_mistake(const Shard *s, size_t items, size_t ranks)
{
    size_t total = 0, base = items / ranks, extra = items % ranks;
    bool all_base = true;
    for (size_t r = 0; r < ranks; r++) {
        total += s[r].count;
        all_base = all_base && s[r].count == base;
    }
    if (extra > 0 && all_base)
        return "the remainder was dropped: items % ranks items belong to no "
               "rank; the first items % ranks ranks get one more each";
    if (extra > 0 && ranks > 1 && s[0].count == base + 1 &&
        s[ranks - 1].count == items - (ranks - 1) * base)
        return "the last rank took what is left after (P - 1)·(items/ranks) "
               "items, forgetting that the first items % ranks ranks took "
               "one more each: the shards cover more items than there are; "
               "the last rank's shard is items/ranks long";
    if (extra > 0 && s[ranks - 1].count == base + extra && ranks > 1)
        return "the remainder went to the last rank: the rule spreads it, "
               "one more item each for the first items % ranks ranks";
    if (extra > 0 && proportional_bounds(s, items, ranks))
        return "the shards were cut at r·items/ranks (rounded down), which "
               "spreads the extra items among the ranks (10 items over 4: "
               "2, 3, 2, 3): the rule gives one more to each of the first "
               "items % ranks ranks (3, 3, 2, 2)";
    if (extra > 0 && s[0].count == base && s[ranks - 1].count == base + 1)
        return "the extra items went to the last ranks: the rule gives them "
               "to the first items % ranks ranks";
    if (one_extra_too_many(s, items, ranks))
        return "one rank too many got an extra item: rank items % ranks "
               "took one too (rank <= items % ranks?); only ranks 0 to "
               "items % ranks - 1 get one more";
    if (ceil_chunks(s, items, ranks))
        return "shards of ⌈items/ranks⌉ with what is left for the last "
               "(torch.chunk's sizes, or a ceil division): the rule gives "
               "items/ranks each and one more to each of the first "
               "items % ranks ranks: no shard is more than one shorter";
    if (empty_shard_misplaced(s, items, ranks))
        return "a rank with no items (items < ranks) still has a place: its "
               "empty shard starts where the one before it ends, at items "
               "(first = items, count 0), not at 0 or at its rank; an early "
               "return for the empty ranks?";
    for (size_t r = 1; r < ranks; r++)
        if (s[r].first < s[r - 1].first + s[r - 1].count)
            return "shards overlap: a rank starts inside the shard before "
                   "it; rank r starts where rank r - 1 ends (the first "
                   "items % ranks shards are one longer)";
    for (size_t r = 1; r < ranks; r++)
        if (s[r].first > s[r - 1].first + s[r - 1].count)
            return "a gap between shards: some items belong to no rank; "
                   "rank r starts where rank r - 1 ends";
    if (total > items)
        return "the shards cover more items than there are (every count "
               "rounded up to ceil(items / ranks), as torch's "
               "DistributedSampler does by repeating items to pad the last "
               "ranks?): here each item is in exactly one shard, and the "
               "first items % ranks shards are one longer";
    return NULL;
}

START_TEST(shard_hand_worked)
{
    const ShardCase *t = &shard_cases[_i];
    Shard got[6];
    for (size_t r = 0; r < t->ranks; r++)
        got[r] = shard_of(t->items, t->ranks, r);
    for (size_t r = 0; r < t->ranks; r++) {
        if (got[r].first == t->want[r].first && got[r].count == t->want[r].count)
            continue;
        const char *why = shard_mistake(got, t->items, t->ranks);
        ck_abort_msg("shard_of(%zu items, %zu ranks, rank %zu) gave first %zu, "
                     "count %zu; expected first %zu, count %zu: %s", t->items,
                     t->ranks, r, got[r].first, got[r].count,
                     t->want[r].first, t->want[r].count,
                     why ? why : "items/ranks each, one more for each of the "
                                 "first items % ranks ranks, contiguous in "
                                 "rank order");
    }
}
END_TEST

START_TEST(shard_tiles_every_batch)
{
    /* Every items 1..40 over every ranks 1..9: contiguous, in rank order,
     * covering 0..items-1 once, sizes within one of each other, larger
     * first. */
    for (size_t items = 1; items <= 40; items++)
        for (size_t ranks = 1; ranks <= 9; ranks++) {
            Shard s[9];
            size_t end = 0;
            for (size_t r = 0; r < ranks; r++)
                s[r] = shard_of(items, ranks, r);
            for (size_t r = 0; r < ranks; r++) {
                size_t want = items / ranks + (r < items % ranks);
                if (s[r].first == end && s[r].count == want) {
                    end += s[r].count;
                    continue;
                }
                const char *why = shard_mistake(s, items, ranks);
                ck_abort_msg("%zu items over %zu ranks: rank %zu got first "
                             "%zu, count %zu; expected first %zu, count %zu: "
                             "%s", items, ranks, r, s[r].first, s[r].count,
                             end, want,
                             why ? why : "each shard starts where the one "
                                         "before ends");
            }
        }
}
END_TEST

START_TEST(shard_any_call_order)
{
    /* Each rank asks for its own shard only, so no call may lean on an
     * earlier one: here the last rank asks first, in a fresh process, and
     * the ranks go down to 0. The rule by hand: items/ranks each, one more
     * for the first items % ranks; rank r starts after the shards before
     * it, r·(items/ranks) + min(r, items % ranks). */
    static const size_t cases[][2] = {{10, 4}, {7, 3}, {3, 5}, {9, 2}};
    for (size_t k = 0; k < COUNT(cases); k++) {
        size_t items = cases[k][0], ranks = cases[k][1];
        size_t base = items / ranks, extra = items % ranks;
        for (size_t r = ranks; r-- > 0;) {
            Shard got = shard_of(items, ranks, r);
            size_t want_first = r * base + (r < extra ? r : extra);
            size_t want_count = base + (r < extra);
            if (got.first == want_first && got.count == want_count)
                continue;
            Shard all[9];
            for (size_t q = 0; q < ranks; q++)
                all[q] = shard_of(items, ranks, q);
            bool again = all[r].first == want_first &&
                         all[r].count == want_count;
            const char *why = again
                ? "asked again after rank 0, it gives the right shard: the "
                  "answer depends on earlier calls (items/ranks or the "
                  "remainder kept in a static, computed when rank 0 asks?); "
                  "compute every shard from the call's own arguments"
                : shard_mistake(all, items, ranks);
            ck_abort_msg("shard_of(%zu items, %zu ranks, rank %zu), asked "
                         "before the ranks below it, gave first %zu, count "
                         "%zu; expected first %zu, count %zu: %s", items,
                         ranks, r, got.first, got.count, want_first,
                         want_count,
                         why ? why : "items/ranks each, one more for each "
                                     "of the first items % ranks ranks");
        }
    }
}
END_TEST

/* Past 2^32 items (a flattened gradient of a large model is one vector
 * cut into chunks): 2^34 + 3 items over 2 ranks is 2^33 + 1 each and one
 * more for rank 0, so {0, 2^33 + 2} and {2^33 + 2, 2^33 + 1}. A count
 * kept in an unsigned or an int wraps. (Where size_t has 32 bits the
 * case cannot arise, and the test has nothing to check.) */
START_TEST(shard_beyond_32_bits)
{
#if SIZE_MAX > UINT32_MAX
    const size_t half = (size_t)1 << 33, items = 2 * half + 3;
    const Shard want[2] = {{0, half + 2}, {half + 2, half + 1}};
    for (size_t r = 0; r < 2; r++) {
        Shard got = shard_of(items, 2, r);
        ck_assert_msg(got.first == want[r].first && got.count == want[r].count,
                      "shard_of(2^34 + 3 items, 2 ranks, rank %zu) gave first "
                      "%zu, count %zu; expected first %zu, count %zu: %s", r,
                      got.first, got.count, want[r].first, want[r].count,
                      got.count < ((size_t)1 << 32) && got.first < ((size_t)1 << 32)
                          ? "a number past 2^32 lost its high bits: keep "
                            "every count and index in size_t, not unsigned "
                            "or int"
                          : "items/ranks each, one more for each of the "
                            "first items % ranks ranks");
    }
#endif
}
END_TEST

static void add_shard_tests(TCase *tc)
{
    tcase_add_loop_test(tc, shard_hand_worked, 0, COUNT(shard_cases));
    tcase_add_test(tc, shard_tiles_every_batch);
    tcase_add_test(tc, shard_any_call_order);
    tcase_add_test(tc, shard_beyond_32_bits);
}

/* ======================================================== shard_weight() */

/* The mistake behind got[0..3] = the weights of 10 items over 4 ranks
 * when got[r] is wrong (want: 0.3, 0.3, 0.2, 0.2), or NULL. */
static const char *weight_mistake(const double *got, const double *want,
                                  size_t r)
{
    bool all_base = true, all_first = true, reversed = true;
    for (size_t q = 0; q < 4; q++) {
        all_base = all_base && got[q] == (double)(10 / 4) / 10.0;
        all_first = all_first && got[q] == got[0];
        reversed = reversed && got[q] == want[3 - q];
    }
    return got[r] < 0 ? "is the function still the stub that returns -1?"
         : got[r] == 0.25 ? "1/ranks: right only when the shards are "
                            "equal (DDP's and Horovod's average, a sum "
                            "divided by the world size, assumes they are); "
                            "a shard's weight is its share of the items, "
                            "count/items (the wrong count for uneven "
                            "shards)"
         : got[r] == 0.0 ? "count/items was computed in whole numbers: turn "
                           "both into doubles before dividing"
         : all_base ? "every rank weighs (items/ranks)/items, 2/10: the "
                      "first items % ranks ranks' shards are one longer; "
                      "use the rank's own count, shard_of(...).count"
         : grading_near(got[r], want[r] / 4, 1e-12)
             ? "count/items divided by the ranks as well: the weights "
               "already make the sum of the shards' means their mean, and "
               "dividing by P again averages twice"
         : grading_near(got[r], want[r] * 10 / 4, 1e-12)
             ? "the shard's count was divided by the number of ranks, not "
               "by the number of items (the wrong count)"
         : all_first ? "every rank got rank 0's weight: a weight remembered "
                       "from the first call (a static?), or a count that "
                       "does not depend on the rank"
         : reversed ? "the weights in reverse rank order (rank P - 1 - r's "
                      "shard): the first items % ranks ranks have the "
                      "larger shards, and each rank weighs its own"
                    : NULL;
}

START_TEST(weight_uneven_shards)
{
    /* 10 items over 4 ranks: shards of 3, 3, 2, 2, weights 0.3, 0.3, 0.2,
     * 0.2 (each the double nearest, from one division). */
    const double want[] = {0.3, 0.3, 0.2, 0.2};
    double got[4];
    for (size_t r = 0; r < 4; r++)
        got[r] = shard_weight(10, 4, r);
    for (size_t r = 0; r < 4; r++) {
        if (grading_near(got[r], want[r], 1e-15))
            continue;
        const char *why = weight_mistake(got, want, r);
        ck_abort_msg("shard_weight(10 items, 4 ranks, rank %zu) = %.17g, "
                     "expected %g (a shard of %d of 10): %s", r, got[r],
                     want[r], r < 2 ? 3 : 2,
                     why ? why : "a shard's weight is its share of the "
                                 "batch: its count over all the items");
    }
}
END_TEST

START_TEST(weights_add_to_one)
{
    for (size_t items = 1; items <= 30; items++)
        for (size_t ranks = 1; ranks <= 7; ranks++) {
            double sum = 0.0;
            for (size_t r = 0; r < ranks; r++)
                sum += shard_weight(items, ranks, r);
            ck_assert_msg(fabs(sum - 1.0) <= 1e-14,
                          "the weights of %zu items over %zu ranks add to "
                          "%.17g, not 1: the weighted sum of the shards' "
                          "means is then not the batch's mean%s", items,
                          ranks, sum,
                          items < ranks ? " (a rank with no items weighs 0)"
                                        : "");
        }
}
END_TEST

static void add_weight_tests(TCase *tc)
{
    tcase_add_test(tc, weight_uneven_shards);
    tcase_add_test(tc, weights_add_to_one);
}

/* ================================================= combine_shard_means() */

/* The contract's sum of one coordinate with a float in it: the running
 * sum rounded to float after each addition, or (weights) each weight
 * count/total computed in float. The two known mistakes, done here. */
static double in_float(const double *m, const size_t *c, size_t shards,
                       bool weights)
{
    size_t total = 0;
    for (size_t s = 0; s < shards; s++)
        total += c[s];
    double out = 0.0;
    for (size_t s = 0; s < shards; s++) {
        double w = weights ? (double)((float)c[s] / (float)total)
                           : (double)c[s] / (double)total;
        out = weights ? out + w * m[s] : (double)(float)(out + w * m[s]);
    }
    return out;
}

/* The mistake that gives `got` for shards with these means and counts
 * (one coordinate), or NULL. */
static const char *combine_mistake(double got, const double *m,
                                   const size_t *c, size_t shards)
{
    double sum = 0, weighted = 0;
    size_t total = 0;
    for (size_t s = 0; s < shards; s++) {
        sum += m[s];
        weighted += (double)c[s] * m[s];
        total += c[s];
    }
    if (isnan(got))
        return "nothing was written to out (the stub?)";
    if (got == in_float(m, c, shards, false))
        return "the sum was kept in a float: every addition rounds to 24 "
               "bits; accumulate in double, straight into out";
    if (got == in_float(m, c, shards, true))
        return "the weights were computed in float: count/total rounded to "
               "24 bits; compute them as (double)counts[s] / (double)total";
    if (grading_near(got, sum, 1e-12))
        return "a sum of the shards' means not divided: the reduction adds, "
               "the average still has to be taken (weight each mean by "
               "count/total)";
    if (grading_near(got, sum / (double)shards, 1e-12))
        return "divided by the worker count: a plain mean of the shards' "
               "means (DDP's and Horovod's average over ranks) is right "
               "only for equal shards; weight each by its share "
               "count/total (the wrong count for uneven shards)";
    if (grading_near(got, weighted / (double)shards, 1e-12))
        return "the weighted sum was divided by the number of shards: "
               "divide by the total number of items (the wrong count)";
    if (grading_near(got, weighted, 1e-12))
        return "the weighted sum Σ count·mean was never divided by the "
               "total count";
    if (grading_near(got, sum / (double)total, 1e-12))
        return "averaging before instead of after the reduction: each "
               "shard's mean is already an average, so dividing the sum of "
               "means by the total averages twice; weight each mean by "
               "count/total, or reduce the shards' sums and divide after";
    if (grading_near(got, weighted / (double)total / (double)shards, 1e-12))
        return "the weighted mean was divided by the number of shards as "
               "well: the weights count/total already average, and "
               "dividing again averages twice";
    /* Weights from shard_of's even split of the total, not the counts
     * given (the empty shards still skipped): the same when the shards
     * were cut by shard_of. */
    double even = 0;
    bool cut_evenly = true;
    for (size_t s = 0; s < shards; s++) {
        size_t share = total / shards + (s < total % shards);
        if (c[s] > 0)
            even += (double)share / (double)total * m[s];
        cut_evenly &= share == c[s];
    }
    if (!cut_evenly && grading_near(got, even, 1e-12))
        return "the weights are the even split's (shard_weight(total, "
               "shards, s)), not the shards' own counts: weight each mean "
               "by counts[s] / total, since shards need not be cut evenly";
    if (shards * c[0] != total &&
        grading_near(got, weighted / (double)(shards * c[0]), 1e-12))
        return "the total taken as shards × the first shard's count (equal "
               "shards assumed): add up every shard's count";
    if (grading_near(got, 7.0 + weighted / (double)total, 1e-12))
        return "out was not cleared before adding: start every coordinate "
               "at 0.0";
    if (got == 0.0)
        return "the weights came out 0: count/total was computed in whole "
               "numbers; turn both into doubles before dividing";
    return NULL;
}

START_TEST(combine_uneven)
{
    /* Shards of 3, 3 and 2 items (8 over 3 ranks) with means (1, 2),
     * (4, 8), (10, 20): 3/8·1 + 3/8·4 + 2/8·10 = 0.375 + 1.5 + 2.5 = 4.375,
     * and twice that, 8.75, for the second coordinate; all exact. */
    const double m0[] = {1, 2}, m1[] = {4, 8}, m2[] = {10, 20};
    const double *means[] = {m0, m1, m2};
    const size_t counts[] = {3, 3, 2};
    double out[2] = {7.0, 7.0}; /* not zero: out must be cleared first */
    combine_shard_means(means, counts, 3, 2, out);
    const double want[] = {4.375, 8.75};
    for (size_t i = 0; i < 2; i++) {
        if (out[i] == want[i])
            continue;
        double m[] = {means[0][i], means[1][i], means[2][i]};
        const char *why = out[i] == 7.0
            ? "out was never written there: the loop over the vector must "
              "reach its last number, i = n - 1"
            : combine_mistake(out[i], m, counts, 3);
        ck_abort_msg("combine_shard_means of shards of 3, 3, 2 items with "
                     "means %g, %g, %g gave %.17g, expected %g = 3/8·%g + "
                     "3/8·%g + 2/8·%g: %s", m[0], m[1], m[2], out[i], want[i],
                     m[0], m[1], m[2],
                     why ? why : "weight each mean by its share of the items");
    }
}
END_TEST

START_TEST(combine_one_shard_is_exact)
{
    /* One shard: its weight is 1.0 exactly, and 0.0 + 1.0·x is x, bit for
     * bit, for every x but -0.0 (0.0 + -0.0 is +0.0; the contract leaves
     * a zero's sign open, and no mean here is one): why the program's
     * fixed order at P = 1 is the plain mean. */
    const double m0[] = {0.1, -3.3e-7, 12345.678};
    const double *means[] = {m0};
    const size_t counts[] = {64};
    double out[3] = {NAN, NAN, NAN};
    combine_shard_means(means, counts, 1, 3, out);
    for (size_t i = 0; i < 3; i++) {
        if (out[i] == m0[i])
            continue;
        const char *why = grading_near(out[i], m0[i] / 64, 1e-12)
            ? "the mean was divided by the count again: it is already an "
              "average"
            : combine_mistake(out[i], &m0[i], counts, 1);
        ck_abort_msg("one shard of 64 items with mean %.17g gave %.17g: a "
                     "lone shard weighs 64/64 = 1, and its mean comes back "
                     "unchanged%s%s", m0[i], out[i], why ? ": " : "",
                     why ? why : "");
    }
}
END_TEST

START_TEST(combine_fixed_order)
{
    /* Three shards of one item, means 0.1, 0.2, 0.3: 1/3·0.1 + 1/3·0.2 +
     * 1/3·0.3 in that order is 0.20000000000000001; the same sum divided
     * by 3 at the end is 0.20000000000000004; added backwards,
     * 0.19999999999999998. Only the contract's order gives the same bits
     * on every number of ranks. */
    const double a[] = {0.1}, b[] = {0.2}, c[] = {0.3};
    const double *means[] = {a, b, c};
    const size_t counts[] = {1, 1, 1};
    double out[1] = {NAN};
    combine_shard_means(means, counts, 3, 1, out);
    const double want = 0.20000000000000001;
    if (out[0] == want)
        return;
    const char *why =
        out[0] == 0.20000000000000004
            ? "the sum was divided once, at the end: multiply each mean by "
              "its weight before adding it, as the contract orders"
        : out[0] == 0.19999999999999998
            ? "the shards were added in another order (last first?): add "
              "them in order s = 0, 1, ..."
            : combine_mistake(out[0], (const double[]){0.1, 0.2, 0.3},
                              counts, 3);
    ck_abort_msg("combine_shard_means of three shards of one item with means "
                 "0.1, 0.2, 0.3 gave %.17g, expected %.17g bit for bit: %s",
                 out[0], want,
                 why ? why : "weight·mean added in shard order, from 0.0");
}
END_TEST

START_TEST(combine_micro_batches_in_order)
{
    /* The program's fixed order: six micro-batches of 8 examples (a batch
     * of 48 over 2 or 3 ranks), means 0.3, 0.9, 1.3, 0.5, 0.5, 1.0, whose
     * true mean is 4.5/6 = 0.75. Each weight is 8/48, the double nearest
     * 1/6, and the contract's order, micro-batch 0 first, rounds to
     * 0.74999999999999989. Added backwards it is 0.75000000000000011; per
     * rank first (0-2 and 3-5, or pairs), pairwise, or evens then odds,
     * 0.75; divided once at the end, 0.75 as well (computed with
     * -ffp-contract=off, as the course builds). Only the one order gives
     * the same bits on every number of ranks. */
    const double m[] = {0.3, 0.9, 1.3, 0.5, 0.5, 1.0};
    const double *means[] = {&m[0], &m[1], &m[2], &m[3], &m[4], &m[5]};
    const size_t counts[] = {8, 8, 8, 8, 8, 8};
    double out[1] = {NAN};
    combine_shard_means(means, counts, 6, 1, out);
    const double want = 0.74999999999999989;
    if (out[0] == want)
        return;
    const char *why =
        out[0] == 0.75000000000000011
            ? "the micro-batches were added last first: add them in order "
              "s = 0, 1, ..."
        : out[0] == 0.75
            ? "the mean, but not the contract's bits: the micro-batches "
              "were added in another order or grouping (a rank's own "
              "first, pairwise, evens then odds?) or divided once at the "
              "end; floating-point addition is not associative, so add "
              "weight·mean micro-batch after micro-batch, from 0.0"
            : combine_mistake(out[0], m, counts, 6);
    ck_abort_msg("combine_shard_means of six micro-batches of 8 examples "
                 "with means 0.3, 0.9, 1.3, 0.5, 0.5, 1.0 gave %.17g, "
                 "expected %.17g bit for bit: %s", out[0], want,
                 why ? why : "weight·mean added in micro-batch order, from "
                             "0.0");
}
END_TEST

/* Run twice: the empty shards' means first finite (100 and -5), then nan,
 * as a mean over no items, 0/0, is. */
START_TEST(combine_empty_shards)
{
    /* Shards of 2, 0, 2, 0 items (the contract allows a count of 0
     * anywhere): 2/4·1 + 2/4·3 = 0.5 + 1.5 = 2, exact. An empty shard adds
     * nothing, whatever its mean, and the ones after it count. Weighted by
     * 0 instead of skipped, a finite mean adds 0 (0/4·100 = 0), but a nan
     * one adds 0·nan = nan. */
    bool nan_means = _i == 1;
    const double a[] = {1}, b[] = {nan_means ? NAN : 100}, c[] = {3},
                 d[] = {nan_means ? NAN : -5};
    const double *means[] = {a, b, c, d};
    const size_t counts[] = {2, 0, 2, 0};
    double out[1] = {NAN};
    combine_shard_means(means, counts, 4, 1, out);
    if (out[0] == 2.0)
        return;
    const char *why =
        out[0] == 0.5
            ? "only the shards before the first empty one were added (a "
              "loop that stops at a count of 0?): an empty shard adds "
              "nothing, and the shards after it still count"
        : nan_means && isnan(out[0])
            ? "an empty shard's mean, 0/0 over no items, is nan, and "
              "weighting it by 0 still adds 0·nan = nan: skip a shard whose "
              "count is 0, as the contract's 'adds nothing' says"
        : isnan(out[0]) || isinf(out[0])
            ? "an empty shard made the result non-finite: its weight is "
              "0/total = 0, and 0·mean adds 0 (nothing divides by its count "
              "or its weight)"
        : nan_means ? NULL
            : combine_mistake(out[0], (const double[]){1, 100, 3, -5},
                              counts, 4);
    ck_abort_msg("combine_shard_means of shards of 2, 0, 2, 0 items with "
                 "means 1, %s, 3, %s gave %.17g, expected 2 = 2/4·1 + "
                 "2/4·3: %s", nan_means ? "nan" : "100",
                 nan_means ? "nan" : "-5", out[0],
                 why ? why : "weight each mean by count/total; a shard of 0 "
                             "items weighs 0");
}
END_TEST

START_TEST(combine_called_again)
{
    /* The program combines once a step, so the same call must give the
     * same answer every time: shards of 3, 3, 2 with means 1, 4, 10 give
     * 4.375 (combine_uneven's working), then shards of 1 and 1 with means
     * 2 and 4 give 1/2·2 + 1/2·4 = 3, then the first again 4.375. */
    const double m0[] = {1}, m1[] = {4}, m2[] = {10}, m3[] = {2}, m4[] = {4};
    const double *first[] = {m0, m1, m2}, *second[] = {m3, m4};
    const size_t counts1[] = {3, 3, 2}, counts2[] = {1, 1};
    double out[3] = {NAN, NAN, NAN};
    combine_shard_means(first, counts1, 3, 1, &out[0]);
    combine_shard_means(second, counts2, 2, 1, &out[1]);
    combine_shard_means(first, counts1, 3, 1, &out[2]);
    const double want[] = {4.375, 3.0, 4.375};
    for (size_t k = 0; k < 3; k++) {
        if (out[k] == want[k])
            continue;
        const char *why = k > 0 && out[0] == want[0]
            ? "the first call was right: something was kept from the call "
              "before (a static total or sum?); each call starts from its "
              "own counts and a cleared out"
            : k == 1 ? combine_mistake(out[1], (const double[]){2, 4},
                                       counts2, 2)
                     : combine_mistake(out[k], (const double[]){1, 4, 10},
                                       counts1, 3);
        ck_abort_msg("combine_shard_means, call %zu of 3 in a row, gave "
                     "%.17g, expected %g: %s", k + 1, out[k], want[k],
                     why ? why : "weight each mean by count/total");
    }
}
END_TEST

START_TEST(combine_non_finite_passed_on)
{
    /* Only an empty shard is left out. Shards of 2 and 2 items, two
     * coordinates, the first shard's first mean non-finite (nan, then
     * +inf): 1/2·x + 1/2·3 is x again (nan, inf), and the second
     * coordinate is 1/2·1 + 1/2·5 = 3, exact. One process taking the mean
     * of the whole batch would get the same nan or inf; a combine that
     * drops it returns a finite number that is the mean of no batch. */
    const double bad = _i == 0 ? NAN : INFINITY;
    const double a[] = {bad, 1}, b[] = {3, 5};
    const double *means[] = {a, b};
    const size_t counts[] = {2, 2};
    double out[2] = {NAN, NAN};
    combine_shard_means(means, counts, 2, 2, out);
    bool first_ok = _i == 0 ? isnan(out[0]) : out[0] == INFINITY;
    if (first_ok && out[1] == 3.0)
        return;
    const char *why =
        isnan(out[1])
            ? "nothing was written to out (the stub?)"
        : out[0] == 1.5 && out[1] == 2.5
            ? "the shard with a non-finite mean was skipped: only a shard "
              "of 0 items adds nothing; a nan or inf in a shard that holds "
              "items must reach out, as it would in the mean of the whole "
              "batch taken in one process (skipped, the weights left add "
              "up to 1/2, and out is the mean of no batch)"
        : out[0] == 1.5 && out[1] == 3.0
            ? "the non-finite number was dropped (added as 0): a nan or "
              "inf in a shard that holds items must reach out, as it would "
              "in the mean of the whole batch taken in one process, not "
              "turn into a finite number that hides it"
        : out[1] != 3.0
            ? combine_mistake(out[1], (const double[]){1, 5}, counts, 2)
            : NULL;
    ck_abort_msg("combine_shard_means of shards of 2 and 2 items with means "
                 "(%s, 1) and (3, 5) gave (%.17g, %.17g), expected (%s, 3): "
                 "%s", _i == 0 ? "nan" : "inf", out[0], out[1],
                 _i == 0 ? "nan" : "inf",
                 why ? why : "add every shard that holds items, whatever "
                             "its mean: 1/2·x + 1/2·3 is x again when x is "
                             "nan or inf");
}
END_TEST

START_TEST(combine_weight_first)
{
    /* combine_one_shard_is_exact's count, 64, is a power of two, and so
     * hides the order of the operations: 64·m/64 is m again, exactly. 3
     * is not. One shard of 3 items with mean 0.1: the weight 3.0/3.0 is
     * 1.0 exactly, and 0.0 + 1.0·0.1 is 0.1 bit for bit. With the count
     * multiplied in first, 3·0.1 rounds to 0.30000000000000004, and that
     * over 3 to 0.10000000000000002, one unit above 0.1. */
    const double m0[] = {0.1};
    const double *means[] = {m0};
    const size_t counts[] = {3};
    double out[1] = {NAN};
    combine_shard_means(means, counts, 1, 1, out);
    if (out[0] == 0.1)
        return;
    const char *why = out[0] == 3.0 * 0.1 / 3.0
        ? "the weight was not computed first: (double)counts[s] / "
          "(double)total, then times the mean (count·mean/total rounds "
          "differently)"
        : combine_mistake(out[0], m0, counts, 1);
    ck_abort_msg("one shard of 3 items with mean 0.1 gave %.17g, expected "
                 "0.1 bit for bit (its weight 3/3 is 1 exactly)%s%s",
                 out[0], why ? ": " : "", why ? why : "");
}
END_TEST

/* Every other test's total is a power of two or has weights whose two
 * roundings agree, as the program's batches of 16, 64 and 128 do; 10
 * items do not. Shards of 3 and 7 with means (1, 0) and (0, 1): out is
 * 0.0 + w0·1 + w1·0 = w0 and 0.0 + w0·0 + w1·1 = w1, the weights
 * themselves: 3/10 and 7/10 rounded once, the doubles nearest them, which
 * are what the literals 0.3 and 0.7 stand for. Worked by hand, in units
 * of 2^-55: 1/10 rounds to 3602879701896397. Times 3 that is
 * 10808639105689191, odd, halfway between two doubles of [1/4, 1/2)
 * (their spacing is 2 units), and the tie goes to the one whose last bit
 * is 0, 10808639105689192 (5404319552844596 units of 2^-54):
 * 0.30000000000000004, one double above 0.3. Times 7 it is
 * 25220157913274779, which rounds up to 25220157913274780, the nearest
 * multiple of 4 (the spacing in [1/2, 1)): 0.70000000000000007, one
 * above 0.7. So a weight written count·(1/total), the reciprocal taken
 * once as chapter 9's grads_unscale does, misses both by one unit. The
 * program shows it too: with --batch-size 35 --micro-batch 7 (weights
 * 7/35, which 7·(1/35) misses by a unit) its logged losses part from the
 * reference's in the last digits from step 2 on, the same on one rank and on
 * two. */
START_TEST(combine_weight_rounded_once)
{
    const double m0[] = {1, 0}, m1[] = {0, 1};
    const double *means[] = {m0, m1};
    const size_t counts[] = {3, 7};
    double out[2] = {NAN, NAN};
    combine_shard_means(means, counts, 2, 2, out);
    const double want[] = {0.3, 0.7};
    for (size_t i = 0; i < 2; i++) {
        if (out[i] == want[i])
            continue;
        double m[] = {means[0][i], means[1][i]};
        const char *why =
            out[i] == (double)counts[i] * (1.0 / 10.0)
                ? "your maths is right, but the weight was taken as "
                  "count·(1/total), which rounds twice (1/total, then the "
                  "product); the header fixes (double)counts[s] / "
                  "(double)total, one rounding, because the fixed order "
                  "promises bits: so written, batches of 35 in "
                  "micro-batches of 7 log other losses than the book's "
                  "program"
                : combine_mistake(out[i], m, counts, 2);
        ck_abort_msg("combine_shard_means of shards of 3 and 7 items with "
                     "means (1, 0) and (0, 1) gave %.17g at coordinate %zu, "
                     "expected %.17g bit for bit (%zu/10 rounded once): %s",
                     out[i], i, want[i], counts[i],
                     why ? why : "weight each mean by counts[s] / total");
    }
}
END_TEST

/* Counts past 2^32 (a size_t holds any count): shards of 2^32 and 3·2^32
 * items with means 1 and 5 weigh 1/4 and 3/4: 0.25 + 3.75 = 4, exact. A
 * total kept in 32 bits wraps to 0 there, and every weight is inf. */
START_TEST(combine_counts_past_32_bits)
{
    const double m0[] = {1}, m1[] = {5};
    const double *means[] = {m0, m1};
    const size_t counts[] = {(size_t)1 << 32, (size_t)3 << 32};
    double out[1] = {7.0};
    combine_shard_means(means, counts, 2, 1, out);
    ck_assert_msg(out[0] == 4.0,
                  "combine_shard_means of shards of 2^32 and 3·2^32 items "
                  "with means 1 and 5 gave %.17g, expected 4 = 1/4·1 + "
                  "3/4·5%s", out[0],
                  !isfinite(out[0])
                      ? ": the total was kept in 32 bits (unsigned, int), "
                        "where 2^32 + 3·2^32 wraps to 0; keep it in a size_t, "
                        "as the counts are"
                      : "");
}
END_TEST

/* out holds n numbers, and each mean n: nothing past them is read or
 * written. Here each array has one more slot than n = 2: the means carry
 * 1000 and -1000 there, out carries 4321. Shards of 1 and 3 items (total
 * 4) with means (2, -4) and (6, 12): out = (1/4·2 + 3/4·6, 1/4·-4 +
 * 3/4·12) = (0.5 + 4.5, -1 + 9) = (5, 8), exact. A loop that also visits
 * i = n adds 1/4·1000 + 3/4·-1000 = -500 to the 4321 there. */
START_TEST(combine_writes_n_numbers_only)
{
    const double m0[] = {2, -4, 1000}, m1[] = {6, 12, -1000};
    const double *means[] = {m0, m1};
    const size_t counts[] = {1, 3};
    double out[3] = {NAN, NAN, 4321.0};
    combine_shard_means(means, counts, 2, 2, out);
    ck_assert_msg(out[2] == 4321.0,
                  "combine_shard_means with n = 2 changed out[2], past the "
                  "n = 2 numbers of out (4321 became %.17g): the "
                  "coordinates are i = 0 to n - 1, so loop with i < n, not "
                  "i <= n (which also reads one past the end of every "
                  "mean)", out[2]);
    const double want[] = {5.0, 8.0};
    for (size_t i = 0; i < 2; i++) {
        if (out[i] == want[i])
            continue;
        double m[] = {means[0][i], means[1][i]};
        const char *why = combine_mistake(out[i], m, counts, 2);
        ck_abort_msg("combine_shard_means of shards of 1 and 3 items with "
                     "means (2, -4) and (6, 12) gave %.17g at coordinate "
                     "%zu, expected %g = 1/4·%g + 3/4·%g: %s", out[i], i,
                     want[i], m[0], m[1],
                     why ? why : "weight each mean by its share of the items");
    }
}
END_TEST

static void add_combine_tests(TCase *tc)
{
    tcase_add_test(tc, combine_uneven);
    tcase_add_test(tc, combine_one_shard_is_exact);
    tcase_add_test(tc, combine_fixed_order);
    tcase_add_test(tc, combine_micro_batches_in_order);
    tcase_add_loop_test(tc, combine_empty_shards, 0, 2);
    tcase_add_loop_test(tc, combine_non_finite_passed_on, 0, 2);
    tcase_add_test(tc, combine_called_again);
    tcase_add_test(tc, combine_weight_first);
    tcase_add_test(tc, combine_weight_rounded_once);
    tcase_add_test(tc, combine_counts_past_32_bits);
    tcase_add_test(tc, combine_writes_n_numbers_only);
}

/* ===================================================== the ring's steps */

typedef size_t (*ChunkFn)(size_t rank, size_t ranks, size_t step);

/* The contract's indices for P = 4, steps 0..2, by hand: [rank][step]. */
static const size_t REDUCE_SEND4[4][3] = {{0, 3, 2}, {1, 0, 3}, {2, 1, 0}, {3, 2, 1}};
static const size_t REDUCE_RECV4[4][3] = {{3, 2, 1}, {0, 3, 2}, {1, 0, 3}, {2, 1, 0}};
static const size_t GATHER_SEND4[4][3] = {{1, 0, 3}, {2, 1, 0}, {3, 2, 1}, {0, 3, 2}};
static const size_t GATHER_RECV4[4][3] = {{0, 3, 2}, {1, 0, 3}, {2, 1, 0}, {3, 2, 1}};

/* Whether fn gives, for P = 2..7 and every step and rank, the chunk one
 * below the contract's formula (r + offset - s) mod P. */
static bool one_chunk_behind(ChunkFn fn, int offset)
{
    for (size_t ranks = 2; ranks <= 7; ranks++)
        for (size_t s = 0; s + 1 < ranks; s++)
            for (size_t r = 0; r < ranks; r++)
                if (fn(r, ranks, s) !=
                    (size_t)(((long)r + offset - 1 - (long)s +
                              2 * (long)ranks) % (long)ranks))
                    return false;
    return true;
}

/* NCCL's ring (src/device/all_reduce.h, runRing): rank r sends chunk
 * r - 1 first and ends the reduce-scatter holding chunk r summed, then
 * sends chunk r first in the all-gather. Every one of its four indices
 * is the contract's less 1: for P = 4, rank 0 sends 3, 2, 1 and receives
 * 2, 1, 0 in the reduce-scatter, where the contract's sends 0, 3, 2. A
 * ring that works, with other chunks, so a student who learned it there
 * is told so instead of only "off by one". */
static bool nccl_ring(void)
{
    return one_chunk_behind(ring_reduce_send, 0) &&
           one_chunk_behind(ring_reduce_recv, -1) &&
           one_chunk_behind(ring_gather_send, 1) &&
           one_chunk_behind(ring_gather_recv, 0);
}

/* Checks fn against the hand table for P = 4 and against want(r, P, s)
 * for P = 1..7, naming the off-by-one or wrap-around it finds. */
static void check_chunks(ChunkFn fn, const char *name,
                         const size_t table[4][3], int offset)
{
    for (size_t ranks = 2; ranks <= 7; ranks++)
        for (size_t s = 0; s + 1 < ranks; s++)
            for (size_t r = 0; r < ranks; r++) {
                size_t got = fn(r, ranks, s);
                size_t want = ranks == 4 ? table[r][s]
                    : (size_t)(((long)r + offset - (long)s + 2 * (long)ranks) %
                               (long)ranks);
                if (got == want)
                    continue;
                long signed_rem = ((long)r + offset - (long)s) % (long)ranks;
                size_t upward = (size_t)(((long)r + offset + (long)s) %
                                         (long)ranks);
                const char *why =
                    signed_rem < 0 && got == (size_t)signed_rem
                        ? "C's % keeps the sign: (r - s) % P is negative "
                          "when s > r, and a negative index cast to size_t "
                          "is huge; add P before taking the remainder"
                    : got >= ranks ? "not a chunk index (below P): is it "
                                     "still the stub?"
                    : got == ((size_t)((long)r + offset - (long)s)) % ranks
                        ? "rank - step wrapped around below 0 in size_t: "
                          "add P before subtracting, as Python's % would"
                    : s > 0 && got == upward
                        ? "the chunk index goes up with the step (r + s): "
                          "the ring turns the other way; what a rank sends "
                          "at step s is what it received at step s - 1, "
                          "so the index goes down, r - s"
                    : (got + 1) % ranks == want && nccl_ring()
                        ? "the ring's chunk index is off by one, in all four "
                          "functions: that is NCCL's ring, where rank r "
                          "sends chunk r - 1 first and ends the "
                          "reduce-scatter holding chunk r. The contract's "
                          "ring starts rank r at its own chunk r (sends "
                          "r - s, adds r - s - 1) and ends with chunk r + 1 "
                          "summed on it"
                    : got == (want + 1) % ranks || (got + 1) % ranks == want
                        ? "the ring's chunk index is off by one"
                        : "see the header's formula";
                ck_abort_msg("%s(rank %zu, P %zu, step %zu) = %zu, expected "
                             "chunk %zu: %s", name, r, ranks, s, got, want,
                             why);
            }
}

/* One simulated ring all-reduce over P ranks: rank r's chunk c is
 * (r + 1)·(c + 1) in every one of its numbers, n numbers cut as the
 * header's rule says (computed here by hand). Every rank must end with
 * the sums Σ_r (r + 1)·(c + 1) = P(P + 1)/2·(c + 1), exact in doubles.
 * Also: at each step, what a rank receives is what its left neighbour
 * sent. Returns a message or NULL. */
static const char *simulate_ring(size_t ranks, size_t n, char *msg,
                                 size_t size)
{
    double v[8][32], from[8][32];
    size_t first[8], count[8];
    for (size_t c = 0; c < ranks; c++) {
        count[c] = n / ranks + (c < n % ranks);
        first[c] = c == 0 ? 0 : first[c - 1] + count[c - 1];
    }
    for (size_t r = 0; r < ranks; r++)
        for (size_t c = 0; c < ranks; c++)
            for (size_t i = first[c]; i < first[c] + count[c]; i++)
                v[r][i] = (double)((r + 1) * (c + 1));
    for (int phase = 0; phase < 2; phase++)
        for (size_t s = 0; s + 1 < ranks; s++) {
            size_t sent[8];
            for (size_t r = 0; r < ranks; r++) {
                sent[r] = phase ? ring_gather_send(r, ranks, s)
                                : ring_reduce_send(r, ranks, s);
                if (sent[r] >= ranks) {
                    snprintf(msg, size, "rank %zu sends chunk %zu at step %zu "
                             "of the %s, and there are %zu chunks", r,
                             sent[r], s, phase ? "all-gather" : "reduce-scatter",
                             ranks);
                    return msg;
                }
                for (size_t i = 0; i < n; i++)
                    from[r][i] = v[r][i];
            }
            for (size_t r = 0; r < ranks; r++) {
                size_t left = (r + ranks - 1) % ranks;
                size_t got = phase ? ring_gather_recv(r, ranks, s)
                                   : ring_reduce_recv(r, ranks, s);
                if (got != sent[left]) {
                    snprintf(msg, size, "at step %zu of the %s rank %zu takes "
                             "chunk %zu but its left neighbour %zu sends chunk "
                             "%zu: the ring's chunk index is off by one "
                             "(send and receive must agree)", s,
                             phase ? "all-gather" : "reduce-scatter", r, got,
                             left, sent[left]);
                    return msg;
                }
                for (size_t i = first[got]; i < first[got] + count[got]; i++)
                    v[r][i] = phase ? from[left][i] : v[r][i] + from[left][i];
            }
        }
    for (size_t r = 0; r < ranks; r++)
        for (size_t c = 0; c < ranks; c++)
            for (size_t i = first[c]; i < first[c] + count[c]; i++) {
                double want = (double)(ranks * (ranks + 1) / 2 * (c + 1));
                if (v[r][i] != want) {
                    snprintf(msg, size, "after the ring, rank %zu holds %g in "
                             "chunk %zu, expected the sum %g over all ranks: "
                             "%s", r, v[r][i], c, want,
                             v[r][i] < want
                                 ? "a chunk was sent before it was complete "
                                   "(at step 0 of the all-gather, send the "
                                   "chunk the reduce-scatter finished, "
                                   "(r + 1) mod P)"
                                 : "a chunk was added twice");
                    return msg;
                }
            }
    return NULL;
}

START_TEST(ring_reduce_indices)
{
    check_chunks(ring_reduce_send, "ring_reduce_send", REDUCE_SEND4, 0);
    check_chunks(ring_reduce_recv, "ring_reduce_recv", REDUCE_RECV4, -1);
}
END_TEST

START_TEST(ring_gather_indices)
{
    check_chunks(ring_gather_send, "ring_gather_send", GATHER_SEND4, 1);
    check_chunks(ring_gather_recv, "ring_gather_recv", GATHER_RECV4, 0);
}
END_TEST

START_TEST(ring_simulated)
{
    /* P = 2..7 ranks, vectors of 13 numbers (chunks of uneven sizes) and
     * of P numbers (one each). */
    char msg[400];
    for (size_t ranks = 2; ranks <= 7; ranks++)
        for (size_t n = ranks; n <= 13; n += 13 - ranks) {
            const char *why = simulate_ring(ranks, n, msg, sizeof msg);
            ck_assert_msg(!why, "the ring all-reduce of %zu numbers over %zu "
                          "ranks, simulated with your chunk indices: %s", n,
                          ranks, why);
            if (n == 13)
                break;
        }
}
END_TEST

static void add_ring_reduce_tests(TCase *tc)
{
    tcase_add_test(tc, ring_reduce_indices);
}

static void add_ring_gather_tests(TCase *tc)
{
    tcase_add_test(tc, ring_gather_indices);
    tcase_add_test(tc, ring_simulated);
}

/* ============================================================ the tree */

/* A call that may never return, made under an alarm: 2^s shifted in 32
 * bits (1u << s) never reaches a P past 2^31, so the loop that looks for
 * the least s with 2^s >= P runs on until the test's time is up, and the
 * failure would say only "timeout". The right loop takes at most 64
 * shifts; after a second the handler jumps back, and the failure can name
 * the shift. */
static sigjmp_buf hang_jump;

static void on_alarm(int sig)
{
    (void)sig;
    siglongjmp(hang_jump, 1);
}

/* tree_steps(ranks) into *steps, or false when it had not returned after
 * a second. */
static bool tree_steps_returns(size_t ranks, size_t *steps)
{
    volatile bool returned = false;
    struct sigaction sa, before;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, &before);
    if (!sigsetjmp(hang_jump, 1)) {
        alarm(1);
        *steps = tree_steps(ranks);
        returned = true;
    }
    alarm(0);
    sigaction(SIGALRM, &before, NULL);
    return returned;
}

START_TEST(tree_step_count)
{
    /* ⌈log2 P⌉ by hand: the least s with 2^s >= P; past 2^31 too,
     * where 2^s no longer fits an int (a size_t holds any rank count). */
    static const size_t want[][2] = {
        {1, 0}, {2, 1}, {3, 2}, {4, 2}, {5, 3}, {7, 3}, {8, 3}, {9, 4},
        {16, 4}, {17, 5}, {(size_t)1 << 31, 31}, {((size_t)1 << 31) + 1, 32},
        {((size_t)1 << 40) + 1, 41}};
    for (size_t i = 0; i < COUNT(want); i++) {
        size_t p = want[i][0], got = 0;
        if (!tree_steps_returns(p, &got))
            ck_abort_msg("tree_steps(%zu ranks) had not returned after a "
                         "second, expected %zu: %s", p, want[i][1],
                         p > ((size_t)1 << 31)
                             ? "2^s was computed in 32 bits (1u << s), "
                               "which never reaches a P past 2^31 (a shift "
                               "by 32 or more is undefined, and on most "
                               "machines starts again from 1), so the loop "
                               "never ends: shift a size_t, (size_t)1 << s"
                             : "the loop never ends: stop at the least s "
                               "with 2^s >= P");
        if (got == want[i][1])
            continue;
        size_t floor_log = want[i][1] - (((size_t)1 << want[i][1]) > p);
        const char *why =
            p > ((size_t)1 << 31) && got <= 31
                ? "2^s was computed in int (1 << s), which overflows past "
                  "s = 30: shift a size_t, (size_t)1 << s"
            : got == floor_log
                ? "⌊log2 P⌋, rounded down: with P not a power of two the "
                  "last ranks never send (with 5 ranks, rank 4's sum is "
                  "lost); the tree needs the least s with 2^s >= P"
            : got == p - 1 ? "P - 1 steps is the ring's count: each of the "
                             "tree's steps halves the ranks still holding a "
                             "partial sum"
            : got == want[i][1] + 1 ? "one step too many: 2^s >= P is "
                                      "enough, not 2^s > P"
                                    : "the least s with 2^s >= P";
        ck_abort_msg("tree_steps(%zu ranks) = %zu, expected %zu: %s", p, got,
                     want[i][1], why);
    }
}
END_TEST

/* The contract's roles for P = 5 by hand, [rank][step]: R receives from
 * the partner, S sends to it, - idle. Step 0 (d = 1): 0 and 2 receive
 * from 1 and 3, which send; 4 has no rank 5. Step 1 (d = 2): 0 receives
 * from 2; 4 has no rank 6. Step 2 (d = 4): 0 receives from 4. */
static const char TREE5_ROLE[5][3] = {{'R', 'R', 'R'}, {'S', '-', '-'},
                                      {'R', 'S', '-'}, {'S', '-', '-'},
                                      {'-', '-', 'S'}};
static const size_t TREE5_PARTNER[5][3] = {{1, 2, 4}, {0, 0, 0}, {3, 0, 0},
                                           {2, 0, 0}, {0, 0, 0}};

static char role_letter(TreeRole role)
{
    return role == TREE_SEND ? 'S' : role == TREE_RECEIVE ? 'R'
         : role == TREE_IDLE ? '-' : '?';
}

/* A role as the failures print it: "S partner 0", and "-" alone for an
 * idle rank that left *partner at the test's 99 (an idle rank has no
 * partner to show); an idle rank that wrote it shows what it wrote. */
static void role_text(char *text, size_t size, char letter, size_t partner)
{
    if (letter == '-' && partner == 99)
        snprintf(text, size, "-");
    else if (letter == '-')
        snprintf(text, size, "- (with *partner set to %zu)", partner);
    else
        snprintf(text, size, "%c partner %zu", letter, partner);
}

START_TEST(tree_roles_by_hand)
{
    for (size_t step = 0; step < 3; step++)
        for (size_t r = 0; r < 5; r++) {
            size_t partner = 99;
            char got = role_letter(tree_reduce_step(r, 5, step, &partner));
            char want = TREE5_ROLE[r][step];
            size_t d = (size_t)1 << step;
            /* An idle rank leaves *partner as it was: 99 here. Among them
             * rank 4 at step 0 (an even multiple of 1 whose rank + 1 is
             * 5, past the last rank) and rank 1 at step 1 (not a multiple
             * of 2: it sent at step 0). */
            if (got == want && partner == (want == '-' ? 99 : TREE5_PARTNER[r][step]))
                continue;
            const char *why =
                got == want && want == '-'
                    ? "*partner was written on an idle step: leave it alone "
                      "when IDLE, the caller's value is kept"
                : got == want ? "the right role with the wrong partner: at step "
                              "s the partner is 2^s away (rank - 2^s to send "
                              "to, rank + 2^s to receive from)"
                : want == '-' && r % d != 0
                    ? "this rank already sent its partial sum to its parent "
                      "at an earlier step: a rank that is not a multiple of "
                      "2^s is done, and sending again adds its sum twice"
                : want == '-' && got == 'R'
                    ? "it receives from a rank that does not exist (rank + "
                      "2^s >= P): with P not a power of two, a rank without "
                      "a partner waits"
                : (got == 'R' && want == 'S') || (got == 'S' && want == 'R')
                    ? "the roles are swapped: an odd multiple of 2^s sends "
                      "down to rank - 2^s, so that the sum gathers at rank 0"
                    : "see the header's three cases";
            char gave[64], expected[64];
            role_text(gave, sizeof gave, got, partner);
            role_text(expected, sizeof expected, want,
                      want == '-' ? 99 : TREE5_PARTNER[r][step]);
            ck_abort_msg("tree_reduce_step(rank %zu, P 5, step %zu) gave %s, "
                         "expected %s (R receives, S sends, - idle): %s", r,
                         step, gave, expected, why);
        }
}
END_TEST

/* Far steps, where d = 2^s is past an int: with P = 2^33 ranks, step 32
 * (d = 2^32) has rank 2^32, an odd multiple of d, send to rank 0, and
 * rank 0 receive from it. */
START_TEST(tree_roles_past_an_int)
{
    size_t ranks = (size_t)1 << 33, far = (size_t)1 << 32;
    size_t to = 99, from = 99;
    TreeRole sender = tree_reduce_step(far, ranks, 32, &to);
    TreeRole root = tree_reduce_step(0, ranks, 32, &from);
    ck_assert_msg(sender == TREE_SEND && to == 0 && root == TREE_RECEIVE &&
                      from == far,
                  "P = 2^33 ranks, step 32 (d = 2^32): rank 2^32 gave %c "
                  "partner %zu, expected S partner 0, and rank 0 gave %c "
                  "partner %zu, expected R partner %zu: d = 2^s must be "
                  "computed in size_t, (size_t)1 << s; in int, 1 << 32 "
                  "overflows", role_letter(sender), to, role_letter(root),
                  from, far);
}
END_TEST

/* One simulated tree all-reduce over P ranks, rank r holding 2^r: the
 * reduce with the student's roles, then the broadcast as the reduce run
 * backwards. Every send must meet a matching receive at the same step;
 * rank 0 must end the reduce with 2^P - 1 (exact: distinct powers of two
 * show a sum counted twice or lost), each other rank having sent once;
 * after the broadcast every rank holds it. Returns a message or NULL. */
static const char *simulate_tree(size_t ranks, char *msg, size_t size)
{
    double v[16];
    size_t sends[16] = {0};
    for (size_t r = 0; r < ranks; r++)
        v[r] = ldexp(1.0, (int)r);
    size_t steps = tree_steps(ranks);
    if (steps > 8) {
        snprintf(msg, size, "tree_steps(%zu) = %zu", ranks, steps);
        return msg;
    }
    for (int phase = 0; phase < 2; phase++)
        for (size_t k = 0; k < steps; k++) {
            size_t s = phase ? steps - 1 - k : k;
            TreeRole role[16];
            size_t partner[16];
            double before[16];
            for (size_t r = 0; r < ranks; r++) {
                partner[r] = ranks;
                role[r] = tree_reduce_step(r, ranks, s, &partner[r]);
                before[r] = v[r];
                if (role[r] != TREE_IDLE && partner[r] >= ranks) {
                    snprintf(msg, size, "at step %zu rank %zu %s rank %zu, "
                             "and there are %zu ranks: a rank without a "
                             "partner waits (rank + 2^s >= P)", s, r,
                             role[r] == TREE_SEND ? "sends to"
                                                  : "receives from",
                             partner[r], ranks);
                    return msg;
                }
            }
            for (size_t r = 0; r < ranks; r++) {
                if (role[r] == TREE_IDLE)
                    continue;
                size_t q = partner[r];
                TreeRole mate = role[r] == TREE_SEND ? TREE_RECEIVE : TREE_SEND;
                if (role[q] != mate || partner[q] != r) {
                    snprintf(msg, size, "at step %zu rank %zu %s rank %zu, "
                             "which does not %s rank %zu: %s", s, r,
                             role[r] == TREE_SEND ? "sends to" : "receives from",
                             q, role[r] == TREE_SEND ? "receive from"
                                                     : "send to", r,
                             r % ((size_t)1 << s) != 0 ||
                                     q % ((size_t)1 << s) != 0
                                 ? "a rank that already sent its partial sum "
                                   "at an earlier step is done"
                                 : "the partner is 2^s away, rank - 2^s for "
                                   "a sender and rank + 2^s for a receiver");
                    return msg;
                }
                /* reduce: the receiver adds; broadcast (roles swapped):
                 * the reduce's sender copies what its parent holds */
                if (phase == 0 && role[r] == TREE_RECEIVE)
                    v[r] += before[q];
                if (phase == 0 && role[r] == TREE_SEND)
                    sends[r]++;
                if (phase == 1 && role[r] == TREE_SEND)
                    v[r] = before[q];
            }
            if (phase == 0 && k + 1 == steps) {
                double want = ldexp(1.0, (int)ranks) - 1;
                for (size_t r = 1; r < ranks; r++)
                    if (sends[r] != 1) {
                        snprintf(msg, size, "in the reduce rank %zu sent %zu "
                                 "times; every rank but 0 sends its partial "
                                 "sum exactly once%s", r, sends[r],
                                 sends[r] == 0 ? " (too few steps? "
                                                 "tree_steps is ⌈log2 P⌉)"
                                               : "");
                        return msg;
                    }
                if (v[0] != want) {
                    snprintf(msg, size, "after the reduce rank 0 holds %g, "
                             "expected the sum 2^%zu - 1 = %g: %s", v[0],
                             ranks, want,
                             v[0] < want ? "some rank's value never reached "
                                           "rank 0 (a rank that never sent?)"
                                         : "a partial sum was added twice");
                    return msg;
                }
            }
        }
    double want = ldexp(1.0, (int)ranks) - 1;
    for (size_t r = 0; r < ranks; r++)
        if (v[r] != want) {
            snprintf(msg, size, "after the broadcast rank %zu holds %g, "
                     "expected the sum %g", r, v[r], want);
            return msg;
        }
    return NULL;
}

START_TEST(tree_simulated)
{
    char msg[400];
    for (size_t ranks = 2; ranks <= 13; ranks++) {
        const char *why = simulate_tree(ranks, msg, sizeof msg);
        ck_assert_msg(!why, "the tree all-reduce over %zu ranks (rank r "
                      "holding 2^r), simulated with your tree_steps and "
                      "tree_reduce_step: %s", ranks, why);
    }
}
END_TEST

static void add_tree_tests(TCase *tc)
{
    tcase_add_test(tc, tree_step_count);
    tcase_add_test(tc, tree_roles_by_hand);
    tcase_add_test(tc, tree_roles_past_an_int);
    tcase_add_test(tc, tree_simulated);
}

/* ============================================================ chapter */

static const Exercise exercises[] = {
    {"shard-of", "shard_of()", 3, "Sharding the global batch",
     "items/ranks items each, and one more for each of the first "
     "items % ranks ranks; each shard begins where the one before it ends.",
     add_shard_tests},
    {"shard-weight", "shard_weight()", 2, "Weighting uneven shards",
     "A shard's weight is its share of the batch: its item count over all "
     "the items, in doubles.",
     add_weight_tests},
    {"combine-shard-means", "combine_shard_means()", 3,
     "Weighting uneven shards",
     "Clear out; then, shard after shard in order, skipping a shard that "
     "holds no items, compute its weight count/total first and add weight "
     "times mean: chapter 2's weighted accumulation.",
     add_combine_tests},
    {"ring-reduce", "ring_reduce_send() and ring_reduce_recv()", 2,
     "The ring all-reduce",
     "At step s rank r sends chunk r - s and adds chunk r - s - 1, both "
     "modulo P: what it receives is what its left neighbour sends.",
     add_ring_reduce_tests},
    {"ring-gather", "ring_gather_send() and ring_gather_recv()", 3,
     "The ring all-reduce",
     "The all-gather starts from the chunk the reduce-scatter finished, "
     "r + 1, and passes it on: send r + 1 - s, copy r - s, modulo P.",
     add_ring_gather_tests},
    {"tree-reduce", "tree_steps() and tree_reduce_step()", 3,
     "A tree all-reduce",
     "At step s, with d = 2^s: a rank that is not a multiple of d is done; "
     "an odd multiple of d sends to rank - d; a multiple of 2d receives from "
     "rank + d when that rank exists. The steps: the least s with 2^s >= P.",
     add_tree_tests},
};

int main(int argc, char **argv)
{
    Chapter chapter = {"10-data-parallel", "Data-parallel training",
                       exercises, COUNT(exercises)};
    return grading_main(&chapter, argc, argv);
}
