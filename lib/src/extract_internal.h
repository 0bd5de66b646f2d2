#ifndef TCPL_EXTRACT_INTERNAL_H
#define TCPL_EXTRACT_INTERNAL_H
#include "arena.h"
#include "tcpl/extract.h"

/* The result of one extraction: everything in one arena. */
struct tcpl_extract {
    tcpl_arena arena;
    int nomem; /* an arena copy failed */
    tcpl_xmeta meta;
    tcpl_xcitation *citations;
    size_t ncitations;
    tcpl_xsection *sections; /* document order; parent by index */
    size_t nsections;
    tcpl_xactivity *activities;
    size_t nactivities;
    tcpl_xdeadline *deadlines;
    size_t ndeadlines;
    const char **recipients;
    size_t nrecipients;
    tcpl_xsigner signer;
};

#endif
