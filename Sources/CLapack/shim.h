// CBLAS from OpenBLAS (Debian: libopenblas-dev) and LAPACKE (Debian: liblapacke-dev).
#include <cblas.h>
#include <lapacke.h>
