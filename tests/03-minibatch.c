/*
 * tests/03-minibatch.c: the graded tests of chapter 3.
 *
 * Expected values are worked by hand below (the working is in the comments),
 * come from closed forms and from the normal equations solved here, or are
 * replayed step by step by code in this file that follows the contract in
 * exercises/03-minibatch.h; none is computed by the reference solution. The
 * replays use the course's generator (lib/rng.h), as the exercises must.
 * Where a classic mistake gives a recognisable result, the test replays the
 * mistake too and names it when it matches.
 */
#define _POSIX_C_SOURCE 200809L /* sigsetjmp, sigaction */
#include "grading.h"

#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "03-minibatch.h"

/* Hand-computed numbers involve a few roundings at most. */
#define TIGHT 1e-12

/* =================================================== shuffle_indices() */

/* The ways to shuffle that the tests can recognise. Only the first is the
 * contract's; the forward walk is also uniform, but a seed gives other
 * orders; the others are classic bugs. */
typedef enum {
    SHUFFLE_CONTRACT, /* i = n-1 down to 1, j = rng_below(i + 1)           */
    SHUFFLE_BIASED,   /* j = rng_below(n): n^n equally likely draw paths
                         cannot split evenly over n! orders               */
    SHUFFLE_SATTOLO,  /* j = rng_below(i): Sattolo's algorithm, which makes
                         only the (n-1)! orders that are one long cycle   */
    SHUFFLE_FORWARD,  /* i = 0 up to n-2, j = i + rng_below(n - i)         */
    SHUFFLE_TO_ZERO,  /* the contract's loop run down to i = 0 (one more
                         draw, rng_below(1) = 0, which swaps nothing)      */
    SHUFFLE_VARIANTS
} ShuffleVariant;

static void swap_sizes(size_t *a, size_t *b)
{
    size_t t = *a;
    *a = *b;
    *b = t;
}

static void replay_shuffle(size_t *order, size_t n, Rng *rng,
                           ShuffleVariant v)
{
    if (n <= 1)
        return;
    if (v == SHUFFLE_FORWARD) {
        for (size_t i = 0; i + 1 < n; i++)
            swap_sizes(&order[i], &order[i + rng_below(rng, n - i)]);
        return;
    }
    for (size_t i = n - 1; i >= 1; i--) {
        uint64_t bound = v == SHUFFLE_BIASED ? n : v == SHUFFLE_SATTOLO ? i : i + 1;
        swap_sizes(&order[i], &order[rng_below(rng, bound)]);
    }
    if (v == SHUFFLE_TO_ZERO)
        (void)rng_below(rng, 1);
}

static void fill_identity(size_t *order, size_t n)
{
    for (size_t i = 0; i < n; i++)
        order[i] = i;
}

static bool same_sizes(const size_t *a, const size_t *b, size_t n)
{
    return n == 0 || memcmp(a, b, n * sizeof *a) == 0;
}

static const char diagnose_extra_draw[] =
    "the loop ran down to i = 0, drawing one number too many "
    "(rng_below(rng, 1), which swaps nothing); stop at i = 1";

/* Which variant a student's result matches, for the message. */
static const char *diagnose_shuffle(const size_t *got, size_t n, uint64_t seed)
{
    static const char *const why[SHUFFLE_VARIANTS] = {
        [SHUFFLE_BIASED] =
            "each swap partner was drawn from all n positions "
            "(rng_below(rng, n)); that makes some orders more likely than "
            "others. Draw j from 0..i: rng_below(rng, i + 1)",
        [SHUFFLE_SATTOLO] =
            "j was drawn from 0..i-1 (rng_below(rng, i)): that is Sattolo's "
            "algorithm, which never leaves an element where it is and makes "
            "only cyclic orders. Let j equal i too: rng_below(rng, i + 1)",
        [SHUFFLE_FORWARD] =
            "i walked upward from 0. That order is uniform too, but the "
            "contract walks i from n-1 down to 1, so that a seed gives one "
            "agreed result",
    };
    size_t expected[16];
    for (size_t k = 0; k < n; k++) {
        size_t copies = 0;
        for (size_t i = 0; i < n; i++)
            copies += got[i] == k;
        if (copies != 1)
            return "the result is not a permutation: some entries appear "
                   "twice and others not at all. A swap needs a temporary: "
                   "held = order[i]; order[i] = order[j]; order[j] = held";
    }
    for (int v = SHUFFLE_BIASED; v < SHUFFLE_VARIANTS; v++) {
        if (v == SHUFFLE_TO_ZERO)
            continue; /* the contract's order: told apart by the draws */
        Rng rng;
        rng_seed(&rng, seed);
        fill_identity(expected, n);
        replay_shuffle(expected, n, &rng, (ShuffleVariant)v);
        if (same_sizes(got, expected, n))
            return why[v];
    }
    fill_identity(expected, n);
    if (same_sizes(got, expected, n))
        return "nothing moved: the order is still 0, 1, 2, ...";
    return "follow the contract: i from n-1 down to 1, j = rng_below(rng, "
           "i + 1), swap order[i] and order[j]";
}

START_TEST(shuffle_follows_fisher_yates)
{
    /* Deterministic under a seed: the same seed gives the same order, the
     * one the contract's draws make, and leaves the generator exactly n - 1
     * draws further on. (n = 0 and n = 1: shuffle_smallest_sizes.) */
    const size_t sizes[] = {10, 5, 2};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        size_t n = sizes[s], got[16], again[16], want[16];
        const uint64_t seed = 2024 + n;
        Rng theirs, twice, mine;
        rng_seed(&theirs, seed);
        rng_seed(&twice, seed);
        rng_seed(&mine, seed);
        fill_identity(got, 16);
        fill_identity(again, 16);
        fill_identity(want, 16);
        shuffle_indices(got, n, &theirs);
        shuffle_indices(again, n, &twice);
        replay_shuffle(want, n, &mine, SHUFFLE_CONTRACT);
        ck_assert_msg(same_sizes(got, again, n),
                      "two shuffles of n = %zu with generators seeded alike "
                      "gave different orders: use only rng for randomness",
                      n);
        ck_assert_msg(same_sizes(got + n, want + n, 16 - n),
                      "shuffling n = %zu entries changed order[%zu] or "
                      "beyond: touch only order[0..n-1]", n, n);
        if (!same_sizes(got, want, n)) {
            char text[128] = "", expected[128] = "";
            for (size_t i = 0; i < n; i++) {
                snprintf(text + strlen(text), sizeof text - strlen(text),
                         "%s%zu", i ? "," : "", got[i]);
                snprintf(expected + strlen(expected),
                         sizeof expected - strlen(expected), "%s%zu",
                         i ? "," : "", want[i]);
            }
            ck_abort_msg("with seed %llu, shuffling 0..%zu gave %s, expected "
                         "%s: %s", (unsigned long long)seed, n - 1, text,
                         expected, diagnose_shuffle(got, n, seed));
        }
        Rng after = theirs, extra = mine;
        (void)rng_below(&extra, 1);
        bool same_state = rng_next_u64(&theirs) == rng_next_u64(&mine);
        bool one_more = !same_state &&
                        rng_next_u64(&after) == rng_next_u64(&extra);
        ck_assert_msg(same_state,
                      "the order of n = %zu is right, but the generator was "
                      "used a different number of times than the contract's "
                      "n - 1 = %zu draws: %s", n, n - 1,
                      one_more ? diagnose_extra_draw
                               : "loop i from n-1 down to 1 only, one "
                                 "rng_below per i");
    }
}
END_TEST

START_TEST(shuffle_is_a_permutation)
{
    /* 1000 distinct values (not 0..n-1, so that writing indices instead of
     * moving values shows): each must come out exactly once, and after a
     * uniform shuffle almost all of them sit somewhere new (on average
     * only one stays put). */
    enum { N = 1000 };
    static size_t order[N];
    static int seen[N];
    for (size_t i = 0; i < N; i++)
        order[i] = 5000 + 3 * i;
    Rng rng;
    rng_seed(&rng, 7);
    shuffle_indices(order, N, &rng);
    size_t moved = 0;
    memset(seen, 0, sizeof seen);
    for (size_t i = 0; i < N; i++) {
        size_t v = order[i];
        ck_assert_msg(v >= 5000 && v < 5000 + 3 * N && (v - 5000) % 3 == 0,
                      "order[%zu] = %zu was not in the array before: a shuffle "
                      "only moves the values that are there", i, v);
        seen[(v - 5000) / 3]++;
        moved += v != 5000 + 3 * i;
    }
    for (size_t k = 0; k < N; k++)
        ck_assert_msg(seen[k] == 1,
                      "after shuffling, the value %zu appears %d times: the "
                      "result is not a permutation. A swap needs a temporary: "
                      "held = order[i]; order[i] = order[j]; order[j] = held",
                      5000 + 3 * k, seen[k]);
    ck_assert_msg(moved > 900,
                  "only %zu of 1000 entries moved: a uniform shuffle moves "
                  "all but about one", moved);
}
END_TEST

/* The rank of a permutation of 0..n-1 among all n! (its Lehmer code). */
static size_t permutation_rank(const size_t *p, size_t n)
{
    size_t rank = 0;
    for (size_t i = 0; i < n; i++) {
        size_t smaller_later = 0;
        for (size_t k = i + 1; k < n; k++)
            smaller_later += p[k] < p[i];
        rank = rank * (n - i) + smaller_later;
    }
    return rank;
}

START_TEST(shuffle_is_uniform)
{
    /* A chi-square test of uniformity. 24000 shuffles of 0, 1, 2, 3 (each
     * from 0..3 again) should give each of the 4! = 24 orders about
     * E = 1000 times. The statistic X² = Σ (count - E)² / E has 24 - 1 = 23
     * degrees of freedom; a uniform shuffle exceeds 49.73 with probability
     * 0.001 (the 99.9% point of the chi-square distribution with 23
     * degrees of freedom). The seed is fixed, so the verdict is too: the
     * contract's shuffle gives X² = 21.41 with this seed. Sattolo's
     * algorithm gives only 6 orders; drawing the partner from all n
     * positions gives X² in the thousands. */
    enum { ORDERS = 24, SHUFFLES = 24000 };
    const double expected = (double)SHUFFLES / ORDERS, critical = 49.73;
    int count[ORDERS] = {0};
    Rng rng;
    rng_seed(&rng, 12345);
    for (int s = 0; s < SHUFFLES; s++) {
        size_t p[4] = {0, 1, 2, 3};
        shuffle_indices(p, 4, &rng);
        bool is_permutation = true;
        for (size_t k = 0; k < 4; k++)
            is_permutation &= p[0] == k || p[1] == k || p[2] == k || p[3] == k;
        ck_assert_msg(is_permutation,
                      "shuffling 0,1,2,3 gave %zu,%zu,%zu,%zu, which is not a "
                      "permutation of it", p[0], p[1], p[2], p[3]);
        count[permutation_rank(p, 4)]++;
    }
    double chi2 = 0.0;
    int never = 0, most = 0, least = SHUFFLES;
    for (int k = 0; k < ORDERS; k++) {
        chi2 += (count[k] - expected) * (count[k] - expected) / expected;
        never += count[k] == 0;
        most = count[k] > most ? count[k] : most;
        least = count[k] < least ? count[k] : least;
    }
    const char *why = "some orders come up more often than others: draw j "
                      "uniformly from 0..i, rng_below(rng, i + 1)";
    if (never == ORDERS - 1)
        why = "every shuffle gave the same order: nothing is shuffled";
    else if (never == 18)
        why = "only 6 of the 24 orders ever appear, the cyclic ones: that is "
              "Sattolo's algorithm (j drawn from 0..i-1); let j equal i too";
    ck_assert_msg(chi2 < critical,
                  "24000 shuffles of 0,1,2,3 are not uniform over the 24 "
                  "orders: X² = %.1f with 23 degrees of freedom, above the "
                  "critical value %.2f (0.1%% level); counts ranged from %d "
                  "to %d, expected about 1000 each, %d orders never "
                  "appeared: %s", chi2, critical, least, most, never, why);
}
END_TEST

/* Whether two generators are in the same state (the same future draws). */
static bool same_generator(const Rng *a, const Rng *b)
{
    return memcmp(a->s, b->s, sizeof a->s) == 0;
}

/* A crash inside a student's call, caught so that the failure can name the
 * call instead of a bare "aborted": an assert() in rng_below (a bound of
 * 0), a division by zero, or a stray pointer. */
static sigjmp_buf crash_jump;
static volatile sig_atomic_t crash_signal;

static void on_crash(int sig)
{
    crash_signal = sig;
    siglongjmp(crash_jump, 1);
}

static void handle_crashes(void (*handler)(int))
{
    const int signals[] = {SIGABRT, SIGFPE, SIGSEGV, SIGBUS};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_NODEFER;
    for (size_t k = 0; k < sizeof signals / sizeof *signals; k++)
        sigaction(signals[k], &sa, NULL);
}

/* shuffle_indices(order, n, rng), or false when it crashed. */
static bool shuffle_survives(size_t *order, size_t n, Rng *rng)
{
    volatile bool survived = false;
    handle_crashes(on_crash);
    if (!sigsetjmp(crash_jump, 1)) {
        shuffle_indices(order, n, rng);
        survived = true;
    }
    handle_crashes(SIG_DFL);
    return survived;
}

START_TEST(shuffle_smallest_sizes)
{
    /* n = 0 and n = 1 have nothing to shuffle: the loop from i = n-1 down
     * to 1 is empty, so no draw and no write (order[0] of n = 1 stays where
     * it is; the sentinels past n stay too). n = 2 is one draw,
     * j = rng_below(rng, 2), and a swap of order[1] with order[j]: with
     * seed 2028 the replay below draws j = 0, so 0, 1 becomes 1, 0. */
    for (size_t n = 0; n <= 2; n++) {
        size_t got[3] = {0, 1, 77}, want[3] = {0, 1, 77};
        Rng theirs, mine;
        rng_seed(&theirs, 2028);
        rng_seed(&mine, 2028);
        bool survived = shuffle_survives(got, n, &theirs);
        ck_assert_msg(survived,
                      "shuffle_indices(order, %zu, rng) crashed (signal %d)%s",
                      n, (int)crash_signal,
                      n == 0 ? ": with n = 0, n - 1 wraps around to SIZE_MAX "
                               "(size_t has no -1), so a loop from i = n - 1 "
                               "down starts at a huge i and calls "
                               "rng_below(rng, i + 1) with a bound of 0. Let "
                               "n = 0 draw nothing: for (size_t i = n; "
                               "i-- > 1;), or return early when n <= 1"
                             : "");
        replay_shuffle(want, n, &mine, SHUFFLE_CONTRACT);
        ck_assert_msg(same_sizes(got, want, 3),
                      "shuffling n = %zu entries gave order = {%zu, %zu, %zu}, "
                      "expected {%zu, %zu, %zu}: %s", n, got[0], got[1],
                      got[2], want[0], want[1], want[2],
                      n < 2 ? "with n <= 1 there is nothing to shuffle: "
                              "change nothing, and write nothing past n"
                            : "n = 2 is one draw, j = rng_below(rng, 2), and "
                              "one swap of order[1] with order[j]");
        ck_assert_msg(same_generator(&theirs, &mine),
                      "shuffling n = %zu entries %s", n,
                      n < 2 ? "used the generator, but n <= 1 draws nothing: "
                              "the loop from i = n-1 down to 1 has no step"
                            : "used the generator other than by the "
                              "contract's one draw, rng_below(rng, 2)");
    }
}
END_TEST

START_TEST(shuffle_draws_with_rng_below)
{
    /* rng_below(rng, bound) is not the raw output % bound: it rejects the
     * few raw values that would make some results likelier (lib/rng.c) and
     * draws again. A generator whose state is s = (1, 0, 0, 0) gives 0 as
     * its first raw output (xoshiro256** outputs rotl(5·s[1], 7)·9, and
     * s[1] = 0), and rng_below(rng, 3) rejects 0: it keeps r >= (2^64 - 3)
     * mod 3 = 1. So the contract's shuffle of 0, 1, 2 from that state takes
     * one raw output more than a raw % would. Replayed here from a copy of
     * the state. */
    Rng theirs = {.s = {1, 0, 0, 0}}, mine = theirs;
    size_t got[3] = {0, 1, 2}, want[3] = {0, 1, 2};
    shuffle_indices(got, 3, &theirs);
    replay_shuffle(want, 3, &mine, SHUFFLE_CONTRACT);
    ck_assert_msg(same_sizes(got, want, 3),
                  "from the generator state (1, 0, 0, 0), shuffling 0, 1, 2 "
                  "gave %zu, %zu, %zu, expected %zu, %zu, %zu: draw each j "
                  "with rng_below(rng, i + 1), i from n-1 down to 1",
                  got[0], got[1], got[2], want[0], want[1], want[2]);
    Rng one_more = theirs;
    (void)rng_next_u64(&one_more);
    bool behind = same_generator(&one_more, &mine);
    ck_assert_msg(same_generator(&theirs, &mine),
                  "from the generator state (1, 0, 0, 0), the order of 0, 1, "
                  "2 is right but the generator ended %s the contract's: %s",
                  behind ? "one raw output behind" : "elsewhere than",
                  behind
                      ? "its first raw output, 0, is one that rng_below(rng, "
                        "3) rejects (and draws again), but a raw "
                        "rng_next_u64(rng) % (i + 1) keeps it. Draw j with "
                        "rng_below(rng, i + 1), which is unbiased"
                      : "draw each j with one rng_below(rng, i + 1)");
}
END_TEST

static void add_shuffle_tests(TCase *tc)
{
    tcase_add_test(tc, shuffle_follows_fisher_yates);
    tcase_add_test(tc, shuffle_is_a_permutation);
    tcase_add_test(tc, shuffle_is_uniform);
    tcase_add_test(tc, shuffle_smallest_sizes);
    tcase_add_test(tc, shuffle_draws_with_rng_below);
}

/* ==================================================== BatchIterator */

/* Runs an iterator over a whole epoch, collecting at most `room` batches;
 * returns how many it gave (room + 1 when it did not stop). */
static size_t collect_batches(size_t n, size_t batch_size, bool drop_last,
                              size_t *firsts, size_t *counts, size_t room)
{
    BatchIterator it;
    memset(&it, 0xA5, sizeof it); /* init must set every field */
    batch_iterator_init(&it, n, batch_size, drop_last);
    for (size_t k = 0; k <= room; k++) {
        size_t first = 12345, count = 12345;
        if (!batch_iterator_next(&it, &first, &count))
            return k;
        if (k < room) {
            firsts[k] = first;
            counts[k] = count;
        }
    }
    return room + 1;
}

static void require_batches(size_t n, size_t batch_size, bool drop_last,
                            const size_t *want_firsts,
                            const size_t *want_counts, size_t want)
{
    size_t firsts[16], counts[16];
    size_t got = collect_batches(n, batch_size, drop_last, firsts, counts, 15);
    ck_assert_msg(got == 0 || firsts[0] == 0,
                  "n = %zu, batch_size = %zu: the first batch of an epoch "
                  "starts at position 0, but it started at %zu; "
                  "batch_iterator_init must set next = 0", n, batch_size,
                  firsts[0]);
    for (size_t k = 0; k < got && k < want && k < 15; k++) {
        const char *why = "";
        if (firsts[k] == want_firsts[k] && counts[k] > want_counts[k])
            why = ": that batch runs past the end of the epoch; the last "
                  "batch holds only what is left, n - first";
        else if (k > 0 && firsts[k] == firsts[k - 1])
            why = ": the same batch came again; batch_iterator_next must "
                  "move `next` past each batch it returns";
        else if (firsts[k] != want_firsts[k])
            why = ": batches follow one another, each starting where the "
                  "one before ended";
        ck_assert_msg(firsts[k] == want_firsts[k] && counts[k] == want_counts[k],
                      "n = %zu, batch_size = %zu%s: batch %zu was (first %zu, "
                      "count %zu), expected (first %zu, count %zu)%s",
                      n, batch_size, drop_last ? ", drop_last" : "", k,
                      firsts[k], counts[k], want_firsts[k], want_counts[k], why);
    }
    ck_assert_msg(got <= 15,
                  "n = %zu, batch_size = %zu%s: the iterator gave more than "
                  "15 batches and did not stop; batch_iterator_next must move "
                  "`next` past each batch it returns and return false at the "
                  "end", n, batch_size, drop_last ? ", drop_last" : "");
    const char *why = "";
    if (got + 1 == want && !drop_last && want_counts[want - 1] < batch_size)
        why = ": the last partial batch was dropped, but drop_last is false; "
              "a batch that is not full still counts (stop when nothing is "
              "left, not when less than batch_size is left)";
    else if (got == want + 1 && drop_last)
        why = ": with drop_last the partial batch at the end is left out";
    else if (got + 1 == want && drop_last)
        why = ": only a batch smaller than batch_size is dropped, and here "
              "the batches are all full";
    ck_assert_msg(got == want,
                  "n = %zu, batch_size = %zu%s: the iterator gave %zu "
                  "batch(es), expected %zu%s", n, batch_size,
                  drop_last ? ", drop_last" : "", got, want, why);
}

/* The byte that holds drop_last, read without assuming it is a valid bool
 * (a field init never set holds whatever was there). */
static unsigned drop_last_byte(const BatchIterator *it)
{
    unsigned char byte;
    memcpy(&byte, &it->drop_last, 1);
    return byte;
}

/* Fills *it with `fill` bytes, inits it, and requires every field the
 * header defines: init sets them all. */
static void require_init_fields(BatchIterator *it, int fill, size_t n,
                                size_t batch_size, bool drop_last)
{
    memset(it, fill, sizeof *it);
    batch_iterator_init(it, n, batch_size, drop_last);
    char call[80];
    snprintf(call, sizeof call, "batch_iterator_init(&it, %zu, %zu, %s)", n,
             batch_size, drop_last ? "true" : "false");
    ck_assert_msg(it->n == n && it->batch_size == batch_size,
                  "after %s over a struct of 0x%02X bytes, it.n is %zu and "
                  "it.batch_size is %zu, expected %zu and %zu: "
                  "batch_iterator_init sets every field of *it (n, "
                  "batch_size, drop_last, next)", call, (unsigned)fill,
                  it->n, it->batch_size, n, batch_size);
    ck_assert_msg(drop_last_byte(it) == (unsigned)drop_last,
                  "after %s over a struct of 0x%02X bytes, the byte of "
                  "it.drop_last is %u, expected %d (%s): "
                  "batch_iterator_init sets every field of *it, drop_last "
                  "too", call, (unsigned)fill, drop_last_byte(it),
                  (int)drop_last, drop_last ? "true" : "false");
    ck_assert_msg(it->next == 0,
                  "after %s, it.next is %zu: batch_iterator_init must set "
                  "next = 0 (the first batch starts at position 0)", call,
                  it->next);
}

/* One call of batch_iterator_next: what it gave, and the field next after
 * it. */
typedef struct {
    bool more;
    size_t first, count, next;
} IteratorCall;

static void record_calls(BatchIterator *it, IteratorCall *calls, size_t room)
{
    for (size_t k = 0; k < room; k++) {
        IteratorCall *c = &calls[k];
        c->first = c->count = 12345;
        c->more = batch_iterator_next(it, &c->first, &c->count);
        c->next = it->next;
    }
}

/* Why it.next is `next` after batch k (first, count), when the batches
 * themselves came out right. */
static const char *diagnose_next(size_t next, size_t k, size_t first,
                                 size_t count)
{
    if (next == first + count)
        return "";
    if (next == 0)
        return ": it.next never moved, yet the next call gave the right "
               "batch, so the position is kept somewhere else (a static or "
               "global variable?). Keep it in it->next, so that every "
               "iterator has its own";
    if (next == k + 1)
        return ": it.next counts batches, but the header's next is the next "
               "batch's first position (a position, not a batch number)";
    return ": the header's next is the next batch's first position, "
           "first + count";
}

/* 10 positions in batches of 4: (0, 4), (4, 4), (8, 2), then none. Judged
 * only while the calls come out right (the tests below name wrong
 * batches): after each, it.next is never past n, and it is first + count
 * whenever the call after came out right too. */
static void require_next_fields(void)
{
    const size_t firsts[] = {0, 4, 8, 10}, counts[] = {4, 4, 2, 0};
    BatchIterator it;
    IteratorCall calls[4];
    require_init_fields(&it, 0xA5, 10, 4, false);
    record_calls(&it, calls, 4);
    bool right[5] = {false, false, false, !calls[3].more, true};
    for (size_t k = 0; k < 3; k++)
        right[k] = calls[k].more && calls[k].first == firsts[k] &&
                   calls[k].count == counts[k];
    for (size_t k = 0; k < 4 && right[k]; k++) {
        char what[64] = "call 4, which returned false (the epoch is over)";
        if (k < 3)
            snprintf(what, sizeof what, "call %zu, which gave (first %zu, "
                     "count %zu)", k + 1, firsts[k], counts[k]);
        ck_assert_msg(calls[k].next <= 10,
                      "n = 10, batch_size = 4: after %s, it.next is %zu, past "
                      "n = 10: move next by the batch's count (2 for the "
                      "partial batch), not by batch_size", what,
                      calls[k].next);
        ck_assert_msg(calls[k].next == firsts[k] + counts[k] || !right[k + 1],
                      "n = 10, batch_size = 4: after %s, it.next is %zu, "
                      "expected %zu%s", what, calls[k].next,
                      firsts[k] + counts[k],
                      k < 3 ? diagnose_next(calls[k].next, k, firsts[k],
                                            counts[k])
                            : ": at the end of the epoch, next stays at n");
    }
}

static bool same_call(const IteratorCall *a, const IteratorCall *b)
{
    return a->more == b->more &&
           (!a->more || (a->first == b->first && a->count == b->count));
}

/* Two iterators used in turn give what each gives alone. */
static void require_independent_iterators(void)
{
    BatchIterator a, b;
    IteratorCall alone_a[4], alone_b[4], turn_a[4], turn_b[4];
    batch_iterator_init(&a, 6, 2, false);
    record_calls(&a, alone_a, 4);
    batch_iterator_init(&b, 6, 3, false);
    record_calls(&b, alone_b, 4);
    batch_iterator_init(&a, 6, 2, false);
    batch_iterator_init(&b, 6, 3, false);
    for (size_t k = 0; k < 4; k++) {
        record_calls(&a, &turn_a[k], 1);
        record_calls(&b, &turn_b[k], 1);
    }
    for (size_t k = 0; k < 4; k++) {
        bool same_a = same_call(&turn_a[k], &alone_a[k]);
        ck_assert_msg(same_a && same_call(&turn_b[k], &alone_b[k]),
                      "two iterators over n = 6, one in batches of 2 and one "
                      "in batches of 3, used in turn interfere: call %zu of "
                      "the one in batches of %d gave something other than it "
                      "gives alone. Keep all of an iterator's state in its "
                      "struct (it->next), not in a static or global variable",
                      k + 1, same_a ? 3 : 2);
    }
}

START_TEST(iterator_fields_follow_the_header)
{
    /* The header gives every field of BatchIterator a meaning, so a test
     * can read them. After batch_iterator_init(&it, 7, 3, true) over a
     * struct of 0 bytes: n = 7, batch_size = 3, drop_last true, next = 0;
     * after batch_iterator_init(&it, 10, 4, false) over 0xA5 bytes (so that
     * a field init leaves alone shows): n = 10, batch_size = 4, drop_last
     * false, next = 0. next is then the next batch's first
     * position: after the batches (0, 4), (4, 4) and (8, 2) it is 4, 8 and
     * 10, and it stays 10 at the end. Then two iterators used in turn. */
    BatchIterator it;
    require_init_fields(&it, 0x00, 7, 3, true);
    require_next_fields();
    require_independent_iterators();
}
END_TEST

START_TEST(iterator_partial_last_batch)
{
    /* 10 examples in batches of 4: positions 0-3, 4-7, and a partial batch
     * 8-9. 7 in batches of 3: 0-2, 3-5 and 6 alone. */
    require_batches(10, 4, false, (size_t[]){0, 4, 8}, (size_t[]){4, 4, 2}, 3);
    require_batches(7, 3, false, (size_t[]){0, 3, 6}, (size_t[]){3, 3, 1}, 3);
    /* After the end, it stays at the end and writes nothing. */
    BatchIterator it;
    batch_iterator_init(&it, 3, 2, false);
    size_t first, count;
    ck_assert(batch_iterator_next(&it, &first, &count));
    ck_assert(batch_iterator_next(&it, &first, &count));
    first = 77, count = 77;
    ck_assert_msg(!batch_iterator_next(&it, &first, &count) &&
                      !batch_iterator_next(&it, &first, &count) &&
                      first == 77 && count == 77,
                  "once an epoch is over, batch_iterator_next must keep "
                  "returning false and leave *first and *count alone");
}
END_TEST

START_TEST(iterator_drop_last)
{
    /* With drop_last, 10 in batches of 4 gives only the two full batches;
     * 8 in batches of 4 has no partial batch, so nothing is dropped. */
    require_batches(10, 4, true, (size_t[]){0, 4}, (size_t[]){4, 4}, 2);
    require_batches(8, 4, true, (size_t[]){0, 4}, (size_t[]){4, 4}, 2);
    require_batches(7, 3, true, (size_t[]){0, 3}, (size_t[]){3, 3}, 2);
    /* The call that drops the partial batch (positions 8-9 of 10) returns
     * false like the end of an epoch, and like it writes nothing. */
    BatchIterator it;
    batch_iterator_init(&it, 10, 4, true);
    size_t first, count;
    ck_assert(batch_iterator_next(&it, &first, &count));
    ck_assert(batch_iterator_next(&it, &first, &count));
    first = 77, count = 77;
    bool more = batch_iterator_next(&it, &first, &count);
    ck_assert_msg(!more && first == 77 && count == 77,
                  "n = 10, batch_size = 4, drop_last: the third call, which "
                  "drops the partial batch 8-9, returned %s and left "
                  "*first = %zu, *count = %zu (both were 77); it must "
                  "return false without writing *first or *count (decide "
                  "to drop the batch before writing anything)",
                  more ? "true" : "false", first, count);
}
END_TEST

START_TEST(iterator_edge_sizes)
{
    /* batch_size = n: one batch holding everything (full batch);
     * batch_size = 1: n batches of one (stochastic). */
    require_batches(6, 6, false, (size_t[]){0}, (size_t[]){6}, 1);
    require_batches(6, 6, true, (size_t[]){0}, (size_t[]){6}, 1);
    require_batches(4, 1, false, (size_t[]){0, 1, 2, 3}, (size_t[]){1, 1, 1, 1}, 4);
    /* init starts a new epoch, whatever the iterator held before. */
    BatchIterator it;
    batch_iterator_init(&it, 5, 5, false);
    size_t first = 9, count = 9;
    ck_assert(batch_iterator_next(&it, &first, &count));
    batch_iterator_init(&it, 5, 2, false);
    ck_assert_msg(batch_iterator_next(&it, &first, &count) && first == 0 &&
                      count == 2,
                  "after batch_iterator_init the first batch starts at "
                  "position 0 again (set next = 0), got first %zu, count %zu",
                  first, count);
}
END_TEST

static void add_iterator_tests(TCase *tc)
{
    tcase_add_test(tc, iterator_fields_follow_the_header);
    tcase_add_test(tc, iterator_partial_last_batch);
    tcase_add_test(tc, iterator_drop_last);
    tcase_add_test(tc, iterator_edge_sizes);
}

/* ================================================ minibatch_mse_grad() */

/* Hand-worked data: five examples of two features. At w = (1, -1), b = 0.5
 * the predictions x·w + b and residuals r = prediction - y are
 *   e0 (1, 0)   y 2   prediction  1.5   r -0.5
 *   e1 (0, 2)   y 2   prediction -1.5   r -3.5
 *   e2 (1, 1)   y 0   prediction  0.5   r  0.5
 *   e3 (2, -1)  y 1   prediction  3.5   r  2.5
 *   e4 (-1, 3)  y 4   prediction -3.5   r -7.5
 * The batch rows = {3, 1} has residuals 2.5 and -3.5, so
 *   L_B     = (6.25 + 12.25) / 2 = 9.25
 *   Σ r x   = 2.5·(2, -1) - 3.5·(0, 2) = (5, -9.5)
 *   ∂L_B/∂w = (2/2)·(5, -9.5) = (5, -9.5),    ∂L_B/∂b = (2/2)·(-1) = -1.
 * Mistakes with recognisable results there: b added once per feature makes
 * the residuals 2.5 + 0.5 = 3 and -3.5 + 0.5 = -3, so ∂w = 3·(2, -1)
 * - 3·(0, 2) = (6, -9) and ∂b = 0; the targets y[0] = y[1] = 2 (y[k]
 * instead of y[rows[k]]) make them 1.5 and -3.5, so ∂w = 1.5·(2, -1)
 * - 3.5·(0, 2) = (3, -8.5) and ∂b = -2; a weight gradient divided by
 * count·d = 4 is (2.5, -4.75) with ∂b still -1. */
static const double HX[] = {1, 0, 0, 2, 1, 1, 2, -1, -1, 3};
static const double HY[] = {2, 2, 0, 1, 4};
static const Examples HAND = {5, 2, HX, HY};
static const double HW[] = {1.0, -1.0};
#define HB 0.5

static const char *diagnose_minibatch(const double *g, double gb, double loss)
{
    if (g[0] == 0.0 && g[1] == 0.0 && gb == 0.0)
        return "everything is 0: nothing was computed yet";
    if (grading_near(g[0], 5.0 * 2 / 5, TIGHT) && grading_near(g[1], -9.5 * 2 / 5, TIGHT))
        return "the gradient was divided by N = 5, the size of the dataset; "
               "the batch loss is a mean over the batch, so divide by the "
               "batch size, count = 2";
    if (grading_near(g[0], -0.5, TIGHT) && grading_near(g[1], -7.0, TIGHT))
        return "that is the gradient of examples 0 and 1, the first count "
               "examples; the batch is the examples listed in rows[], "
               "here 3 and 1 (use x[rows[k]*d + j] and y[rows[k]])";
    if (grading_near(g[0], -5.0, TIGHT) && grading_near(g[1], 9.5, TIGHT))
        return "the signs are flipped: the residual is prediction minus "
               "target, x·w + b - y";
    if (grading_near(g[0], 2.5, TIGHT) && grading_near(g[1], -4.75, TIGHT) &&
        grading_near(gb, -1.0, TIGHT))
        return "∂b is right but ∂w is divided by d = 2 too: the weight "
               "gradient was divided by count·d, a mean over all its "
               "entries (NumPy's mean without axis=0); divide by count only "
               "(or ∂w alone lacks the factor 2 from d(r²)/dr = 2r: with "
               "d = 2 the two give the same numbers)";
    if (grading_near(g[0], 2.5, TIGHT) && grading_near(g[1], -4.75, TIGHT) &&
        grading_near(gb, -0.5, TIGHT))
        return "half the right size: the factor 2 from d(r²)/dr = 2r is "
               "missing";
    if (grading_near(g[0], 6.0, TIGHT) && grading_near(g[1], -9.0, TIGHT) &&
        grading_near(gb, 0.0, TIGHT))
        return "b was added once per feature (inside the loop over j): "
               "r = x·w + b - y has one b";
    if (grading_near(g[0], 3.0, TIGHT) && grading_near(g[1], -8.5, TIGHT) &&
        grading_near(gb, -2.0, TIGHT))
        return "the features came from rows[k] but the target from y[k]: "
               "the batch's k-th target is y[rows[k]]";
    if (grading_near(g[0], 10.0, TIGHT) && grading_near(g[1], -19.0, TIGHT))
        return "twice the right size: the mean's 1/count is missing";
    /* Row pointers x + rows[k] (NumPy's x[rows[k]] written in C): example
     * 3 is read as (2, 1) with y 1, r 0.5, and example 1 as (0, 0) with
     * y 2, r -1.5: ∂w = 0.5·(2, 1) = (1, 0.5), ∂b = 0.5 - 1.5 = -1. */
    if (grading_near(g[0], 1.0, TIGHT) && grading_near(g[1], 0.5, TIGHT) &&
        grading_near(gb, -1.0, TIGHT))
        return "the features of example rows[k] were read from x + rows[k]: "
               "the examples are stored one after the other, d numbers "
               "each, so example i starts at x + i·d (NumPy's x[i] is a "
               "row; in C it is x[i*d + j])";
    if (grading_near(loss, 9.25, TIGHT))
        return "the returned loss is right, so compare the gradient with "
               "(2/count) Σ r_k x_k and (2/count) Σ r_k";
    return "compare with the lesson's formulas for ∂L_B/∂w and ∂L_B/∂b";
}

START_TEST(minibatch_grad_hand_worked)
{
    const size_t rows[] = {3, 1};
    double g[3] = {0.0, 0.0, -42.0}, gb = 0.0;
    double loss = minibatch_mse_grad(&HAND, rows, 2, HW, HB, g, &gb);
    require_finite(g[0], "grad_w[0]");
    require_finite(g[1], "grad_w[1]");
    require_finite(gb, "*grad_b");
    ck_assert_msg(grading_near(g[0], 5.0, TIGHT) && grading_near(g[1], -9.5, TIGHT) &&
                      grading_near(gb, -1.0, TIGHT),
                  "the batch rows = {3, 1} at w = (1, -1), b = 0.5 has "
                  "gradient ∂w = (5, -9.5), ∂b = -1 (residuals 2.5, -3.5); "
                  "got (%.10g, %.10g), %.10g: %s",
                  g[0], g[1], gb, diagnose_minibatch(g, gb, loss));
    ck_assert_msg(g[2] == -42.0, "grad_w[2] was written: grad_w has d = 2 "
                  "entries");
    const char *why = "";
    if (grading_near(loss, 9.25 * 2 / 5, TIGHT))
        why = ": divided by N = 5 instead of the batch size 2";
    else if (grading_near(loss, 18.5, TIGHT))
        why = ": that is the sum of squared residuals; return their mean";
    else if (loss == 0.0)
        why = ": 1 / count with whole numbers is 0 when count > 1 (integer "
              "division); divide in double: sum / (double)count";
    ck_assert_msg(grading_near(loss, 9.25, TIGHT),
                  "minibatch_mse_grad returned %.10g for the batch {3, 1}, "
                  "expected its loss L_B = (2.5² + 3.5²)/2 = 9.25%s", loss, why);
    /* The same call with garbage in the outputs must give the same answer. */
    double g2[2] = {100.0, -100.0}, gb2 = 100.0;
    minibatch_mse_grad(&HAND, rows, 2, HW, HB, g2, &gb2);
    ck_assert_msg(grading_near(g2[0], 5.0, TIGHT) && grading_near(g2[1], -9.5, TIGHT) &&
                      grading_near(gb2, -1.0, TIGHT),
                  "called with grad_w = (100, -100) and *grad_b = 100 "
                  "beforehand, the result became (%.10g, %.10g), %.10g: "
                  "minibatch_mse_grad overwrites the gradient; set the sums "
                  "to 0 before adding into them", g2[0], g2[1], gb2);
}
END_TEST

/* Two examples of three features, so that a loop written for d = 2 (the
 * other tests' d) shows. At w = (1, -1, 0.5), b = 0:
 *   r_0 = 1·1 + 0·(-1) + 2·0.5 - 1 = 1,
 *   r_1 = 0·1 + 1·(-1) + (-1)·0.5 - 2 = -3.5.
 * The batch {1, 0}: ∂w = (2/2)(r_0 x_0 + r_1 x_1)
 *   = (1·1 + 0, 0 - 3.5·1, 1·2 - 3.5·(-1)) = (1, -3.5, 5.5),
 * ∂b = r_0 + r_1 = -2.5, L_B = (1 + 12.25)/2 = 6.625. */
static const double WIDE_X[] = {1.0, 0.0, 2.0, 0.0, 1.0, -1.0};
static const double WIDE_Y[] = {1.0, 2.0};
static const Examples WIDE = {.n = 2, .d = 3, .x = WIDE_X, .y = WIDE_Y};

START_TEST(minibatch_grad_three_features)
{
    const size_t rows[] = {1, 0};
    const double w[] = {1.0, -1.0, 0.5};
    double g[4] = {NAN, NAN, NAN, -42.0}, gb = NAN;
    double loss = minibatch_mse_grad(&WIDE, rows, 2, w, 0.0, g, &gb);
    ck_assert_msg(grading_near(g[0], 1.0, TIGHT) && grading_near(g[1], -3.5, TIGHT) &&
                      grading_near(g[2], 5.5, TIGHT) && grading_near(gb, -2.5, TIGHT) &&
                      grading_near(loss, 6.625, TIGHT),
                  "with d = 3 features, the batch {1, 0} at w = (1, -1, 0.5), "
                  "b = 0 (residuals -3.5, 1) has gradient ∂w = (1, -3.5, "
                  "5.5), ∂b = -2.5 and loss 6.625; got (%.10g, %.10g, "
                  "%.10g), %.10g and %.10g: loop over j < data->d and find "
                  "example i's features at x[i*d]", g[0], g[1], g[2], gb,
                  loss);
    ck_assert_msg(g[3] == -42.0, "grad_w[3] was written: grad_w has d = 3 "
                  "entries");
}
END_TEST

/* Six examples of two features, for the unbiasedness test. */
static const double SX[] = {0.5, -1.0, 2.0, 0.25, -1.5, 1.0,
                            1.0, 1.0,  -0.5, 3.0, 0.0, -2.0};
static const double SY[] = {1.0, 2.5, -1.0, 4.0, 0.5, -3.0};
static const Examples SIX = {6, 2, SX, SY};

/* The full gradient at (w, b), written here from the lesson's formula. */
static void full_gradient(const Examples *e, const double *w, double b,
                          double *g, double *gb)
{
    for (size_t j = 0; j < e->d; j++)
        g[j] = 0.0;
    *gb = 0.0;
    for (size_t i = 0; i < e->n; i++) {
        double r = b - e->y[i];
        for (size_t j = 0; j < e->d; j++)
            r += e->x[i * e->d + j] * w[j];
        for (size_t j = 0; j < e->d; j++)
            g[j] += 2.0 * r * e->x[i * e->d + j] / (double)e->n;
        *gb += 2.0 * r / (double)e->n;
    }
}

START_TEST(minibatch_grads_average_to_the_full_gradient)
{
    /* The lesson's unbiasedness, exactly: cut a shuffled epoch into equal
     * batches; the mean of their gradients is the full gradient, because
     * each example appears once and every batch divides by its own size.
     * The whole dataset as one batch, in any order, is the full gradient. */
    const double w[] = {0.3, -0.7};
    const double b = 0.2;
    double g[2], gb;
    full_gradient(&SIX, w, b, g, &gb);
    const size_t order[] = {4, 1, 5, 0, 2, 3};
    double mean[2] = {0.0, 0.0}, mean_b = 0.0;
    for (size_t k = 0; k < 3; k++) {
        double gk[2] = {NAN, NAN}, gbk = NAN;
        minibatch_mse_grad(&SIX, order + 2 * k, 2, w, b, gk, &gbk);
        mean[0] += gk[0] / 3.0, mean[1] += gk[1] / 3.0, mean_b += gbk / 3.0;
    }
    const char *why = "";
    if (grading_near(mean[0], g[0] / 3.0, 1e-9) && grading_near(mean_b, gb / 3.0, 1e-9))
        why = ": they are a third of it, as if each batch of 2 were divided "
              "by N = 6; divide by the batch's own size";
    else if (grading_near(mean[0], g[0], GRADING_FLOAT_TOL) &&
             grading_near(mean[1], g[1], GRADING_FLOAT_TOL) &&
             grading_near(mean_b, gb, GRADING_FLOAT_TOL))
        why = ": right to about 7 digits only, so something was computed in "
              "float (single precision); use double throughout";
    ck_assert_msg(grading_near(mean[0], g[0], 1e-12) && grading_near(mean[1], g[1], 1e-12) &&
                      grading_near(mean_b, gb, 1e-12),
                  "the mean of the gradients of the batches {4,1}, {5,0}, "
                  "{2,3} should be the full gradient (%.10g, %.10g), %.10g; "
                  "got (%.10g, %.10g), %.10g%s",
                  g[0], g[1], gb, mean[0], mean[1], mean_b, why);
    double all[2] = {NAN, NAN}, all_b = NAN;
    minibatch_mse_grad(&SIX, order, 6, w, b, all, &all_b);
    /* 2 / count in whole numbers is 1 for count = 2, the batches above, but
     * 0 for count = 6: a gradient of exactly 0 here is integer division. */
    const char *zero = (all[0] == 0.0 && all[1] == 0.0) || all_b == 0.0
                           ? ": an exact 0 where the full gradient is not: "
                             "2 / count with whole numbers is 0 when "
                             "count > 2 (integer division); write "
                             "2.0 / (double)count"
                           : "";
    ck_assert_msg(grading_near(all[0], g[0], 1e-12) && grading_near(all[1], g[1], 1e-12) &&
                      grading_near(all_b, gb, 1e-12),
                  "a batch of all six examples should give the full gradient "
                  "(%.10g, %.10g), %.10g; got (%.10g, %.10g), %.10g%s",
                  g[0], g[1], gb, all[0], all[1], all_b, zero);
}
END_TEST

/* The batch loss, written here for finite differences. */
static double batch_loss(const Examples *e, const size_t *rows, size_t count,
                         const double *w, double b)
{
    double s = 0.0;
    for (size_t k = 0; k < count; k++) {
        double r = b - e->y[rows[k]];
        for (size_t j = 0; j < e->d; j++)
            r += e->x[rows[k] * e->d + j] * w[j];
        s += r * r;
    }
    return s / (double)count;
}

START_TEST(minibatch_grad_matches_finite_differences)
{
    /* The loss is quadratic in (w, b), so central differences have no
     * truncation error: only rounding, about 1e-16·L/h. */
    const size_t rows[] = {5, 2, 0};
    const double h = 1e-4;
    double w[2] = {-0.4, 1.3}, b = 0.6, g[2] = {NAN, NAN}, gb = NAN;
    minibatch_mse_grad(&SIX, rows, 3, w, b, g, &gb);
    for (size_t j = 0; j < 3; j++) {
        double *p = j < 2 ? &w[j] : &b, saved = *p;
        *p = saved + h;
        double plus = batch_loss(&SIX, rows, 3, w, b);
        *p = saved - h;
        double minus = batch_loss(&SIX, rows, 3, w, b);
        *p = saved;
        double numeric = (plus - minus) / (2 * h), analytic = j < 2 ? g[j] : gb;
        require_finite(analytic, "a gradient entry");
        ck_assert_msg(grading_near(analytic, numeric, 1e-8),
                      "on the batch {5, 2, 0}, ∂L_B/∂%s%s is %.10g but central "
                      "differences of L_B give %.10g", j < 2 ? "w" : "b",
                      j == 0 ? "1" : j == 1 ? "2" : "", analytic, numeric);
    }
}
END_TEST

/* Sizes beyond the other tests' two and three features: six, worked by
 * the test's own loop (full_gradient over one batch of all rows is the
 * same formula). A loop bounded by a scratch array of four shows here. */
START_TEST(minibatch_grad_six_features)
{
    enum { D = 6, ROWS = 3 };
    const double x[ROWS * D] = {1, 0, 2, -1, 0.5, 3,
                                0, 1, -1, 2, 1.5, -2,
                                2, 1, 0, 1, -1, 1};
    const double y[ROWS] = {1.0, -2.0, 0.5};
    const Examples e = {ROWS, D, x, y};
    const double w[D] = {0.1, -0.2, 0.3, 0.4, -0.5, 0.6};
    const size_t rows[ROWS] = {2, 0, 1};
    double want[D], want_b;
    full_gradient(&e, w, 0.25, want, &want_b);
    double g[D + 1], gb = NAN;
    for (size_t j = 0; j <= D; j++)
        g[j] = NAN;
    g[D] = 42.0; /* a sentinel: grad_w has only D entries */
    minibatch_mse_grad(&e, rows, ROWS, w, 0.25, g, &gb);
    ck_assert_msg(g[D] == 42.0, "minibatch_mse_grad wrote grad_w[6] with "
                  "d = 6: write exactly d entries");
    for (size_t j = 0; j < D; j++)
        ck_assert_msg(!isnan(g[j]), "with d = 6 features, grad_w[%zu] was "
                      "never written%s", j,
                      j >= 4 && !isnan(g[0])
                          ? ": only the first 4 features were used; loop "
                            "over all d features (no fixed-size arrays)"
                          : "");
    for (size_t j = 0; j < D; j++)
        ck_assert_msg(grading_near(g[j], want[j], 1e-12),
                      "with d = 6 features, grad_w[%zu] = %.10g, expected "
                      "%.10g", j, g[j], want[j]);
    ck_assert_msg(grading_near(gb, want_b, 1e-12), "with d = 6 features, "
                  "grad_b = %.10g, expected %.10g", gb, want_b);
}
END_TEST

static void add_minibatch_grad_tests(TCase *tc)
{
    tcase_add_test(tc, minibatch_grad_hand_worked);
    tcase_add_test(tc, minibatch_grad_three_features);
    tcase_add_test(tc, minibatch_grads_average_to_the_full_gradient);
    tcase_add_test(tc, minibatch_grad_matches_finite_differences);
    tcase_add_test(tc, minibatch_grad_six_features);
}

/* ======================================================= train_epoch() */

/* Chapter 1's three points x = {1, 2, 3}, y = {2, 3, 5}, one feature. */
static const double TX[] = {1.0, 2.0, 3.0};
static const double TY[] = {2.0, 3.0, 5.0};
static const Examples THREE = {3, 1, TX, TY};

START_TEST(epoch_hand_worked)
{
    /* From w = 0.5, b = 0 with η = 0.1, order {2, 0, 1} in batches of 2:
     * batch {2, 0}: residuals 1.5 - 5 = -3.5 and 0.5 - 2 = -1.5, so
     *   L_B = (12.25 + 2.25)/2 = 7.25, ∂w = -3.5·3 - 1.5·1 = -12, ∂b = -5,
     *   w = 0.5 + 1.2 = 1.7, b = 0 + 0.5 = 0.5;
     * batch {1} (partial): residual 1.7·2 + 0.5 - 3 = 0.9, so
     *   L_B = 0.81, ∂w = 2·0.9·2 = 3.6, ∂b = 1.8,
     *   w = 1.7 - 0.36 = 1.34, b = 0.5 - 0.18 = 0.32.
     * Following 0, 1, 2 instead ends at w = 1.95, b = 0.65; one full-batch
     * step instead ends at w = 0.5 + 0.1·32/3, b = 0.1·14/3; the partial
     * batch's step scaled by count/batch_size = 1/2 ends at
     * w = 1.7 - 0.1·3.6/2 = 1.52, b = 0.5 - 0.1·1.8/2 = 0.41. */
    const size_t order[] = {2, 0, 1};
    double w = 0.5, b = 0.0, grad_w = 0.0, losses[3] = {NAN, NAN, -1.0};
    size_t steps = train_epoch(&THREE, order, 2, false, 0.1, &w, &b, &grad_w,
                               losses);
    const char *why = "compare each step with the working in the test";
    if (steps == 1 && grading_near(w, 1.7, TIGHT) && grading_near(b, 0.5, TIGHT))
        why = "only the first batch was used: the partial batch {1} at the "
              "end is a batch too";
    else if (grading_near(w, 1.95, TIGHT) && grading_near(b, 0.65, TIGHT))
        why = "the batches followed the examples 0, 1, 2 instead of "
              "order[]: batch k holds order[first], ..., order[first+count-1]";
    else if (grading_near(w, 0.5 + 3.2 / 3.0, TIGHT) && grading_near(b, 1.4 / 3.0, TIGHT))
        why = "that is one full-batch step: take one step per batch";
    else if (grading_near(w, 1.52, TIGHT) && grading_near(b, 0.41, TIGHT))
        why = "the partial batch's step was scaled by count/batch_size = 1/2: "
              "every batch steps by lr times its own mean gradient, which "
              "already accounts for its size";
    else if (w == 0.5 && b == 0.0)
        why = "w and b never moved";
    ck_assert_msg(steps == 2 && grading_near(w, 1.34, TIGHT) && grading_near(b, 0.32, TIGHT),
                  "an epoch in the order {2, 0, 1} with batches of 2 and "
                  "η = 0.1 from w = 0.5, b = 0 should take 2 steps and end at "
                  "w = 1.34, b = 0.32; it took %zu and ended at w = %.10g, "
                  "b = %.10g: %s", steps, w, b, why);
    const char *where = isnan(losses[1]) && grading_near(losses[2], 0.81, TIGHT)
                            ? ": the second loss went to batch_losses[2]; "
                              "batch_losses is indexed by the step s (0, 1), "
                              "not by the batch's first position (0, 2)"
                            : "";
    ck_assert_msg(grading_near(losses[0], 7.25, TIGHT) && grading_near(losses[1], 0.81, TIGHT),
                  "batch_losses should be {7.25, 0.81}, each batch's loss "
                  "before its step; got {%.10g, %.10g}%s", losses[0],
                  losses[1], where);
    ck_assert_msg(losses[2] == -1.0, "batch_losses[2] was written, but the "
                  "epoch took only 2 steps");
}
END_TEST

START_TEST(epoch_drop_last)
{
    /* The same epoch with drop_last: the partial batch {1} is left out,
     * so one step, to w = 1.7, b = 0.5 (see epoch_hand_worked). */
    const size_t order[] = {2, 0, 1};
    double w = 0.5, b = 0.0, grad_w = 0.0, losses[2] = {NAN, -1.0};
    size_t steps = train_epoch(&THREE, order, 2, true, 0.1, &w, &b, &grad_w,
                               losses);
    ck_assert_msg(steps == 1 && grading_near(w, 1.7, TIGHT) && grading_near(b, 0.5, TIGHT) &&
                      losses[1] == -1.0,
                  "with drop_last, an epoch of 3 examples in batches of 2 is "
                  "one step, to w = 1.7, b = 0.5; got %zu step(s), w = "
                  "%.10g, b = %.10g%s", steps, w, b,
                  steps == 2 && grading_near(w, 1.7, TIGHT) && grading_near(b, 0.5, TIGHT) &&
                          losses[1] == -1.0
                      ? ": w and b are right, one step was taken, but the count "
                        "returned counts the dropped batch too; return the "
                        "steps taken"
                  : steps == 2 ? ": the partial batch should have been dropped"
                               : "");
}
END_TEST

START_TEST(epoch_batch_of_n_is_full_batch_descent)
{
    /* With batch_size = n every epoch is one full-batch step, in any
     * order, and here exactly: the data are small integers and η = 1/8, so
     * every residual, sum, gradient and update is a fraction with a small
     * power of two below it, which a double holds exactly whatever the
     * order of additions. The test compares with == and replays full-batch
     * gradient descent with its own full_gradient. */
    static const double x[] = {1, 2, -1, 0, 3, 1, 2, -2};
    static const double y[] = {3, -1, 4, 2};
    const Examples four = {4, 2, x, y};
    const size_t order[] = {3, 1, 0, 2};
    double w[2] = {0.0, 0.0}, b = 0.0, grad_w[2], loss = NAN;
    double want[2] = {0.0, 0.0}, want_b = 0.0;
    for (int epoch = 0; epoch < 3; epoch++) {
        double g[2], gb;
        full_gradient(&four, want, want_b, g, &gb);
        double want_loss = 0.0;
        for (size_t i = 0; i < 4; i++) {
            double r = x[2 * i] * want[0] + x[2 * i + 1] * want[1] + want_b - y[i];
            want_loss += r * r / 4.0;
        }
        want[0] -= g[0] / 8.0, want[1] -= g[1] / 8.0, want_b -= gb / 8.0;
        size_t steps = train_epoch(&four, order, 4, epoch == 1, 0.125, w, &b,
                                   grad_w, &loss);
        ck_assert_msg(steps == 1, "with batch_size = n = 4 an epoch is one "
                      "step; train_epoch returned %zu%s", steps,
                      epoch > 0 && steps == (size_t)epoch + 1
                          ? ", one more on each call: the count went on from "
                            "the calls before; count this epoch's steps from "
                            "0 on every call (a static variable keeps its "
                            "value from one call to the next)"
                          : "");
        ck_assert_msg(w[0] == want[0] && w[1] == want[1] && b == want_b &&
                          loss == want_loss,
                      "epoch %d with batch_size = n should be exactly one "
                      "step of full-batch gradient descent, to w = (%.17g, "
                      "%.17g), b = %.17g, batch loss %.17g; got (%.17g, "
                      "%.17g), %.17g, loss %.17g", epoch + 1, want[0], want[1],
                      want_b, want_loss, w[0], w[1], b, loss);
    }
}
END_TEST

START_TEST(epoch_sgd_follows_the_order)
{
    /* batch_size = 1 is stochastic gradient descent: one step per example,
     * in the order given. Replayed here with the lesson's update for one
     * example, ∂w = 2 r x, ∂b = 2 r. */
    const size_t order[] = {4, 0, 3, 1, 5, 2};
    double w[2] = {0.1, -0.2}, b = 0.3, grad_w[2];
    double want[2] = {0.1, -0.2}, want_b = 0.3;
    for (size_t k = 0; k < 6; k++) {
        const double *xi = SX + 2 * order[k];
        double r = xi[0] * want[0] + xi[1] * want[1] + want_b - SY[order[k]];
        want[0] -= 0.05 * 2 * r * xi[0];
        want[1] -= 0.05 * 2 * r * xi[1];
        want_b -= 0.05 * 2 * r;
    }
    size_t steps = train_epoch(&SIX, order, 1, true, 0.05, w, &b, grad_w, NULL);
    ck_assert_msg(steps == 6 && grading_near(w[0], want[0], 1e-12) &&
                      grading_near(w[1], want[1], 1e-12) && grading_near(b, want_b, 1e-12),
                  "with batch_size = 1, an epoch over 6 examples is 6 steps, "
                  "one per example in the order {4, 0, 3, 1, 5, 2}, ending at "
                  "w = (%.10g, %.10g), b = %.10g; got %zu steps, w = (%.10g, "
                  "%.10g), b = %.10g (batch_losses may be NULL)",
                  want[0], want[1], want_b, steps, w[0], w[1], b);
}
END_TEST

static void add_epoch_tests(TCase *tc)
{
    tcase_add_test(tc, epoch_hand_worked);
    tcase_add_test(tc, epoch_drop_last);
    tcase_add_test(tc, epoch_batch_of_n_is_full_batch_descent);
    tcase_add_test(tc, epoch_sgd_follows_the_order);
}

/* =================================================== minibatch_train() */

/* An epoch replayed from the contract, for the tests below. Returns the
 * mean of its batch losses weighted by their sizes (each taken before its
 * step), which is what Keras's History reports as an epoch's loss. */
static double replay_epoch(const Examples *e, const size_t *order,
                           size_t batch_size, bool drop_last, double lr,
                           double *w, double *b)
{
    double sum_r2 = 0.0; /* over every example the epoch's batches used */
    size_t used = 0;
    for (size_t first = 0; first < e->n; first += batch_size) {
        size_t count = e->n - first < batch_size ? e->n - first : batch_size;
        if (drop_last && count < batch_size)
            break;
        double g[8] = {0.0}, gb = 0.0;
        for (size_t k = 0; k < count; k++) {
            const double *xi = e->x + order[first + k] * e->d;
            double r = *b - e->y[order[first + k]];
            for (size_t j = 0; j < e->d; j++)
                r += xi[j] * w[j];
            for (size_t j = 0; j < e->d; j++)
                g[j] += 2.0 * r * xi[j] / (double)count;
            gb += 2.0 * r / (double)count;
            sum_r2 += r * r;
        }
        used += count;
        for (size_t j = 0; j < e->d; j++)
            w[j] -= lr * g[j];
        *b -= lr * gb;
    }
    return used ? sum_r2 / (double)used : 0.0;
}

typedef enum {
    PLAN_CONTRACT,      /* reshuffle the order at every epoch */
    PLAN_FRESH,         /* shuffle a fresh 0..n-1 at every epoch (accepted) */
    PLAN_ONCE,          /* shuffle once, before the first epoch */
    PLAN_NEVER,         /* never shuffle */
    PLAN_AFTER,         /* shuffle after each epoch: the first runs 0..n-1 */
    PLAN_UNFILLED,      /* the contract's shuffles, but from order as the
                           caller left it (fill_reversed), never set to
                           0..n-1 */
    PLANS
} Plan;

/* What the train tests leave in order[] before a call: a permutation (so
 * that an order used as given does not crash), but not 0..n-1. */
static void fill_reversed(size_t *order, size_t n)
{
    for (size_t i = 0; i < n; i++)
        order[i] = n - 1 - i;
}

/* Returns the last epoch's mean batch loss (replay_epoch's), 0 when no
 * epoch runs. */
static double replay_training(const Examples *e, size_t batch_size,
                              bool drop_last, double lr, size_t epochs,
                              uint64_t seed, Plan plan, double *w, double *b)
{
    double batch_mean = 0.0;
    size_t order[16];
    Rng rng;
    rng_seed(&rng, seed);
    if (plan == PLAN_UNFILLED)
        fill_reversed(order, e->n);
    else
        fill_identity(order, e->n);
    for (size_t epoch = 0; epoch < epochs; epoch++) {
        if (plan == PLAN_FRESH)
            fill_identity(order, e->n);
        if (plan == PLAN_CONTRACT || plan == PLAN_FRESH ||
            plan == PLAN_UNFILLED || (plan == PLAN_ONCE && epoch == 0))
            replay_shuffle(order, e->n, &rng, SHUFFLE_CONTRACT);
        batch_mean = replay_epoch(e, order, batch_size, drop_last, lr, w, b);
        if (plan == PLAN_AFTER)
            replay_shuffle(order, e->n, &rng, SHUFFLE_CONTRACT);
    }
    return batch_mean;
}

/* Whether a run ended at (w, b) = (want, want_b), two weights. */
static bool ends_at(const double *w, double b, const double *want,
                    double want_b)
{
    return grading_near(w[0], want[0], 1e-12) &&
           grading_near(w[1], want[1], 1e-12) && grading_near(b, want_b, 1e-12);
}

/* How many raw outputs from `seed` bring a generator to the state *rng, or
 * -1 when none of the first `most` do. */
static int outputs_since_seed(const Rng *rng, uint64_t seed, int most)
{
    Rng walk;
    rng_seed(&walk, seed);
    for (int k = 0; k <= most; k++) {
        if (same_generator(&walk, rng))
            return k;
        (void)rng_next_u64(&walk);
    }
    return -1;
}

/* NULL when the caller's generator `got` is where the contract's `epochs`
 * shuffles of n from `seed` (replayed here) leave it; otherwise why not,
 * written into text. */
static const char *diagnose_generator(const Rng *got, uint64_t seed, size_t n,
                                      size_t epochs, char *text, size_t size)
{
    Rng want;
    size_t order[16];
    rng_seed(&want, seed);
    fill_identity(order, n);
    for (size_t epoch = 0; epoch < epochs; epoch++)
        replay_shuffle(order, n, &want, SHUFFLE_CONTRACT);
    if (same_generator(got, &want))
        return NULL;
    int used = outputs_since_seed(got, seed, 1000);
    if (used < 0)
        snprintf(text, size, "the caller's generator ended in a state that "
                 "draws from seed %llu do not reach (none of the first "
                 "1000): it was reseeded or replaced. Shuffle with the "
                 "caller's rng itself, and never reseed it",
                 (unsigned long long)seed);
    else if ((size_t)used % (n - 1) == 0 && (size_t)used / (n - 1) != epochs)
        /* Whole shuffles, and a count that is not the epochs': one epoch
         * too few (a loop from 1) reads as well as a skipped shuffle. */
        snprintf(text, size, "the caller's generator made %d draws, %zu "
                 "shuffles' worth, but %zu epochs shuffle %zu times: either "
                 "%zu epochs were trained (a loop from 1, or a bound off by "
                 "one?) or shuffles were skipped or repeated; one "
                 "shuffle_indices(order, n, rng) at the start of each epoch, "
                 "n - 1 = %zu draws each, and no others",
                 used, (size_t)used / (n - 1), epochs, epochs,
                 (size_t)used / (n - 1), n - 1);
    else
        snprintf(text, size, "the caller's generator made %d draws, but %zu "
                 "epochs make %d: one shuffle_indices(order, n, rng) at the "
                 "start of each epoch, n - 1 = %zu draws each, and no others",
                 used, epochs, outputs_since_seed(&want, seed, 1000), n - 1);
    return text;
}

static double mse(const Examples *e, const double *w, double b)
{
    double s = 0.0;
    for (size_t i = 0; i < e->n; i++) {
        double r = b - e->y[i];
        for (size_t j = 0; j < e->d; j++)
            r += e->x[i * e->d + j] * w[j];
        s += r * r;
    }
    return s / (double)e->n;
}

/* Which replay a run with train_reshuffles_every_epoch's settings ended
 * at: sets *right for the contract's (or a fresh 0..n-1 every epoch), and
 * returns the mistake a wrong result matches, or NULL. */
static const char *match_plan(const double *w, double b, bool *right)
{
    static const char *const why[PLANS] = {
        [PLAN_ONCE] = "the order never changed after the first epoch: "
                      "reshuffle at the start of every epoch, not once "
                      "before training, and with the caller's generator "
                      "itself (a copy of it never advances, so every epoch "
                      "gets the same order)",
        [PLAN_NEVER] = "the examples were never shuffled: call "
                       "shuffle_indices at the start of every epoch",
        [PLAN_AFTER] = "the first epoch ran in the order 0, 1, ..., n-1: "
                       "shuffle at the start of each epoch, before its "
                       "batches",
        [PLAN_UNFILLED] = "the shuffles started from order as the caller "
                          "left it (5, 4, 3, 2, 1, 0): set order to 0, 1, "
                          "..., n-1 before the first epoch",
    };
    const char *mistake = NULL;
    *right = false;
    for (int p = 0; p < PLANS; p++) {
        double ww[2] = {0.0, 0.0}, wb = 0.0;
        replay_training(&SIX, 4, false, 0.05, 3, 99, (Plan)p, ww, &wb);
        bool match = ends_at(w, b, ww, wb);
        if (match && (p == PLAN_CONTRACT || p == PLAN_FRESH))
            *right = true;
        else if (match && !*right && !mistake)
            mistake = why[p];
    }
    return mistake;
}

START_TEST(train_reshuffles_every_epoch)
{
    /* Six examples in batches of 4 (a full batch and a partial one), so the
     * order changes the result. Three epochs from w = 0, b = 0, η = 0.05,
     * seed 99, replayed here from the contract; the classic mistakes are
     * replayed too, to name them. order[] holds 5, 4, ..., 0 beforehand,
     * and the generator must end 3 shuffles' draws, 3·(6 - 1) = 15, on. */
    const MinibatchConfig cfg = {.batch_size = 4, .lr = 0.05, .epochs = 3};
    double w[2] = {0.0, 0.0}, b = 0.0, grad_w[2], losses[5];
    size_t order[6];
    fill_reversed(order, 6);
    for (size_t k = 0; k < 5; k++)
        losses[k] = -1.0;
    Rng rng;
    rng_seed(&rng, 99);
    MinibatchStatus status = minibatch_train(&SIX, &cfg, &rng, order, grad_w, w,
                                         &b, losses);
    ck_assert_msg(status == MINIBATCH_ALL_EPOCHS,
                  "3 epochs with η = 0.05 on six examples are stable, but "
                  "minibatch_train returned MINIBATCH_DIVERGED");
    bool right;
    char text[320];
    const char *mistake = match_plan(w, b, &right);
    const char *drift = diagnose_generator(&rng, 99, 6, 3, text, sizeof text);
    if (!mistake)
        mistake = drift ? drift
                        : "if train-epoch fails too, fix it first; otherwise "
                          "compare with the contract: fill order with "
                          "0..n-1, then each epoch shuffle, then train_epoch";
    double want[2] = {0.0, 0.0}, want_b = 0.0;
    double batch_mean = replay_training(&SIX, 4, false, 0.05, 3, 99,
                                        PLAN_CONTRACT, want, &want_b);
    ck_assert_msg(right,
                  "3 epochs of batches of 4 with seed 99 should end at "
                  "w = (%.10g, %.10g), b = %.10g; got (%.10g, %.10g), %.10g: "
                  "%s", want[0], want[1], want_b, w[0], w[1], b, mistake);
    ck_assert_msg(!drift, "3 epochs of batches of 4 with seed 99 ended at "
                  "the right w and b, but %s", drift);
    double zero[2] = {0.0, 0.0};
    const char *batch_mean_kept =
        grading_near(losses[3], batch_mean, 1e-12)
            ? ": that is the mean of the last epoch's batch losses, each "
              "taken before its step (what Keras's History reports); the "
              "contract's is the loss over all n examples at the w and b "
              "the epoch ended at"
            : "";
    /* The Python habit, losses.append(loss) after each epoch: the last
     * epoch's loss lands in [2] and [3] stays unwritten. */
    ck_assert_msg(!(losses[3] == -1.0 &&
                    grading_near(losses[2], mse(&SIX, w, b), 1e-12)),
                  "epoch_losses[2] holds the loss after the last of 3 epochs "
                  "(%.10g) and epoch_losses[3] was never written: the losses "
                  "are one place early. epoch_losses[0] is the loss before "
                  "any training, and epoch_losses[e] the loss after epoch e: "
                  "epochs + 1 numbers", losses[2]);
    ck_assert_msg(grading_near(losses[0], mse(&SIX, zero, 0.0), 1e-12) &&
                      grading_near(losses[3], mse(&SIX, w, b), 1e-12),
                  "epoch_losses[0] should be the loss before training "
                  "(%.10g) and epoch_losses[3] the loss after the last "
                  "epoch (%.10g); got %.10g and %.10g%s",
                  mse(&SIX, zero, 0.0), mse(&SIX, w, b), losses[0], losses[3],
                  batch_mean_kept);
    ck_assert_msg(losses[4] == -1.0, "epoch_losses[4] was written: 3 epochs "
                  "record 4 losses");
    bool permutation = true;
    for (size_t k = 0; k < 6; k++)
        permutation &= order[0] == k || order[1] == k || order[2] == k ||
                       order[3] == k || order[4] == k || order[5] == k;
    ck_assert_msg(permutation, "after training, order[] should hold a "
                  "permutation of 0..5");
}
END_TEST

START_TEST(train_keeps_drop_last)
{
    /* The same six examples in batches of 4, now with drop_last: every
     * epoch takes only its first, full batch of 4 and leaves the other 2
     * out, so w and b differ from the run above. Replayed here from the
     * contract (seed 99, η = 0.05, 3 epochs); the same run with the partial
     * batch kept is replayed too, to name the mistake of not passing
     * cfg->drop_last on. */
    const MinibatchConfig cfg = {.batch_size = 4, .drop_last = true,
                                 .lr = 0.05, .epochs = 3};
    double w[2] = {0.0, 0.0}, b = 0.0, grad_w[2];
    size_t order[6];
    fill_reversed(order, 6);
    Rng rng;
    rng_seed(&rng, 99);
    MinibatchStatus status = minibatch_train(&SIX, &cfg, &rng, order, grad_w, w,
                                         &b, NULL);
    ck_assert_msg(status == MINIBATCH_ALL_EPOCHS,
                  "3 epochs with η = 0.05 on six examples are stable, but "
                  "minibatch_train returned MINIBATCH_DIVERGED");
    double want[2] = {0.0, 0.0}, want_b = 0.0, kept[2] = {0.0, 0.0},
           kept_b = 0.0;
    /* Reshuffling a fresh 0..n-1 is accepted too (the contract says so). */
    double fresh[2] = {0.0, 0.0}, fresh_b = 0.0;
    replay_training(&SIX, 4, true, 0.05, 3, 99, PLAN_CONTRACT, want, &want_b);
    replay_training(&SIX, 4, true, 0.05, 3, 99, PLAN_FRESH, fresh, &fresh_b);
    replay_training(&SIX, 4, false, 0.05, 3, 99, PLAN_CONTRACT, kept,
                    &kept_b);
    const char *why = "if the test without drop_last fails too, fix that "
                      "first";
    if (grading_near(w[0], kept[0], 1e-12) &&
        grading_near(w[1], kept[1], 1e-12) && grading_near(b, kept_b, 1e-12))
        why = "that is the run with the partial batch kept: cfg->drop_last "
              "was ignored; pass it on to train_epoch";
    bool as_contract = grading_near(w[0], want[0], 1e-12) &&
                       grading_near(w[1], want[1], 1e-12) &&
                       grading_near(b, want_b, 1e-12);
    bool as_fresh = grading_near(w[0], fresh[0], 1e-12) &&
                    grading_near(w[1], fresh[1], 1e-12) &&
                    grading_near(b, fresh_b, 1e-12);
    ck_assert_msg(as_contract || as_fresh,
                  "3 epochs of batches of 4 with drop_last and seed 99 "
                  "should end at w = (%.10g, %.10g), b = %.10g; got "
                  "(%.10g, %.10g), %.10g: %s", want[0], want[1], want_b,
                  w[0], w[1], b, why);
}
END_TEST

START_TEST(train_zero_epochs)
{
    /* No epoch: the loss at the start is recorded, nothing moves, nothing
     * is drawn from the generator, and order holds 0..n-1 (it held
     * 5, 4, ..., 0 before). */
    const MinibatchConfig cfg = {.batch_size = 2, .lr = 0.1, .epochs = 0};
    double w[2] = {0.5, -0.5}, b = 0.25, grad_w[2], loss = -1.0;
    size_t order[6] = {5, 4, 3, 2, 1, 0};
    Rng rng, untouched;
    rng_seed(&rng, 5);
    rng_seed(&untouched, 5);
    MinibatchStatus status = minibatch_train(&SIX, &cfg, &rng, order, grad_w, w,
                                         &b, &loss);
    ck_assert_msg(status == MINIBATCH_ALL_EPOCHS && w[0] == 0.5 && w[1] == -0.5 &&
                      b == 0.25,
                  "with epochs = 0, minibatch_train should change nothing "
                  "and return MINIBATCH_ALL_EPOCHS");
    ck_assert_msg(grading_near(loss, mse(&SIX, w, b), 1e-12),
                  "with epochs = 0, epoch_losses[0] should be the loss at "
                  "the start, %.10g; got %.10g", mse(&SIX, w, b), loss);
    ck_assert_msg(rng_next_u64(&rng) == rng_next_u64(&untouched),
                  "with epochs = 0 nothing should be shuffled, but the "
                  "generator was used");
    for (size_t k = 0; k < 6; k++)
        ck_assert_msg(order[k] == k, "order[%zu] = %zu: set order to 0..n-1 "
                      "before the first epoch", k, order[k]);
}
END_TEST

START_TEST(train_twice_from_the_same_seed)
{
    /* Two runs in a row that share the caller's order array, each from
     * w = 0, b = 0 with the generator seeded 99 and the settings of
     * train_reshuffles_every_epoch. Each run starts by setting order to
     * 0..n-1, so both end where the contract's replay does; a run that
     * reused the order the one before left would shuffle from elsewhere. */
    const MinibatchConfig cfg = {.batch_size = 4, .lr = 0.05, .epochs = 3};
    double want[2] = {0.0, 0.0}, want_b = 0.0, fresh[2] = {0.0, 0.0},
           fresh_b = 0.0;
    replay_training(&SIX, 4, false, 0.05, 3, 99, PLAN_CONTRACT, want, &want_b);
    replay_training(&SIX, 4, false, 0.05, 3, 99, PLAN_FRESH, fresh, &fresh_b);
    size_t order[6];
    fill_reversed(order, 6);
    for (int run = 1; run <= 2; run++) {
        double w[2] = {0.0, 0.0}, b = 0.0, grad_w[2];
        Rng rng;
        rng_seed(&rng, 99);
        minibatch_train(&SIX, &cfg, &rng, order, grad_w, w, &b, NULL);
        ck_assert_msg(ends_at(w, b, want, want_b) || ends_at(w, b, fresh, fresh_b),
                      "run %d of two in a row, each from w = 0, b = 0 with "
                      "seed 99 (3 epochs, batches of 4), should end at "
                      "w = (%.10g, %.10g), b = %.10g; got (%.10g, %.10g), "
                      "%.10g: %s", run, want[0], want[1], want_b, w[0], w[1],
                      b, run == 1
                             ? "if train_reshuffles_every_epoch fails too, "
                               "fix that first"
                             : "the first run ended right, but the second, "
                               "with the same seed and settings, did not: it "
                               "shuffled the order the first run left instead "
                               "of 0, 1, ..., n-1. Set order on every call "
                               "(not once, behind a static flag)");
    }
}
END_TEST

START_TEST(train_runs_every_epoch_on_an_exact_fit)
{
    /* y = 2x + 1 exactly on x = 1, 2, 3, from w = 2, b = 1: every residual
     * is 0, so every loss is exactly 0, every gradient 0, and nothing
     * moves. A loss that stops changing is no reason to stop: only a
     * non-finite one ends training early. So all 3 epochs run:
     * epoch_losses[0..3] are 0, epoch_losses[4] is untouched, the result
     * is MINIBATCH_ALL_EPOCHS, and the generator has made 3 shuffles'
     * draws, 3·(3 - 1) = 6 (replayed here). */
    static const double y[] = {3.0, 5.0, 7.0};
    const Examples line = {3, 1, TX, y};
    const MinibatchConfig cfg = {.batch_size = 2, .lr = 0.1, .epochs = 3};
    double w = 2.0, b = 1.0, grad_w, losses[5] = {-1.0, -1.0, -1.0, -1.0, -1.0};
    size_t order[3] = {2, 1, 0};
    Rng rng;
    rng_seed(&rng, 4);
    MinibatchStatus status = minibatch_train(&line, &cfg, &rng, order, &grad_w,
                                             &w, &b, losses);
    size_t written = 0;
    while (written < 5 && losses[written] != -1.0)
        written++;
    ck_assert_msg(written > 0, "on an exact fit, epoch_losses[0] should be "
                  "the loss before training, 0; it was not written");
    ck_assert_msg(written >= 4,
                  "on an exact fit (y = 2x + 1, from w = 2, b = 1) every "
                  "loss is 0, yet training stopped after epoch %zu of 3: "
                  "only a non-finite loss ends training early; a loss that "
                  "stops changing (here it stays 0) does not", written - 1);
    ck_assert_msg(status == MINIBATCH_ALL_EPOCHS && written == 4,
                  "on an exact fit all 3 epochs run: MINIBATCH_ALL_EPOCHS "
                  "and 4 losses; got %s and %zu losses",
                  status == MINIBATCH_ALL_EPOCHS ? "MINIBATCH_ALL_EPOCHS"
                                                 : "MINIBATCH_DIVERGED",
                  written);
    for (size_t k = 0; k < 4; k++)
        ck_assert_msg(losses[k] == 0.0, "on an exact fit every loss is 0, "
                      "but epoch_losses[%zu] = %g", k, losses[k]);
    ck_assert_msg(w == 2.0 && b == 1.0, "on an exact fit every gradient is "
                  "0 and nothing moves, but w = %.17g, b = %.17g", w, b);
    char text[320];
    const char *drift = diagnose_generator(&rng, 4, 3, 3, text, sizeof text);
    ck_assert_msg(!drift, "on an exact fit, 3 epochs with seed 4: %s", drift);
}
END_TEST

/* The reference example of the lesson, generated here: N = 1000, d = 5,
 * x ~ N(0, I), y = x·(2, -1, 0.5, 3, -2) + 0.7 + 0.1·N(0, 1). */
enum { REF_N = 1000, REF_D = 5 };
static double ref_x[REF_N * REF_D], ref_y[REF_N];

static Examples make_reference(uint64_t seed)
{
    const double w[REF_D] = {2.0, -1.0, 0.5, 3.0, -2.0};
    Rng rng;
    rng_seed(&rng, seed);
    for (size_t i = 0; i < REF_N; i++) {
        double y = 0.7;
        for (size_t j = 0; j < REF_D; j++) {
            ref_x[i * REF_D + j] = rng_normal(&rng);
            y += ref_x[i * REF_D + j] * w[j];
        }
        ref_y[i] = y + 0.1 * rng_normal(&rng);
    }
    return (Examples){REF_N, REF_D, ref_x, ref_y};
}

/* The least-squares (w, b), from the normal equations A θ = c with
 * A = Σ x̃ x̃ᵀ, c = Σ x̃ y, x̃ = (x, 1), solved by Gaussian elimination with
 * partial pivoting. θ has d + 1 entries, the bias last. */
static void solve_normal_equations(const Examples *e, double *theta)
{
    enum { P = REF_D + 1 };
    double a[P][P + 1] = {{0.0}};
    for (size_t i = 0; i < e->n; i++) {
        double xt[P];
        for (size_t j = 0; j < P; j++)
            xt[j] = j < e->d ? e->x[i * e->d + j] : 1.0;
        for (size_t r = 0; r < P; r++) {
            for (size_t c = 0; c < P; c++)
                a[r][c] += xt[r] * xt[c];
            a[r][P] += xt[r] * e->y[i];
        }
    }
    for (size_t col = 0; col < P; col++) {
        size_t pivot = col;
        for (size_t r = col + 1; r < P; r++)
            if (fabs(a[r][col]) > fabs(a[pivot][col]))
                pivot = r;
        for (size_t c = 0; c <= P; c++) {
            double t = a[col][c];
            a[col][c] = a[pivot][c];
            a[pivot][c] = t;
        }
        for (size_t r = col + 1; r < P; r++) {
            double f = a[r][col] / a[col][col];
            for (size_t c = col; c <= P; c++)
                a[r][c] -= f * a[col][c];
        }
    }
    for (size_t r = P; r-- > 0;) {
        double s = a[r][P];
        for (size_t c = r + 1; c < P; c++)
            s -= a[r][c] * theta[c];
        theta[r] = s / a[r][r];
    }
}

START_TEST(train_converges_to_least_squares)
{
    /* The lesson's reference run: batch 32, η = 0.05, 20 epochs. Minibatch
     * noise keeps the weights jittering around the least-squares answer by
     * a few thousandths (their spread is about sqrt(η·σ²/B), σ = 0.1), so
     * the tolerance is 0.02; and the truth (2, -1, 0.5, 3, -2), b = 0.7,
     * within 0.05. Then full-batch descent, 300 epochs of batch_size = N,
     * contracts the error by at least 1 - 2ηλ_min ≈ 0.91 per step, and
     * reaches the least-squares answer to 1e-8. */
    static size_t order[REF_N];
    const Examples e = make_reference(3);
    double theta[REF_D + 1];
    solve_normal_equations(&e, theta);
    const double truth[REF_D + 1] = {2.0, -1.0, 0.5, 3.0, -2.0, 0.7};
    double w[REF_D] = {0.0}, b = 0.0, grad_w[REF_D], losses[21];
    Rng rng;
    rng_seed(&rng, 11);
    MinibatchConfig cfg = {.batch_size = 32, .lr = 0.05, .epochs = 20};
    MinibatchStatus status = minibatch_train(&e, &cfg, &rng, order, grad_w, w, &b,
                                         losses);
    ck_assert_msg(status == MINIBATCH_ALL_EPOCHS, "the reference run is stable, "
                  "but minibatch_train returned MINIBATCH_DIVERGED");
    for (size_t j = 0; j <= REF_D; j++) {
        double got = j < REF_D ? w[j] : b;
        ck_assert_msg(fabs(got - theta[j]) < 0.02 && fabs(got - truth[j]) < 0.05,
                      "after the reference run (batch 32, η = 0.05, 20 "
                      "epochs) %s%zu is %.6f; least squares gives %.6f and "
                      "the data were made with %.2f", j < REF_D ? "w" : "b",
                      j < REF_D ? j + 1 : 0, got, theta[j], truth[j]);
    }
    ck_assert_msg(losses[20] < 0.02 && losses[20] < losses[0] / 100.0,
                  "the loss went from %.6g to %.6g in 20 epochs; it should "
                  "reach the noise floor, about 0.1² = 0.01", losses[0],
                  losses[20]);
    double fw[REF_D] = {0.0}, fb = 0.0;
    cfg = (MinibatchConfig){.batch_size = REF_N, .lr = 0.05, .epochs = 300};
    minibatch_train(&e, &cfg, &rng, order, grad_w, fw, &fb, NULL);
    for (size_t j = 0; j <= REF_D; j++) {
        double got = j < REF_D ? fw[j] : fb;
        ck_assert_msg(fabs(got - theta[j]) < 1e-8,
                      "300 epochs of full-batch descent (batch_size = N) "
                      "should reach the least-squares answer; %s%zu is %.12f, "
                      "expected %.12f", j < REF_D ? "w" : "b",
                      j < REF_D ? j + 1 : 0, got, theta[j]);
    }
}
END_TEST

START_TEST(train_stops_when_diverging)
{
    /* η = 1 with full batches on chapter 1's three points: the error grows
     * about 10-fold a step (|1 - 11.09|, chapter 1's largest curvature) and
     * the loss overflows to inf at epoch 153. The losses up to the first non-finite one are recorded,
     * and nothing after it. */
    enum { EPOCHS = 100000 };
    static double losses[EPOCHS + 1];
    for (size_t k = 0; k <= EPOCHS; k++)
        losses[k] = -1.0;
    const MinibatchConfig cfg = {.batch_size = 3, .lr = 1.0, .epochs = EPOCHS};
    double w = 0.5, b = 0.0, grad_w;
    size_t order[3];
    Rng rng;
    rng_seed(&rng, 1);
    MinibatchStatus status = minibatch_train(&THREE, &cfg, &rng, order, &grad_w,
                                         &w, &b, losses);
    size_t k = 0;
    while (k <= EPOCHS && losses[k] != -1.0 && isfinite(losses[k]))
        k++;
    ck_assert_msg(k > 0 && grading_near(losses[0], 37.0 / 6.0, TIGHT),
                  "epoch_losses[0] should be the loss at the start, 37/6; "
                  "got %g", losses[0]);
    ck_assert_msg(k < EPOCHS && losses[k] != -1.0,
                  "with η = 1 the loss overflows after about 150 epochs, "
                  "and epoch_losses should record it up to the first "
                  "non-finite value (found %zu finite values)", k);
    ck_assert_msg(status == MINIBATCH_DIVERGED,
                  "the loss became %g after epoch %zu but minibatch_train "
                  "did not return MINIBATCH_DIVERGED: check isfinite(loss) "
                  "after every epoch", losses[k], k);
    ck_assert_msg(losses[k + 1] == -1.0,
                  "training went on after the loss became non-finite after "
                  "epoch %zu: return MINIBATCH_DIVERGED right there", k);
}
END_TEST

START_TEST(train_stops_on_nan)
{
    /* A missing target read as nan: chapter 1's three points with y_1
     * unknown. The loss over all examples is nan from the start, and nan
     * is not finite (isinf(nan) is false, !isfinite(nan) true), so training
     * stops before the first epoch: MINIBATCH_DIVERGED, epoch_losses[0]
     * nan and nothing after it, w and b as they were, order 0, 1, 2, and
     * the generator unused (an epoch begins with its shuffle, after the
     * loss before it). */
    static const double y[] = {2.0, NAN, 5.0};
    const Examples gap = {3, 1, TX, y};
    const MinibatchConfig cfg = {.batch_size = 3, .lr = 0.1, .epochs = 5};
    double w = 0.5, b = 0.0, grad_w, losses[6];
    for (size_t k = 0; k < 6; k++)
        losses[k] = -1.0;
    size_t order[3] = {2, 1, 0};
    Rng rng, untouched;
    rng_seed(&rng, 1);
    rng_seed(&untouched, 1);
    MinibatchStatus status = minibatch_train(&gap, &cfg, &rng, order, &grad_w,
                                             &w, &b, losses);
    ck_assert_msg(isnan(losses[0]), "with a nan target the loss over all "
                  "examples is nan, but epoch_losses[0] is %g: record the "
                  "loss before the first epoch", losses[0]);
    ck_assert_msg(status == MINIBATCH_DIVERGED && losses[1] == -1.0 &&
                      w == 0.5 && b == 0.0,
                  "the loss before the first epoch was nan, yet training "
                  "went on (it returned %s, epoch_losses[1] = %g, w = %g, "
                  "b = %g): test !isfinite(loss), which is true for nan as "
                  "well as inf (isinf(nan) is false), and return "
                  "MINIBATCH_DIVERGED right there",
                  status == MINIBATCH_DIVERGED ? "MINIBATCH_DIVERGED"
                                               : "MINIBATCH_ALL_EPOCHS",
                  losses[1], w, b);
    ck_assert_msg(same_generator(&rng, &untouched), "the run stopped before "
                  "the first epoch, but the generator was used: record and "
                  "check the loss first, and shuffle only when an epoch "
                  "begins");
    for (size_t k = 0; k < 3; k++)
        ck_assert_msg(order[k] == k, "order[%zu] = %zu: set order to 0..n-1 "
                      "before anything else", k, order[k]);
}
END_TEST

START_TEST(train_checks_the_last_loss)
{
    /* The loss after the last epoch is checked too. One example, x = 2^500,
     * y = 0, from w = 2^-500, b = 0: the prediction is exactly 1, the loss
     * 1. One epoch of one batch at η = 1: ∂w = 2·1·2^500 = 2^501 and
     * ∂b = 2, so w = 2^-500 - 2^501 (which rounds to -2^501) and b = -2.
     * The prediction becomes -2^1001 - 2, still finite, and its square,
     * 2^2002, overflows: the loss after epoch 1, the last, is inf. */
    static const double x[] = {0x1p500}, y[] = {0.0};
    const Examples one = {1, 1, x, y};
    const MinibatchConfig cfg = {.batch_size = 1, .lr = 1.0, .epochs = 1};
    double w = 0x1p-500, b = 0.0, grad_w, losses[2] = {-1.0, -1.0};
    size_t order[1];
    Rng rng;
    rng_seed(&rng, 1);
    MinibatchStatus status = minibatch_train(&one, &cfg, &rng, order, &grad_w,
                                             &w, &b, losses);
    ck_assert_msg(losses[0] == 1.0 && losses[1] == INFINITY,
                  "one epoch from w = 2^-500 on x = 2^500, y = 0 at η = 1 "
                  "recorded losses %g and %g; expected 1 before the epoch "
                  "and inf after it (the prediction -2^1001 - 2, squared, "
                  "overflows)", losses[0], losses[1]);
    ck_assert_msg(status == MINIBATCH_DIVERGED,
                  "the loss after the last epoch is inf, but minibatch_train "
                  "returned MINIBATCH_ALL_EPOCHS: the loss after the final "
                  "epoch needs the isfinite check too (a loop that checks "
                  "only before each epoch never looks at it)");
    /* The same run with epoch_losses = NULL and 3 epochs: the loss is
     * computed and checked whether or not it is stored, so the run stops
     * after the first epoch, at w = -2^501 and b = -2 as above. A second
     * epoch would meet a residual of -2^1001 - 2, a gradient 2^1502 that
     * overflows, and leave w infinite. */
    const MinibatchConfig three = {.batch_size = 1, .lr = 1.0, .epochs = 3};
    w = 0x1p-500, b = 0.0;
    rng_seed(&rng, 1);
    status = minibatch_train(&one, &three, &rng, order, &grad_w, &w, &b, NULL);
    ck_assert_msg(status == MINIBATCH_DIVERGED && w == -0x1p501 && b == -2.0,
                  "with epoch_losses = NULL, the same run for 3 epochs "
                  "should stop after the first, whose loss is inf, and "
                  "return MINIBATCH_DIVERGED with w = -2^501, b = -2; got "
                  "%s, w = %g, b = %g: the loss is checked whether or not "
                  "it is recorded, so compute it even when epoch_losses is "
                  "NULL", status == MINIBATCH_DIVERGED ? "MINIBATCH_DIVERGED"
                                                       : "MINIBATCH_ALL_EPOCHS",
                  w, b);
}
END_TEST

static void add_train_tests(TCase *tc)
{
    tcase_add_test(tc, train_reshuffles_every_epoch);
    tcase_add_test(tc, train_keeps_drop_last);
    tcase_add_test(tc, train_zero_epochs);
    tcase_add_test(tc, train_twice_from_the_same_seed);
    tcase_add_test(tc, train_runs_every_epoch_on_an_exact_fit);
    tcase_add_test(tc, train_converges_to_least_squares);
    tcase_add_test(tc, train_stops_when_diverging);
    tcase_add_test(tc, train_stops_on_nan);
    tcase_add_test(tc, train_checks_the_last_loss);
}

/* ============================================================ chapter */

static const Exercise exercises[] = {
    {"shuffle-indices", "shuffle_indices()", 4, "Shuffling every epoch",
     "Fisher–Yates, from the back: each position, from the last down to "
     "the second, trades places with one drawn uniformly from the "
     "positions not yet fixed, itself included. The lesson's section "
     "shows why drawing from all n is biased.",
     add_shuffle_tests},
    {"batch-iterator", "batch_iterator_next()", 3, "The batch iterator",
     "Think of the iterator as a cursor: each call hands out the next "
     "run of positions and moves past it. The last batch may be short, "
     "unless drop_last says a short batch is not a batch.",
     add_iterator_tests},
    {"minibatch-grad", "minibatch_mse_grad()", 4,
     "Minibatches: an unbiased estimate",
     "Chapter 1's gradient with the mean taken over the batch: its "
     "examples are the rows listed in rows[], and it divides by the "
     "batch's own size, for all d weights at once.",
     add_minibatch_grad_tests},
    {"train-epoch", "train_epoch()", 4, "One epoch",
     "One pass of the batch iterator: each batch's rows are a slice of "
     "order, and each batch moves w and b once, by its own gradient.",
     add_epoch_tests},
    {"minibatch-train", "minibatch_train()", 5, "Training for many epochs",
     "Start from the order 0, 1, ..., n - 1. Before each epoch, record "
     "the loss over all the data (stopping on a non-finite one, or when "
     "the epochs are done); then shuffle and run the epoch.",
     add_train_tests},
};

int main(int argc, char **argv)
{
    Chapter chapter = {"03-minibatch",
                       "Full-batch, stochastic and minibatch descent",
                       exercises, sizeof exercises / sizeof *exercises};
    return grading_main(&chapter, argc, argv);
}
