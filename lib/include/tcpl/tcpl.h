#ifndef TCPL_H
#define TCPL_H
/* Umbrella header: the whole public API. */
#include "tcpl/error.h"
#include "tcpl/context.h"
#include "tcpl/model.h"
#include "tcpl/docx.h"
#include "tcpl/io.h"
#include "tcpl/extract.h"
#include "tcpl/rules.h"
#include "tcpl/dossier.h"
#include "tcpl/batch.h"
#include "tcpl/fill.h"
#include "tcpl/annotate.h"
#endif
