/*
 * 10-data-parallel.c: Chapter 10, data-parallel training on OpenMPI:
 * chapter 8's network on Fashion-MNIST, every global batch cut into
 * shards over P processes (ranks), their gradients combined by an
 * all-reduce, and the same optimizer step taken on every rank.
 *
 * Every rank holds the whole network and runs the same steps. Of each
 * global batch of --batch-size examples, cut into micro-batches of
 * --micro-batch, rank r takes the shard_of() micro-batches that chapter
 * 10's exercise gives it, computes their gradient with lib/mlp.c
 * (mlp_loss_grad: a mean), and the ranks combine the gradients by
 * --allreduce:
 *   fixed  every micro-batch's mean gradient is gathered on every rank
 *          (MPI_Allgatherv) and combine_shard_means() adds them in one
 *          fixed order: the same bits for any P
 *   ring   each rank weights its shard's mean (shard_weight()) and a ring
 *          all-reduce written here adds the weighted means: reduce-scatter
 *          then all-gather over MPI_Sendrecv, with the exercise's chunks
 *   tree   the same weighted means summed up a binomial tree into rank 0
 *          and sent back down it (MPI_Send, MPI_Recv), with the
 *          exercise's roles
 *   mpi    the same weighted means added by MPI_Allreduce
 * The loss rides along as the vector's last number, so the logged loss is
 * the global batch's mean loss, reduced exactly as the gradient is.
 * Then chapter 4's optimizer steps on every rank, at chapter 7's rate
 * (lib/schedule.h: --schedule, constant by default).
 *
 * --task allreduce-timing times the ring, the tree or MPI_Allreduce alone
 * on vectors from --min-bytes to --max-bytes (make bench's rows, and the
 * alpha-beta model's data); --times FILE writes how long each rank spent
 * computing, communicating and stepping (the scaling measurements).
 * --task ring-schedule writes which chunk each rank sends and receives at
 * each step of the ring on --ranks P, from the exercise's ring functions
 * alone, without MPI (the lesson's figure of the ring).
 *
 * Build and run (make builds it):
 *   make build/bin/10-data-parallel
 *   mpirun -np 3 build/bin/10-data-parallel --allreduce ring
 *   build/bin/10-data-parallel --np 3      (starts mpirun itself)
 *   build/bin/10-data-parallel             (P = 1, no mpirun needed)
 *   build/bin/10-data-parallel --help
 */
#define _POSIX_C_SOURCE 200809L /* dup, nanosleep */

#include <mpi.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "10-data-parallel.h"
#include "cli.h"
#include "epochs.h"
#include "fashion_mnist.h"
#include "hash.h"
#include "mlp.h"
#include "mpirun.h"
#include "optimizer.h"
#include "output.h"
#include "rng.h"
#include "schedule.h"
#include "timing.h"
#include "vec.h"

/* "10-data-parallel": set by the build, from this file's name. */
static const char program[] = PROGRAM_NAME;

/* The most rows a training run writes: --steps 1e6 logged every step, and
 * so the most a --reference file may hold. */
enum { MAX_REFERENCE = 1000000 };

typedef struct {
    const char *task, *data_dir, *allreduce, *fault, *reference, *comm,
        *times, *test, *out;
    DoubleList hidden;
    size_t batch_size, micro_batch, steps, log_every, check_every, np,
        fault_rank, fault_step, min_bytes, max_bytes, repeats, ranks;
    OptimizerFlags optimizer;
    ScheduleFlags schedule;
    uint64_t seed;
} Settings;

/* A reference run's losses (--reference), read before MPI starts. */
typedef struct {
    size_t rows, step[MAX_REFERENCE];
    double loss[MAX_REFERENCE];
} Reference;

/* ============================================================ the ranks */

typedef struct {
    int rank, size;
    size_t bytes_sent; /* by this rank's all-reduce calls, in total */
    double compute_seconds, comm_seconds, update_seconds; /* --times */
} World;

/* An MPI call that failed (MPI_ERRORS_RETURN hands its code back instead
 * of aborting): say which, on which rank and step, and stop the whole job
 * (MPI_Abort ends every rank: none is left waiting). */
static void mpi_check(int code, const World *w, const char *call, size_t step)
{
    if (code == MPI_SUCCESS)
        return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(code, text, &length);
    fprintf(stderr, "%s: rank %d: %s failed at step %zu: %s\n", program,
            w->rank, call, step, text);
    MPI_Abort(MPI_COMM_WORLD, 1);
}

/* The first rank at which `bad` is true, on every rank (size if none): a
 * collective, so that every rank stops at the same step, never one
 * waiting for another. */
static int first_bad_rank(bool bad, World *w, size_t step)
{
    int mine = bad ? w->rank : w->size, first;
    mpi_check(MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD),
              w, "MPI_Allreduce", step);
    return first;
}

//> ring-allreduce
/* The ring all-reduce of v[0..n-1] over the ranks, in place: P - 1 steps
 * of reduce-scatter (each rank sends a chunk to its right neighbour and
 * adds the one its left neighbour sends), then P - 1 of all-gather (each
 * rank passes on a finished chunk). Chunk c is shard_of(n, P, c). Each
 * rank sends 2(P - 1) chunks, about 2(P - 1)/P · n numbers, whatever P. */
static void ring_allreduce(double *v, size_t n, double *incoming, World *w,
                           size_t step)
{
    size_t ranks = (size_t)w->size, rank = (size_t)w->rank;
    int right = (w->rank + 1) % w->size, left = (w->rank + w->size - 1) % w->size;
    for (int phase = 0; phase < 2; phase++)
        for (size_t s = 0; s + 1 < ranks; s++) {
            Shard out = shard_of(n, ranks, phase ? ring_gather_send(rank, ranks, s)
                                                 : ring_reduce_send(rank, ranks, s));
            Shard in = shard_of(n, ranks, phase ? ring_gather_recv(rank, ranks, s)
                                                : ring_reduce_recv(rank, ranks, s));
            mpi_check(MPI_Sendrecv(v + out.first, (int)out.count, MPI_DOUBLE,
                                   right, 0, incoming, (int)in.count,
                                   MPI_DOUBLE, left, 0, MPI_COMM_WORLD,
                                   MPI_STATUS_IGNORE),
                      w, "MPI_Sendrecv", step);
            w->bytes_sent += out.count * sizeof(double);
            for (size_t i = 0; i < in.count; i++)
                v[in.first + i] = phase ? incoming[i] : v[in.first + i] + incoming[i];
        }
}
//< ring-allreduce

//> tree-allreduce
/* The binomial-tree all-reduce of v[0..n-1], in place: ⌈log2 P⌉ steps of
 * reduce (at step s, the ranks 2^s apart pair up and one adds the other's
 * whole vector: the sum gathers at rank 0), then the same steps backwards
 * with the roles swapped (the broadcast: the sum goes back down the tree).
 * Each rank but 0 sends n numbers up once; each sends n numbers down to
 * each of its children. */
static void tree_allreduce(double *v, size_t n, double *incoming, World *w,
                           size_t step)
{
    size_t ranks = (size_t)w->size, rank = (size_t)w->rank;
    size_t steps = tree_steps(ranks), partner;
    for (size_t k = 0; k < 2 * steps; k++) {
        bool down = k >= steps; /* the broadcast: the reduce's steps reversed */
        TreeRole role = tree_reduce_step(rank, ranks,
                                         down ? 2 * steps - 1 - k : k, &partner);
        if (role == TREE_IDLE)
            continue;
        if ((role == TREE_SEND) != down) { /* up a sender, down a receiver */
            mpi_check(MPI_Send(v, (int)n, MPI_DOUBLE, (int)partner, 1,
                               MPI_COMM_WORLD), w, "MPI_Send", step);
            w->bytes_sent += n * sizeof(double);
            continue;
        }
        mpi_check(MPI_Recv(down ? v : incoming, (int)n, MPI_DOUBLE,
                           (int)partner, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
                  w, "MPI_Recv", step);
        for (size_t i = 0; !down && i < n; i++) /* up: add; down: a copy */
            v[i] += incoming[i];
    }
}
//< tree-allreduce

/* sum[0..n-1] = v summed over the ranks, by --allreduce ring, tree or mpi
 * (incoming: n numbers of room for the tree, n/P + 1 for the ring). */
static void allreduce_sum(const char *how, const double *v, double *sum,
                          size_t n, double *incoming, World *w, size_t step)
{
    if (strcmp(how, "mpi") == 0) {
        mpi_check(MPI_Allreduce(v, sum, (int)n, MPI_DOUBLE, MPI_SUM,
                                MPI_COMM_WORLD), w, "MPI_Allreduce", step);
        return;
    }
    memcpy(sum, v, n * sizeof *sum);
    if (strcmp(how, "ring") == 0)
        ring_allreduce(sum, n, incoming, w, step);
    else
        tree_allreduce(sum, n, incoming, w, step);
}

/* ============================================================= the data
 * Fashion-MNIST's 60,000 training images, each pixel p as p/255. Rank 0
 * reads them and sends them to every rank (a real job would have each
 * rank read only its shards; the dataset is small), and every rank draws
 * the same shuffles from --seed, so the global batches are the same on
 * every rank and for every P. */

typedef struct {
    FashionMnist train, test; /* test: rank 0's, with --test only */
    size_t *order;
    double pixel[256]; /* what each pixel value becomes: p/255 */
} Data;

/* MPI_Bcast from rank 0, the others waiting asleep between looks (a tenth
 * of a millisecond at a time): MPI_Bcast would spin, and spinning ranks
 * take the cores that rank 0, decompressing, needs. */
static void bcast_asleep(void *buffer, int count, MPI_Datatype type, World *w)
{
    MPI_Request request;
    int arrived = 0;
    mpi_check(MPI_Ibcast(buffer, count, type, 0, MPI_COMM_WORLD, &request), w,
              "MPI_Ibcast", 0);
    while (!arrived) {
        mpi_check(MPI_Test(&request, &arrived, MPI_STATUS_IGNORE), w,
                  "MPI_Test", 0);
        if (!arrived)
            nanosleep(&(struct timespec){0, 100000}, NULL);
    }
}

/* Rank 0 decompresses the training images once and MPI_Bcast hands them
 * to the other ranks (47 MB through shared memory takes milliseconds;
 * decompressing takes a third of a second, which P ranks would each pay).
 * With --test, rank 0 also reads the test images. Returns the exit status,
 * the same on every rank; rank 0 says what went wrong. */
static int data_load(Data *d, const Settings *s, World *w)
{
    /* n, or 0 and rank 0's exit status: memory that ran out is a failed
     * run, anything else in the files bad input. */
    unsigned long long n = 0;
    int failed = EXIT_BAD_INPUT;
    FashionMnistError err;
    for (int p = 0; p < 256; p++)
        d->pixel[p] = p / 255.0;
    if (w->rank == 0) {
        if (fashion_mnist_load(s->data_dir, "train", &d->train, &err) &&
            (!s->test || fashion_mnist_load(s->data_dir, "t10k", &d->test,
                                            &err))) {
            n = d->train.n;
        } else {
            fashion_mnist_print_error(stderr, PROGRAM_NAME ": --data-dir: ",
                                      &err);
            if (fashion_mnist_out_of_memory(&err))
                failed = EXIT_FAILURE;
        }
    }
    bcast_asleep(&n, 1, MPI_UNSIGNED_LONG_LONG, w);
    if (n == 0) {
        bcast_asleep(&failed, 1, MPI_INT, w);
        return failed;
    }
    if (w->rank != 0) {
        d->train = (FashionMnist){.n = n, .rows = FASHION_MNIST_ROWS,
                                  .cols = FASHION_MNIST_COLS};
        d->train.pixels = malloc(n * FASHION_MNIST_PIXELS);
        d->train.labels = malloc(n);
    }
    d->order = malloc(n * sizeof *d->order);
    bool ready = d->train.pixels && d->train.labels && d->order;
    int bad = first_bad_rank(!ready, w, 0);
    if (bad < w->size) {
        if (w->rank == 0)
            fprintf(stderr, "%s: rank %d: out of memory for the %llu training "
                    "images\n", program, bad, n);
        return EXIT_FAILURE;
    }
    bcast_asleep(d->train.pixels, (int)(n * FASHION_MNIST_PIXELS), MPI_UINT8_T, w);
    bcast_asleep(d->train.labels, (int)n, MPI_UINT8_T, w);
    for (size_t i = 0; i < n; i++)
        d->order[i] = i;
    if (s->batch_size > n) { /* as chapter 8 refuses it */
        if (w->rank == 0)
            fprintf(stderr, "%s: --batch-size '%zu': above the %llu training "
                    "images in --data-dir (see --help)\n", program,
                    s->batch_size, n);
        return EXIT_BAD_INPUT;
    }
    return EXIT_SUCCESS;
}

static void data_free(Data *d)
{
    fashion_mnist_free(&d->train);
    fashion_mnist_free(&d->test);
    free(d->order);
}

/* ========================================================== a training run */

typedef struct {
    Mlp net;
    MlpBuffers buf;
    double *theta, *x;
    uint8_t *labels;
    double *send;     /* this rank's contribution: params + 1 numbers per
                         micro-batch (fixed) or in all (ring, mpi) */
    double *gathered; /* fixed: every micro-batch's, from every rank */
    double *sum;      /* the reduced vector: the mean gradient, then loss */
    double *incoming; /* ring: a chunk from the left neighbour */
    int *counts, *displs;
    const double **means;
    size_t *sizes;
} Work;

/* True when --fault `kind` strikes this rank at this step. */
static bool fault_strikes(const Settings *s, const World *w, const char *kind,
                          size_t step)
{
    return strcmp(s->fault, kind) == 0 && step == s->fault_step &&
           (int)s->fault_rank == w->rank;
}

/* Rank 0's word on why every rank stops: "rank R: WHAT STEP; ...". */
static int stop_every_rank(const World *w, int culprit, const char *what,
                           size_t step)
{
    if (w->rank == 0)
        fprintf(stderr, "%s: rank %d: %s %zu; every rank stops\n", program,
                culprit, what, step);
    return EXIT_FAILURE;
}

//> data-parallel-step
/* This rank's share of one step: the gradient of its micro-batches of the
 * global batch rows[0..batch-1], combined over all ranks into w->sum
 * (the batch's mean gradient, then its mean loss). False, on every rank,
 * when some rank's numbers stopped being finite (*bad_rank says which). */
static bool reduce_step(Work *k, const Data *d, const Settings *s,
                        const size_t *rows, World *w, size_t step,
                        int *bad_rank)
{
    size_t n = k->net.params + 1, m = s->micro_batch;
    size_t units = s->batch_size / m, ranks = (size_t)w->size;
    Shard mine = shard_of(units, ranks, (size_t)w->rank);
    bool fixed = strcmp(s->allreduce, "fixed") == 0;
    size_t vectors = fixed ? mine.count : 1;
    double start = timing_now();
    for (size_t j = 0; j < vectors; j++) {
        size_t first = (mine.first + j) * m;
        size_t count = fixed ? m : mine.count * m; /* examples */
        double *v = k->send + j * n;
        if (count == 0) { /* more ranks than micro-batches */
            memset(v, 0, n * sizeof *v);
            continue;
        }
        fashion_mnist_gather(&d->train, rows + first, count, d->pixel, k->x,
                             k->labels);
        v[n - 1] = mlp_loss_grad(&k->net, &k->buf, k->theta, k->x, k->labels,
                                 count, v);
        if (!fixed) { /* weight the shard's mean by its share */
            double weight = shard_weight(units, ranks, (size_t)w->rank);
            for (size_t i = 0; i < n; i++)
                v[i] = weight * v[i];
        }
    }
    if (fault_strikes(s, w, "nan", step))
        k->send[0] = NAN;
    double computed = timing_now();
    w->compute_seconds += computed - start;
    *bad_rank = first_bad_rank(!vec_all_finite(k->send, vectors * n), w, step);
    if (*bad_rank < w->size)
        return false;
    if (fixed) {
        for (size_t r = 0; r < ranks; r++) {
            Shard theirs = shard_of(units, ranks, r);
            k->counts[r] = (int)(theirs.count * n);
            k->displs[r] = (int)(theirs.first * n);
        }
        mpi_check(MPI_Allgatherv(k->send, k->counts[w->rank], MPI_DOUBLE,
                                 k->gathered, k->counts, k->displs, MPI_DOUBLE,
                                 MPI_COMM_WORLD), w, "MPI_Allgatherv", step);
        w->bytes_sent += mine.count * n * sizeof(double) * (ranks - 1);
        for (size_t u = 0; u < units; u++) {
            k->means[u] = k->gathered + u * n;
            k->sizes[u] = m;
        }
        combine_shard_means(k->means, k->sizes, units, n, k->sum);
    } else {
        allreduce_sum(s->allreduce, k->send, k->sum, n, k->incoming, w, step);
    }
    w->comm_seconds += timing_now() - computed;
    return true;
}
//< data-parallel-step

/* 784 inputs, the --hidden widths with ReLU after each, 10 classes. */
static bool network_shape(Mlp *net, const Settings *s)
{
    return mlp_shape_classifier(net, FASHION_MNIST_PIXELS, s->hidden.values,
                                s->hidden.count, FASHION_MNIST_CLASSES,
                                ACTIVATION_RELU);
}

static bool work_alloc(Work *k, const Settings *s, size_t ranks)
{
    *k = (Work){0};
    if (!network_shape(&k->net, s))
        return false;
    size_t n = k->net.params + 1, units = s->batch_size / s->micro_batch;
    k->theta = malloc(k->net.params * sizeof(double));
    k->x = malloc(s->batch_size * FASHION_MNIST_PIXELS * sizeof(double));
    k->labels = malloc(s->batch_size);
    k->send = malloc(units * n * sizeof(double));
    k->gathered = malloc(units * n * sizeof(double));
    k->sum = malloc(n * sizeof(double));
    k->incoming = malloc(n * sizeof(double)); /* the tree's: all of it */
    k->counts = malloc(ranks * sizeof(int));
    k->displs = malloc(ranks * sizeof(int));
    k->means = malloc(units * sizeof *k->means);
    k->sizes = malloc(units * sizeof *k->sizes);
    return k->theta && k->x && k->labels && k->send && k->gathered &&
           k->sum && k->incoming && k->counts && k->displs && k->means &&
           k->sizes && mlp_buffers_alloc(&k->buf, &k->net, s->batch_size);
}

static void work_free(Work *k)
{
    mlp_buffers_free(&k->buf);
    free(k->theta), free(k->x), free(k->labels), free(k->send);
    free(k->gathered), free(k->sum), free(k->incoming), free(k->counts);
    free(k->displs), free(k->means), free(k->sizes);
}

/* Rank 0's row: step,loss and, against --reference, its loss, the
 * relative drift and the largest drift so far. */
static void log_row(FILE *out, const Settings *s, const Reference *ref,
                    size_t step, double loss, double *max_drift)
{
    if (!s->reference) {
        output_row(out, step, (const double[]){loss}, 1);
        return;
    }
    double r = NAN;
    for (size_t i = 0; i < ref->rows; i++)
        if (ref->step[i] == step)
            r = ref->loss[i];
    double drift = fabs(loss - r) / fabs(r);
    *max_drift = drift > *max_drift || isnan(drift) ? drift : *max_drift;
    output_row(out, step, (const double[]){loss, r, drift, *max_drift}, 4);
}

/* --test FILE: images,loss,accuracy of the trained network on the 10,000
 * test images (rank 0's; every rank holds the same parameters), a
 * --batch-size of them at a time. */
static void test_report(Work *k, const Data *d, FILE *out)
{
    const FashionMnist *t = &d->test;
    enum { CHUNK_MAX = 4096 };
    size_t correct = 0, rows[CHUNK_MAX];
    size_t chunk = k->buf.capacity < CHUNK_MAX ? k->buf.capacity : CHUNK_MAX;
    double loss = 0.0;
    for (size_t first = 0; first < t->n; first += chunk) {
        size_t count = t->n - first < chunk ? t->n - first : chunk;
        for (size_t i = 0; i < count; i++)
            rows[i] = first + i;
        fashion_mnist_gather(t, rows, count, d->pixel, k->x, k->labels);
        const double *logits = mlp_forward(&k->net, &k->buf, k->theta, k->x,
                                           count);
        loss += softmax_cross_entropy(logits, k->labels, count,
                                      FASHION_MNIST_CLASSES, NULL) *
                (double)count;
        correct += mlp_correct(logits, k->labels, count, FASHION_MNIST_CLASSES);
    }
    fputs("images,loss,accuracy\n", out);
    output_numbers(out, (const double[]){(double)t->n, loss / (double)t->n,
                                         (double)correct / (double)t->n}, 3);
}

/* The training run, on every rank; rank 0 writes the rows to `out` (and
 * the test set's verdict to `test`, with --test).
 * Returns the exit status, the same on every rank. */
static int train(Cli *cli, const Settings *s, const Reference *ref,
                 const Data *d, World *w, FILE *out, FILE *test,
                 size_t *steps_done, size_t *vector_length)
{
    Work k;
    ScheduledOptimizer so;
    OptimizerConfig ocfg = optimizer_flags_config(cli, &s->optimizer);
    ScheduleConfig scfg = schedule_flags_config(cli, &s->schedule, s->steps,
                                                optimizer_lr(&ocfg));
    bool ready = work_alloc(&k, s, (size_t)w->size) &&
                 scheduled_optimizer_init(&so, &ocfg, &scfg, k.net.params);
    if (first_bad_rank(!ready, w, 0) < w->size) {
        if (w->rank == 0)
            fprintf(stderr, "%s: out of memory for the network\n", program);
        work_free(&k);
        return EXIT_FAILURE;
    }
    *vector_length = k.net.params + 1;
    Rng rng;
    rng_seed(&rng, s->seed);
    mlp_init(&k.net, k.theta, INIT_HE, 1.0, &rng);
    Epochs epochs; /* chapter 3's: every rank draws the same global batch */
    epochs_init(&epochs, d->order, d->train.n, s->batch_size, true, s->seed);
    epochs_start(&epochs);
    if (w->rank == 0)
        fputs(s->reference ? "step,loss,reference_loss,drift,max_drift\n"
                           : "step,loss\n", out);
    int status = EXIT_SUCCESS;
    double max_drift = 0.0;
    size_t step = 0;
    for (; step < s->steps; step++) {
        const size_t *rows;
        size_t count; /* s->batch_size: the partial last batch is dropped */
        epochs_next_step(&epochs, &rows, &count);
        if (fault_strikes(s, w, "exit", step)) {
            fprintf(stderr, "%s: rank %d: dying at step %zu (--fault exit)\n",
                    program, w->rank, step);
            _exit(EXIT_FAILURE);
        }
        int bad;
        if (!reduce_step(&k, d, s, rows, w, step, &bad)) {
            status = stop_every_rank(w, bad, "the loss or gradient stopped "
                                     "being finite at step", step);
            break;
        }
        if (w->rank == 0 && (step % s->log_every == 0 || step + 1 == s->steps))
            log_row(out, s, ref, step, k.sum[k.net.params], &max_drift);
        double stepping = timing_now();
        so.loss = k.sum[k.net.params];
        scheduled_optimizer_step(k.theta, k.sum, k.net.params, &so);
        if (fault_strikes(s, w, "diverge", step))
            k.theta[0] += 1e-9; /* a rank that stepped differently */
        if ((step + 1) % s->check_every == 0 || step + 1 == s->steps) {
            /* Equal parameters, equal hashes: one number to compare. */
            uint64_t h = hash_fnv1a(HASH_FNV1A_START, k.theta,
                                    k.net.params * sizeof *k.theta), h0 = h;
            mpi_check(MPI_Bcast(&h0, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), w,
                      "MPI_Bcast", step);
            int differs = first_bad_rank(h != h0, w, step);
            if (differs < w->size) {
                status = stop_every_rank(w, differs, "its parameters differ "
                                         "from rank 0's after step", step);
                break;
            }
        }
        w->update_seconds += timing_now() - stepping;
    }
    *steps_done = step;
    if (status == EXIT_SUCCESS && w->rank == 0 && s->test)
        test_report(&k, d, test);
    scheduled_optimizer_free(&so);
    work_free(&k);
    return status;
}

/* The tree's bytes per all-reduce of n doubles for rank r of P, in closed
 * form: n·8 up to its parent (every rank but 0), and n·8 down to each
 * child, rank r + 2^j for every j below r's lowest set bit (every j, for
 * rank 0) with r + 2^j < P. They add up to 2(P - 1)·n·8 over the ranks. */
static double tree_bytes(size_t r, size_t p, size_t n)
{
    size_t messages = r > 0;
    for (size_t d = 1; d < p && (r == 0 || r % (2 * d) == 0); d *= 2)
        messages += r + d < p;
    return (double)(messages * n * 8);
}

/* One number per rank, gathered on rank 0 (`all`, which it allocates;
 * NULL elsewhere, and when out of memory). */
static double *gather_numbers(double mine, World *w, size_t step)
{
    double *all = malloc((size_t)w->size * sizeof *all);
    bool ok = all != NULL;
    if (!ok)
        fprintf(stderr, "%s: rank %d: out of memory for a gather\n", program,
                w->rank);
    if (first_bad_rank(!ok, w, step) < w->size) {
        free(all);
        return NULL;
    }
    mpi_check(MPI_Gather(&mine, 1, MPI_DOUBLE, all, 1, MPI_DOUBLE, 0,
                         MPI_COMM_WORLD), w, "MPI_Gather", step);
    if (w->rank != 0)
        free(all), all = NULL;
    return all;
}

/* --comm FILE: rank,steps,vector_length,bytes_sent,bytes_per_step,
 * ring_bytes_per_step (2(P - 1)/P · n · 8, the ring's count),
 * tree_bytes_per_step (tree_bytes()), a row per rank, written by rank 0
 * into `out`, which it opens and the caller commits with the run's other
 * files (or discards); bytes are nan for --allreduce mpi. */
static bool write_comm(const Settings *s, World *w, size_t steps, size_t n,
                       Output *out)
{
    /* MPI_Allreduce's own traffic is the library's secret: nan. */
    double mine = strcmp(s->allreduce, "mpi") == 0 ? NAN : (double)w->bytes_sent;
    double *all = gather_numbers(mine, w, steps);
    if (w->rank != 0)
        return true;
    bool ok = all && output_open(out, program, "--comm", s->comm);
    if (ok) {
        fputs("rank,steps,vector_length,bytes_sent,bytes_per_step,"
              "ring_bytes_per_step,tree_bytes_per_step\n", out->file);
        double p = w->size;
        for (int r = 0; r < w->size; r++)
            output_row(out->file, (size_t)r,
                       (const double[]){(double)steps, (double)n, all[r],
                                        all[r] / (double)steps,
                                        2.0 * (p - 1) / p * (double)n * 8,
                                        tree_bytes((size_t)r, (size_t)w->size,
                                                   n)},
                       6);
    }
    free(all);
    return ok;
}

/* --times FILE: rank,steps,compute_seconds,comm_seconds,update_seconds
 * (each per step: the local gradient; the finiteness check and the
 * all-reduce, waiting for the slowest rank included; the optimizer's step
 * and the parameter check), a row per rank, written by rank 0 into `out`,
 * as write_comm does. */
static bool write_times(const Settings *s, World *w, size_t steps, Output *out)
{
    double *c = gather_numbers(w->compute_seconds, w, steps);
    double *m = gather_numbers(w->comm_seconds, w, steps);
    double *u = gather_numbers(w->update_seconds, w, steps);
    bool ok = true;
    if (w->rank == 0) {
        ok = c && m && u && output_open(out, program, "--times", s->times);
        if (ok) {
            fputs("rank,steps,compute_seconds,comm_seconds,update_seconds\n",
                  out->file);
            for (int r = 0; r < w->size; r++)
                output_row(out->file, (size_t)r,
                           (const double[]){(double)steps, c[r] / (double)steps,
                                            m[r] / (double)steps,
                                            u[r] / (double)steps}, 4);
        }
    }
    free(c), free(m), free(u);
    return ok;
}

/* ============================================== --task allreduce-timing */

/* allreduce,ranks,bytes,iterations,seconds,seconds_min,seconds_max,
 * messages,wire_bytes,bytes_sent: for each vector of --min-bytes,
 * doubling up to --max-bytes, --repeats timings of `iterations`
 * all-reduces (enough to take a few milliseconds); a timing is the
 * slowest rank's time per all-reduce, seconds the median of them. The
 * α–β model's counts along the critical path: messages, one after
 * another (ring 2(P - 1), tree 2⌈log2 P⌉), and wire_bytes, the bytes
 * they carry (ring 2(P - 1) chunks of n/P numbers, tree 2⌈log2 P⌉ whole
 * vectors); bytes_sent is rank 0's count. MPI_Allreduce's are nan. */
static int timing_task(const Settings *s, World *w, FILE *out)
{
    size_t most = s->max_bytes / sizeof(double), ranks = (size_t)w->size;
    double *v = malloc(most * sizeof *v), *sum = malloc(most * sizeof *sum);
    double *incoming = malloc(most * sizeof *incoming);
    double *seconds = malloc(s->repeats * sizeof *seconds);
    bool ready = v && sum && incoming && seconds;
    if (first_bad_rank(!ready, w, 0) < w->size) {
        if (w->rank == 0)
            fprintf(stderr, "%s: out of memory for --max-bytes %zu\n",
                    program, s->max_bytes);
        free(v), free(sum), free(incoming), free(seconds);
        return EXIT_FAILURE;
    }
    for (size_t i = 0; i < most; i++)
        v[i] = 1.0 / (double)(w->rank + 1 + (int)(i % 7));
    if (w->rank == 0)
        fputs("allreduce,ranks,bytes,iterations,seconds,seconds_min,"
              "seconds_max,messages,wire_bytes,bytes_sent\n", out);
    bool ring = strcmp(s->allreduce, "ring") == 0;
    bool tree = strcmp(s->allreduce, "tree") == 0;
    for (size_t bytes = s->min_bytes; bytes <= s->max_bytes; bytes *= 2) {
        size_t n = bytes / sizeof(double), iterations = ((size_t)1 << 24) / bytes;
        iterations = iterations < 1 ? 1 : iterations > 1000 ? 1000 : iterations;
        size_t sent_before = w->bytes_sent;
        for (size_t r = 0; r < s->repeats; r++) {
            mpi_check(MPI_Barrier(MPI_COMM_WORLD), w, "MPI_Barrier", r);
            double start = timing_now();
            for (size_t i = 0; i < iterations; i++)
                allreduce_sum(s->allreduce, v, sum, n, incoming, w, i);
            double mine = (timing_now() - start) / (double)iterations;
            mpi_check(MPI_Allreduce(&mine, &seconds[r], 1, MPI_DOUBLE, MPI_MAX,
                                    MPI_COMM_WORLD), w, "MPI_Allreduce", r);
        }
        double median = timing_median(seconds, s->repeats); /* sorts them */
        double p = (double)ranks, steps = (double)tree_steps(ranks);
        double messages = ring ? 2 * (p - 1) : tree ? 2 * steps : NAN;
        double wire = ring ? 2 * (p - 1) / p * (double)bytes
                    : tree ? 2 * steps * (double)bytes : NAN;
        double sent = ring || tree
            ? (double)(w->bytes_sent - sent_before) / (double)(iterations * s->repeats)
            : NAN;
        if (w->rank == 0) {
            fprintf(out, "%s,%zu,%zu,%zu,", s->allreduce, ranks, bytes,
                    iterations);
            output_numbers(out, (const double[]){median, seconds[0],
                                                 seconds[s->repeats - 1],
                                                 messages, wire, sent}, 6);
        }
    }
    free(v), free(sum), free(incoming), free(seconds);
    return EXIT_SUCCESS;
}

/* ================================================= --task ring-schedule */

/* The most ranks --task ring-schedule follows: what a copy of a chunk
 * holds is a set of shares, rank q's of chunk c, a bit each (q * P + c)
 * of a uint64_t. (A figure of more than 8 would not be read.) */
enum { SCHEDULE_MAX_RANKS = 8 };

/* How many bits of `bits` are set. */
static size_t bits_count(uint64_t bits)
{
    size_t count = 0;
    for (; bits; bits &= bits - 1) /* clears the lowest bit set */
        count++;
    return count;
}

/* The shares of chunk `chunk` in `held`, one bit per rank: every P-th bit. */
static uint64_t chunk_shares(uint64_t held, size_t chunk, size_t ranks)
{
    uint64_t of_chunk = 0;
    for (size_t q = 0; q < ranks; q++)
        of_chunk |= (uint64_t)1 << (q * ranks + chunk);
    return held & of_chunk;
}

/* The chunk one of the exercise's ring functions named, or `ranks` after
 * a line on stderr when it is not one of the P chunks (ring_allreduce
 * would read and write past the vector). */
static size_t schedule_chunk(size_t chunk, const char *function, size_t rank,
                             size_t ranks, size_t step)
{
    if (chunk < ranks)
        return chunk;
    fprintf(stderr, "%s: %s(%zu, %zu, %zu) returned %zu: the chunks of %zu "
            "ranks are 0 to %zu\n", program, function, rank, ranks, step,
            chunk, ranks, ranks - 1);
    return ranks;
}

/* step,phase,phase_step,rank,sent_chunk,sent_parts,sent_foreign,to_rank,
 * received_chunk,from_rank,received_parts,received_foreign:
 * ring_allreduce's schedule on `ranks` = P, from the exercise's ring
 * functions as ring_allreduce calls them, with no MPI and no numbers. A
 * row per rank per step: 2(P - 1) steps, the reduce-scatter then the
 * all-gather (step counts both; phase_step, the functions' step, starts
 * again at 0). Rank r sends to r + 1 and receives from r - 1, mod P.
 * The shares are followed as ring_allreduce moves the numbers: what rank
 * r - 1 sends lands where rank r receives, added there in the
 * reduce-scatter, copied over it in the all-gather. sent_parts is how
 * many ranks' shares of its own chunk the chunk rank r sends holds,
 * received_parts the same of the chunk it received, after the step (P:
 * the chunk's whole sum); _foreign counts shares of other chunks, which
 * a schedule that sends one chunk and receives it as another mixes in (0
 * in a right ring). Returns EXIT_FAILURE when a function names a chunk
 * past the last. */
static int schedule_task(size_t ranks, FILE *out)
{
    /* held[r][c]: the shares rank r's copy of chunk c holds */
    uint64_t held[SCHEDULE_MAX_RANKS][SCHEDULE_MAX_RANKS];
    uint64_t leaving[SCHEDULE_MAX_RANKS];
    size_t sent[SCHEDULE_MAX_RANKS], received[SCHEDULE_MAX_RANKS];
    for (size_t r = 0; r < ranks; r++)
        for (size_t c = 0; c < ranks; c++)
            held[r][c] = (uint64_t)1 << (r * ranks + c);
    fputs("step,phase,phase_step,rank,sent_chunk,sent_parts,sent_foreign,"
          "to_rank,received_chunk,from_rank,received_parts,received_foreign\n",
          out);
    size_t step = 0;
    for (int phase = 0; phase < 2; phase++)
        for (size_t s = 0; s + 1 < ranks; s++, step++) {
            for (size_t r = 0; r < ranks; r++) {
                sent[r] = phase ? schedule_chunk(ring_gather_send(r, ranks, s),
                                                 "ring_gather_send", r, ranks, s)
                                : schedule_chunk(ring_reduce_send(r, ranks, s),
                                                 "ring_reduce_send", r, ranks, s);
                if (sent[r] == ranks)
                    return EXIT_FAILURE;
                received[r] = phase
                    ? schedule_chunk(ring_gather_recv(r, ranks, s),
                                     "ring_gather_recv", r, ranks, s)
                    : schedule_chunk(ring_reduce_recv(r, ranks, s),
                                     "ring_reduce_recv", r, ranks, s);
                if (received[r] == ranks)
                    return EXIT_FAILURE;
            }
            /* Every rank sends at once (MPI_Sendrecv): what leaves is read
             * before anything that arrives is added. */
            for (size_t r = 0; r < ranks; r++)
                leaving[r] = held[r][sent[r]];
            for (size_t r = 0; r < ranks; r++) {
                size_t left = (r + ranks - 1) % ranks;
                uint64_t *mine = &held[r][received[r]];
                *mine = phase ? leaving[left] : *mine | leaving[left];
                size_t sent_own = bits_count(chunk_shares(leaving[r], sent[r], ranks));
                size_t received_own = bits_count(chunk_shares(*mine, received[r], ranks));
                fprintf(out, "%zu,%s,%zu,%zu,%zu,%zu,%zu,%zu,%zu,%zu,%zu,%zu\n",
                        step, phase ? "all-gather" : "reduce-scatter", s, r,
                        sent[r], sent_own, bits_count(leaving[r]) - sent_own,
                        (r + 1) % ranks, received[r], left, received_own,
                        bits_count(*mine) - received_own);
            }
        }
    return EXIT_SUCCESS;
}

/* --task ring-schedule: arithmetic, so no MPI; one process writes --out.
 * Returns the exit status. */
static int schedule_run(const Settings *s)
{
    Output out = {0};
    if (!output_open(&out, program, "--out", s->out))
        return EXIT_FAILURE;
    int status = schedule_task(s->ranks, out.file);
    if (status != EXIT_SUCCESS) {
        output_discard(&out);
        return status;
    }
    return output_commit(&out, program) ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* ============================================================== launching */

/* Whether --data-dir holds the files a training run reads (saying which is
 * missing if not): asked before mpirun starts, so that a missing dataset
 * is one line, not one followed by mpirun's page about a failed rank. */
static bool dataset_present(const Settings *s)
{
    FashionMnistError err;
    bool train = strcmp(s->task, "train") == 0;
    if (!train || (fashion_mnist_present(s->data_dir, "train", &err) &&
                   (!s->test || fashion_mnist_present(s->data_dir, "t10k",
                                                      &err))))
        return true;
    fashion_mnist_print_error(stderr, PROGRAM_NAME ": --data-dir: ", &err);
    return false;
}

/* ================================================================== main */

static const char usage[] =
    PROGRAM_NAME ": chapter 10, data-parallel training on OpenMPI: chapter\n"
    "8's network (784 inputs, --hidden ReLU layers, 10 classes) on\n"
    "Fashion-MNIST's training images (pixels p/255), trained on P ranks:\n"
    "    mpirun -np P " PROGRAM_NAME " [flags]    or    " PROGRAM_NAME
    " --np P [flags]\n"
    "Each global batch of --batch-size examples is cut into micro-batches\n"
    "of --micro-batch; rank r takes shard_of(micro-batches, P, r) of them.\n"
    "The gradient (and loss) of the batch is combined by --allreduce:\n"
    "  fixed  every micro-batch's mean gathered, added in one fixed order:\n"
    "         the same bits for every P\n"
    "  ring   shard means weighted by their share, ring all-reduce (reduce-\n"
    "         scatter, all-gather) over MPI_Sendrecv\n"
    "  tree   the same, summed up a binomial tree to rank 0 and sent back\n"
    "         down it (2*ceil(log2 P) steps of whole vectors)\n"
    "  mpi    the same, by MPI_Allreduce\n"
    "then every rank takes chapter 4's optimizer step at chapter 7's rate\n"
    "(--schedule); every --check-every steps the ranks compare a hash of\n"
    "their parameters.\n"
    "--task train (the default) writes CSV (rank 0, stdout or --out):\n"
    "step,loss (the global batch's mean loss before the step), every\n"
    "--log-every steps and the last; with --reference FILE also\n"
    "reference_loss,drift,max_drift (relative).\n"
    "--comm FILE: rank,steps,vector_length,bytes_sent,bytes_per_step,\n"
    "ring_bytes_per_step (2(P-1)/P*n*8),tree_bytes_per_step.\n"
    "--times FILE: rank,steps,compute_seconds,comm_seconds,update_seconds\n"
    "(per step). --test FILE: images,loss,accuracy on the 10,000 test images.\n"
    "--task allreduce-timing: --allreduce ring, tree or mpi alone, on\n"
    "vectors of --min-bytes doubling to --max-bytes: allreduce,ranks,bytes,\n"
    "iterations,seconds (the median of --repeats),seconds_min,seconds_max,\n"
    "messages,wire_bytes (the alpha-beta model's counts: t = alpha*messages\n"
    "+ beta*wire_bytes),bytes_sent (rank 0's, counted).\n"
    "--task ring-schedule: no MPI, no training: the ring all-reduce's steps\n"
    "on --ranks P, from the exercise's ring functions: step,phase,\n"
    "phase_step,rank,sent_chunk,sent_parts,sent_foreign,to_rank,\n"
    "received_chunk,from_rank,received_parts,received_foreign (how many\n"
    "ranks' shares of it, of P, the chunk sent holds, and the chunk\n"
    "received after the step; _foreign: shares of other chunks, 0 in a\n"
    "right ring).\n"
    "Faults (--fault, at --fault-step on --fault-rank): nan poisons the\n"
    "rank's gradient, diverge nudges its parameters, exit kills it; every\n"
    "rank then stops with a message naming the rank and the step.\n"
    "Training is bounded at 1.5e12 weight uses (chapter 8's measure) and the\n"
    "timed all-reduces at 1e11 bytes: a larger job is refused before it\n"
    "starts.\n"
    "Exit status: 0 done; 1 a fault, a non-finite loss, a write failed,\n"
    "memory ran out, or a ring function named no chunk; 2 bad input.";

static const char *const allreduce_names[] = {"fixed", "ring", "tree", "mpi",
                                              NULL};
static const char *const task_names[] = {"train", "allreduce-timing",
                                         "ring-schedule", NULL};
static const char *const fault_names[] = {"none", "nan", "diverge", "exit",
                                          NULL};

/* Adds one row of a --reference file, "step,loss[,...]", to ref: a step
 * after the row before's, and a loss that is a positive finite number (the
 * drift is relative to it). False, adding nothing, for any other line. */
static bool reference_add(Reference *ref, const char *line)
{
    size_t step, rows = ref->rows;
    double loss;
    int used = 0;
    if (line[0] < '0' || line[0] > '9' || /* %zu would take "-1" */
        sscanf(line, "%zu,%lf%n", &step, &loss, &used) != 2 ||
        (line[used] != '\n' && line[used] != ',' && line[used] != '\0') ||
        !isfinite(loss) || loss <= 0.0 ||
        (rows > 0 && step <= ref->step[rows - 1]))
        return false;
    ref->step[rows] = step;
    ref->loss[rows] = loss;
    ref->rows++;
    return true;
}

/* --reference FILE: a step,loss CSV of an earlier run (its first two
 * columns). False, after one line naming the flag (and the line of the
 * file), when it cannot be read or a row is not a step after the last
 * with a positive finite loss. */
static bool reference_load(Reference *ref, const char *path)
{
    char q[QUOTED_MAX];
    quote_text(path, strlen(path), q);
    FILE *f = fopen(path, "r");
    char line[4096];
    size_t at = 1;
    ref->rows = 0;
    bool ok = f && fgets(line, sizeof line, f) &&
              strncmp(line, "step,loss", 9) == 0;
    while (ok && fgets(line, sizeof line, f)) {
        at++;
        ok = ref->rows < MAX_REFERENCE && reference_add(ref, line);
    }
    if (!f || ferror(f)) { /* not there, a directory, a failed read */
        fprintf(stderr, "%s: --reference %s: cannot be read: %s (see "
                "--help)\n", program, q, strerror(errno));
        if (f)
            fclose(f);
        return false;
    }
    fclose(f);
    if (!ok || ref->rows == 0)
        fprintf(stderr, "%s: --reference %s: line %zu: expected a CSV of "
                "at most %d step,loss rows, steps increasing, losses "
                "positive and finite (see --help)\n", program, q,
                ok ? at + 1 : at, MAX_REFERENCE);
    return ok && ref->rows > 0;
}

/* Whether --fault nan would strike a rank that holds none of the
 * micro-batches (under --allreduce fixed, a rank past the last one):
 * its nan would reach no number it sends, and the run would go on as if
 * no fault had been asked for. Then `why` says so. */
static bool fault_reaches_nothing(const Settings *s, size_t ranks,
                                  char *why, size_t size)
{
    size_t units = s->batch_size / s->micro_batch;
    if (strcmp(s->fault, "nan") != 0 || strcmp(s->allreduce, "fixed") != 0 ||
        shard_of(units, ranks, s->fault_rank).count > 0)
        return false;
    snprintf(why, size, "under --allreduce fixed, rank %zu holds none of "
             "the %zu micro-batches over %zu ranks: its nan would reach no "
             "number", s->fault_rank, units, ranks);
    return true;
}

/* A job's size, over all its ranks (which share the machine's cores),
 * bounded so that a digit too many is an error rather than a run of
 * days. Training in chapter 8's weight uses: each micro-batch a training
 * step of its own (lib/mlp.h's mlp_step_uses), and --allreduce fixed
 * gathers each micro-batch's gradient, at most TRAIN_MAX_USES, about two
 * minutes (the lesson's runs are 1.8e10 to 7.8e10; --steps 1e6
 * --batch-size 4096 --micro-batch 1 asked for 4e16). The timed
 * all-reduces move at most TIMING_MAX_BYTES, about a minute (--max-bytes
 * 1073741824 --repeats 1000 asked for 2e12 bytes). */
#define TRAIN_MAX_USES 1.5e12
#define TIMING_MAX_BYTES 1e11

static CliStatus check_job_size(Cli *cli, const Settings *s)
{
    if (strcmp(s->task, "allreduce-timing") == 0) {
        double bytes = 0.0; /* the sizes, doubling from --min-bytes */
        for (double b = (double)s->min_bytes; b <= (double)s->max_bytes;
             b *= 2.0)
            bytes += b;
        return cli_check_work(cli,
                              (const char *const[]){"repeats", "max-bytes",
                                                    "min-bytes", NULL},
                              (double)s->repeats * bytes, TIMING_MAX_BYTES,
                              "bytes all-reduced (--repeats of every size)");
    }
    Mlp net;
    if (!network_shape(&net, s))
        return CLI_RUN; /* cannot be: cli_check_widths bounds it */
    double units = (double)s->batch_size / (double)s->micro_batch;
    double gathered = strcmp(s->allreduce, "fixed") == 0
                          ? units * (double)net.params : 0.0;
    return cli_check_work(
        cli,
        (const char *const[]){"steps", "batch-size", "micro-batch", "hidden",
                              NULL},
        (double)s->steps *
            (units * mlp_step_uses(&net, s->micro_batch) + gathered),
        TRAIN_MAX_USES,
        "weight uses (--steps of --batch-size / --micro-batch micro-batches "
        "each)");
}

/* Bounds the table cannot state. */
static CliStatus check_settings(Cli *cli, const Settings *s)
{
    if (strcmp(s->task, "ring-schedule") == 0)
        return CLI_RUN; /* --ranks alone, bounded by the table */
    if (cli_check_widths(cli, "hidden", MLP_MAX_LAYERS - 1) != CLI_RUN)
        return CLI_BAD_INPUT;
    if (s->batch_size % s->micro_batch != 0)
        return cli_reject_against(cli, "micro-batch", "must divide",
                                  "batch-size");
    if (strcmp(s->fault, "none") != 0 && s->fault_step >= s->steps)
        return cli_reject_against(cli, "fault-step", "must be below",
                                  "steps");
    /* (Known before mpirun starts, so refused before it does: inside the
     * job each rank would stop, and mpirun would add a page of its own.) */
    if (strcmp(s->fault, "none") != 0 && s->np && s->fault_rank >= s->np)
        return cli_reject_against(cli, "fault-rank", "must be below", "np");
    char why[160];
    if (s->np && fault_reaches_nothing(s, s->np, why, sizeof why))
        return cli_reject(cli, "fault-rank", NULL, why);
    bool timing = strcmp(s->task, "allreduce-timing") == 0;
    if (timing) {
        if (strcmp(s->allreduce, "fixed") == 0)
            return cli_reject(cli, "allreduce", NULL, "--task allreduce-timing "
                              "times ring, tree or mpi (fixed is a gather)");
        if (s->min_bytes % sizeof(double) != 0 || s->max_bytes < s->min_bytes)
            return cli_reject(cli, s->min_bytes % sizeof(double) ? "min-bytes"
                                                                 : "max-bytes",
                              NULL, "expected whole doubles (8 bytes each), "
                              "--min-bytes at most --max-bytes");
        return check_job_size(cli, s);
    }
    if (check_job_size(cli, s) != CLI_RUN)
        return CLI_BAD_INPUT;
    if (schedule_flags_check(cli, &s->schedule, s->steps, s->optimizer.name) !=
        CLI_RUN)
        return CLI_BAD_INPUT;
    return optimizer_flags_check(cli, &s->optimizer);
}

/* Ranks other than 0 parse the same argv: only rank 0 says what is wrong,
 * so that bad input is one line, not P. Their stdout goes for good: only
 * rank 0 writes the CSV there, and --help is then printed once. Returns
 * the saved stderr, or -1 on rank 0. */
static int silence_unless_rank0(void)
{
    const char *rank = getenv("OMPI_COMM_WORLD_RANK");
    if (!rank || strcmp(rank, "0") == 0)
        return -1;
    fflush(stdout);
    fflush(stderr);
    int saved = dup(2), null = open("/dev/null", O_WRONLY);
    if (null >= 0)
        dup2(null, 1), dup2(null, 2), close(null);
    return saved;
}

/* The --np and --fault-rank that only the job's size can check: exit
 * status 2, said by rank 0, when they do not fit it. */
static int job_fits(const Settings *s, const World *w)
{
    if (s->np && s->np != (size_t)w->size) {
        if (w->rank == 0)
            fprintf(stderr, "%s: --np %zu: this job has %d ranks\n", program,
                    s->np, w->size);
        return EXIT_BAD_INPUT;
    }
    if (s->fault_rank >= (size_t)w->size && strcmp(s->fault, "none") != 0) {
        if (w->rank == 0)
            fprintf(stderr, "%s: --fault-rank %zu: this job has %d ranks\n",
                    program, s->fault_rank, w->size);
        return EXIT_BAD_INPUT;
    }
    char why[160];
    if (fault_reaches_nothing(s, (size_t)w->size, why, sizeof why)) {
        if (w->rank == 0)
            fprintf(stderr, "%s: --fault-rank %zu: %s\n", program,
                    s->fault_rank, why);
        return EXIT_BAD_INPUT;
    }
    return EXIT_SUCCESS;
}

/* --task allreduce-timing: rank 0 writes --out, committed only when every
 * rank's timing finished. Returns the exit status. */
static int timing_run(const Settings *s, World *w)
{
    Output out = {0};
    bool opened = w->rank != 0 || output_open(&out, program, "--out", s->out);
    if (first_bad_rank(!opened, w, 0) < w->size)
        return EXIT_FAILURE;
    int status = timing_task(s, w, w->rank == 0 ? out.file : NULL);
    if (w->rank != 0)
        return status;
    if (status != EXIT_SUCCESS) {
        output_discard(&out);
        return status;
    }
    return output_commit(&out, program) ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* --task train: loads the data, trains, and has rank 0 commit --out,
 * --test, --comm and --times together, or none of them. Returns the exit
 * status: the same on every rank, but for a failure of rank 0 alone to
 * write or commit those files (1 there, 0 on the others). */
static int training_run(Cli *cli, const Settings *s, const Reference *ref,
                        World *w)
{
    Data d = {0};
    int status = data_load(&d, s, w);
    if (status != EXIT_SUCCESS) {
        data_free(&d);
        return status;
    }
    Output out = {0}, test = {0};
    bool opened = w->rank != 0 || output_open(&out, program, "--out", s->out);
    if (opened && w->rank == 0 && s->test &&
        !output_open(&test, program, "--test", s->test)) {
        output_discard(&out);
        opened = false;
    }
    if (first_bad_rank(!opened, w, 0) < w->size) {
        data_free(&d);
        return EXIT_FAILURE;
    }
    size_t steps = 0, n = 0;
    status = train(cli, s, ref, &d, w, w->rank == 0 ? out.file : NULL,
                   w->rank == 0 && s->test ? test.file : NULL, &steps, &n);
    /* After a training that finished, every rank gathers --comm's and
     * --times's numbers whatever became of the other file (they are
     * collectives: a rank that skipped one, because rank 0 alone failed
     * to write the first, left the others waiting for ever). Rank 0 then
     * commits the four files together, or none. */
    Output comm = {0}, times = {0};
    bool trained = status == EXIT_SUCCESS;
    bool comm_ok = !trained || !s->comm || write_comm(s, w, steps, n, &comm);
    bool times_ok = !trained || !s->times || write_times(s, w, steps, &times);
    if (!comm_ok || !times_ok)
        status = EXIT_FAILURE;
    Output *const outputs[] = {&out, s->test ? &test : NULL,
                               s->comm ? &comm : NULL,
                               s->times ? &times : NULL};
    if (w->rank == 0 && (status != EXIT_SUCCESS ||
                         !output_commit_all(outputs, 4, program))) {
        for (size_t i = 0; i < 4; i++)
            if (outputs[i])
                output_discard(outputs[i]);
        status = EXIT_FAILURE;
    }
    data_free(&d);
    return status;
}

int main(int argc, char **argv)
{
    Settings s = {.task = "train", .data_dir = FASHION_MNIST_DIR,
                  .allreduce = "fixed", .fault = "none", .hidden = {1, {64}},
                  .batch_size = 64, .micro_batch = 8, .steps = 200,
                  .log_every = 10, .check_every = 50, .min_bytes = 8,
                  .max_bytes = 64 << 20, .repeats = 5, .ranks = 4,
                  .optimizer = {.name = "adamw"},
                  .schedule = SCHEDULE_FLAGS_DEFAULTS, .seed = 1};
    Flag flags[] = {
        {.name = "task", .kind = FLAG_CHOICE, .value = &s.task,
         .help = "train, time the all-reduce alone, or write the ring's "
                 "steps", .choices = task_names},
        {.name = "data-dir", .kind = FLAG_TEXT, .value = &s.data_dir,
         .reads_folder = true,
         .help = "the folder of Fashion-MNIST's .gz files",
         .scope = "task=train"},
        {.name = "hidden", .kind = FLAG_LIST, .value = &s.hidden,
         .whole = true, .help = "the hidden layers' widths, comma-separated",
         .scope = "task=train"},
        {.name = "batch-size", .kind = FLAG_COUNT, .value = &s.batch_size,
         .help = "examples per global batch, over all ranks", .min = 1,
         .max = 4096, .scope = "task=train"},
        {.name = "micro-batch", .kind = FLAG_COUNT, .value = &s.micro_batch,
         .help = "examples per micro-batch, the unit shards are cut in",
         .min = 1, .max = 4096, .scope = "task=train"},
        {.name = "steps", .kind = FLAG_COUNT, .value = &s.steps,
         .help = "optimizer steps", .min = 1, .max = 1e6,
         .scope = "task=train"},
        {.name = "allreduce", .kind = FLAG_CHOICE, .value = &s.allreduce,
         .help = "how the ranks' gradients are added", .choices = allreduce_names,
         .default_text = "fixed; allreduce-timing: none, required",
         .scope = "task!=ring-schedule"},
        OPTIMIZER_FLAGS(&s.optimizer, "task=train", "task=train"),
        SCHEDULE_FLAGS(&s.schedule, "task=train", "task=train"),
        {.name = "log-every", .kind = FLAG_COUNT, .value = &s.log_every,
         .help = "a row every this many steps (and the last)", .min = 1,
         .max = 1e6, .scope = "task=train"},
        {.name = "check-every", .kind = FLAG_COUNT, .value = &s.check_every,
         .help = "compare the ranks' parameters every this many steps (and "
                 "after the last)", .min = 1, .max = 1e6,
         .scope = "task=train"},
        {.name = "np", .kind = FLAG_COUNT, .value = &s.np,
         .help = "run under mpirun -np this (outside an MPI job); inside "
                 "one, must equal the number of ranks", .min = 1, .max = 64,
         .default_text = "as started", .scope = "task!=ring-schedule"},
        {.name = "fault", .kind = FLAG_CHOICE, .value = &s.fault,
         .help = "a fault to inject, to see every rank stop",
         .choices = fault_names, .scope = "task=train"},
        {.name = "fault-rank", .kind = FLAG_COUNT, .value = &s.fault_rank,
         .help = "the rank the fault strikes", .min = 0, .max = 63,
         .scope = "fault!=none"},
        {.name = "fault-step", .kind = FLAG_COUNT, .value = &s.fault_step,
         .help = "the step it strikes at", .min = 0, .max = 1e6,
         .scope = "fault!=none"},
        {.name = "reference", .kind = FLAG_TEXT, .value = &s.reference,
         .reads = true,
         .help = "a step,loss CSV to measure the drift from",
         .default_text = "none", .scope = "task=train"},
        {.name = "comm", .kind = FLAG_TEXT, .value = &s.comm, .writes = true,
         .help = "the bytes each rank's all-reduce sent, here",
         .default_text = "none", .scope = "task=train"},
        {.name = "times", .kind = FLAG_TEXT, .value = &s.times, .writes = true,
         .help = "each rank's compute, communication and update time per "
                 "step, here (varies run to run)", .default_text = "none",
         .scope = "task=train"},
        {.name = "test", .kind = FLAG_TEXT, .value = &s.test, .writes = true,
         .help = "after training, the loss and accuracy on the 10,000 test "
                 "images, here", .default_text = "none",
         .scope = "task=train"},
        {.name = "min-bytes", .kind = FLAG_COUNT, .value = &s.min_bytes,
         .help = "the smallest vector timed, in bytes", .min = 8,
         .max = 1 << 30, .scope = "task=allreduce-timing"},
        {.name = "max-bytes", .kind = FLAG_COUNT, .value = &s.max_bytes,
         .help = "the largest (the sizes double from --min-bytes)", .min = 8,
         .max = 1 << 30, .scope = "task=allreduce-timing"},
        {.name = "repeats", .kind = FLAG_COUNT, .value = &s.repeats,
         .help = "timings per size (their median is reported)", .min = 1,
         .max = 1000, .scope = "task=allreduce-timing"},
        {.name = "ranks", .kind = FLAG_COUNT, .value = &s.ranks,
         .help = "the ranks of the ring whose steps are written", .min = 1,
         .max = SCHEDULE_MAX_RANKS, .scope = "task=ring-schedule"},
        {.name = "seed", .kind = FLAG_SEED, .value = &s.seed,
         .help = "random seed for the weights and the shuffles",
         .scope = "task=train"},
        CLI_OUT_FLAG(&s.out),
    };
    Cli cli = {.program = program, .usage = usage, CLI_TABLE(flags)};
    static Reference ref;
    int saved = silence_unless_rank0(), exit_status;
    if (!cli_start(&cli, argc, argv, &exit_status))
        return exit_status;
    if (check_settings(&cli, &s) != CLI_RUN ||
        (s.reference && !reference_load(&ref, s.reference)))
        return EXIT_BAD_INPUT;
    /* (Under a bare mpirun, rank 0 alone writes it: the others leave.) */
    if (strcmp(s.task, "ring-schedule") == 0)
        return saved >= 0 ? EXIT_SUCCESS : schedule_run(&s);
    if (s.np && !getenv("OMPI_COMM_WORLD_SIZE")) {
        if (!dataset_present(&s))
            return EXIT_BAD_INPUT;
        return mpirun_relaunch(program, argc, argv, s.np);
    }
    if (saved >= 0)
        dup2(saved, 2), close(saved);

    MPI_Init(&argc, &argv);
    World w = {0};
    MPI_Comm_rank(MPI_COMM_WORLD, &w.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &w.size);
    /* Errors come back as codes (mpi_check names them), not as MPI's
     * default abort with no word of the step. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int status = job_fits(&s, &w);
    if (status == EXIT_SUCCESS)
        status = strcmp(s.task, "allreduce-timing") == 0
                     ? timing_run(&s, &w)
                     : training_run(&cli, &s, &ref, &w);
    MPI_Finalize();
    return status;
}
