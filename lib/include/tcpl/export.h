#ifndef TCPL_EXPORT_H
#define TCPL_EXPORT_H
/* Symbols are hidden unless marked; the shared library exports only these. */
#if defined(__GNUC__)
#define TCPL_API __attribute__((visibility("default")))
#else
#define TCPL_API
#endif
#endif
