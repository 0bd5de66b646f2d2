/* The clock a CPU second is worth right now, for the benches (bench_fill,
 * bench_batch): dependent additions, one a cycle, per CPU second of the
 * calling thread, in G/s.  On the shared development VM it reads about 3.3
 * when calm and 1.2-2.4 when the host slows a vCPU, and every rate per CPU
 * second moves with it.  0 where not measured. */
#ifndef TCPL_BENCH_CLOCK_H
#define TCPL_BENCH_CLOCK_H
#include <time.h>

static inline double bench_clock_ghz(unsigned long n)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned long y = 0;
    struct timespec a, b;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
    for (unsigned long i = 0; i < n; i++)
        __asm__ volatile("add $1, %0" : "+r"(y));
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
    double c = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    return c > 0 ? (double)n / c / 1e9 : 0;
#else
    (void)n;
    return 0;
#endif
}
#endif
