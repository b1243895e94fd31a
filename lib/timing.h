/*
 * timing.h: the clock and the median the chapter programs time with.
 *
 * A speed the course quotes is a median of several runs (one lucky or
 * unlucky run cannot move it), measured with a monotonic clock (which no
 * change of the system's time can make jump).
 */
#ifndef TIMING_H
#define TIMING_H

#include <stddef.h>

/* Seconds since some fixed moment: only differences mean anything. */
double timing_now(void);

/* The median of seconds[0..count-1] (count >= 1), which it sorts in
 * place: the middle value, or the mean of the two middle ones. */
double timing_median(double *seconds, size_t count);

#endif
