/*
 * activation.h: the logistic sigmoid and its integral, softplus, in forms
 * that never overflow, for the chapters' sigmoid units and their
 * cross-entropy.
 */
#ifndef ACTIVATION_H
#define ACTIVATION_H

/* σ(z) = 1/(1 + e^-z), computed from e^-|z| (at most 1) so that no
 * intermediate overflows, whatever z is. */
double activation_sigmoid(double z);

/* log(1 + e^z) = max(z, 0) + log(1 + e^-|z|): no overflow for large z, and
 * log1p keeps the digits when e^-|z| is tiny. Its derivative is σ(z), and
 * softplus(z) - y·z is the binary cross-entropy of σ(z) against y. */
double activation_softplus(double z);

#endif
