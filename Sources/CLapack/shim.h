// CBLAS from OpenBLAS (Debian: libopenblas-dev) and LAPACKE (Debian: liblapacke-dev).
#include <cblas.h>
#include <lapacke.h>
// glibc's mallopt, for LinearAlgebra's AllocatorTuning (the numerics' large temporary buffers).
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif
