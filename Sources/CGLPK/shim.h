// GLPK, the GNU Linear Programming Kit (Debian: libglpk-dev).
#include <glpk.h>
