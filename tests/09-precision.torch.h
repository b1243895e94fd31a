/*
 * 09-precision.torch.h: PyTorch's dynamic loss scaler (GradScaler's
 * update, torch._amp_update_scale_) after each step of a few sequences of
 * found_inf flags, which tests/09-precision.c pins.
 *
 * GENERATED: do not edit. Written by
 *     /usr/bin/python3 tests/09-precision.torch.py --write-reference tests/09-precision.torch.h
 * with torch 1.13.0a0, by the algorithm of amp_update_scale_cuda_kernel (no CPU kernel in this build).
 * Printed with repr(), which reads back to the same double.
 */
#include <stdbool.h>
#include <stddef.h>

/* from 2^16, growth_interval 3: growth, overflows, overflows in a row, an interrupted run of clean steps */
static const double TORCH_SCALER_MIXED_START = 65536.0;
static const size_t TORCH_SCALER_MIXED_INTERVAL = 3;
static const double TORCH_SCALER_MIXED_GROWTH = 2.0;
static const double TORCH_SCALER_MIXED_BACKOFF = 0.5;
static const bool TORCH_SCALER_MIXED_FOUND_INF[24] = {false, false, false, false, false, true, false, false, false, true, true, true, false, false, true, false, false, false, false, false, false, false, true, false};
static const double TORCH_SCALER_MIXED_SCALE[24] = {65536.0, 65536.0, 131072.0, 131072.0, 131072.0, 65536.0, 65536.0, 65536.0, 131072.0, 65536.0, 32768.0, 16384.0, 16384.0, 16384.0, 8192.0, 8192.0, 8192.0, 16384.0, 16384.0, 16384.0, 32768.0, 32768.0, 16384.0, 16384.0};
static const size_t TORCH_SCALER_MIXED_TRACKER[24] = {1, 2, 0, 1, 2, 0, 1, 2, 0, 0, 0, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 0, 1};

/* from 2^126, growth_interval 1: grows to 2^127, then not past float32's largest value */
static const double TORCH_SCALER_CAP_START = 8.507059173023462e+37;
static const size_t TORCH_SCALER_CAP_INTERVAL = 1;
static const double TORCH_SCALER_CAP_GROWTH = 2.0;
static const double TORCH_SCALER_CAP_BACKOFF = 0.5;
static const bool TORCH_SCALER_CAP_FOUND_INF[6] = {false, false, false, true, false, false};
static const double TORCH_SCALER_CAP_SCALE[6] = {1.7014118346046923e+38, 1.7014118346046923e+38, 1.7014118346046923e+38, 8.507059173023462e+37, 1.7014118346046923e+38, 1.7014118346046923e+38};
static const size_t TORCH_SCALER_CAP_TRACKER[6] = {0, 0, 0, 0, 0, 0};

/* from 2^16, growth_interval 2, growth_factor 1.5, backoff_factor 0.3: factors that are not powers of two, so that each new scale is rounded to the float32 that holds it */
static const double TORCH_SCALER_ROUNDED_START = 65536.0;
static const size_t TORCH_SCALER_ROUNDED_INTERVAL = 2;
static const double TORCH_SCALER_ROUNDED_GROWTH = 1.5;
static const double TORCH_SCALER_ROUNDED_BACKOFF = 0.3;
static const bool TORCH_SCALER_ROUNDED_FOUND_INF[12] = {true, false, false, true, true, false, false, false, false, true, false, false};
static const double TORCH_SCALER_ROUNDED_SCALE[12] = {19660.80078125, 19660.80078125, 29491.201171875, 8847.3603515625, 2654.2080078125, 2654.2080078125, 3981.31201171875, 3981.31201171875, 5971.9677734375, 1791.59033203125, 1791.59033203125, 2687.385498046875};
static const size_t TORCH_SCALER_ROUNDED_TRACKER[12] = {0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0};
