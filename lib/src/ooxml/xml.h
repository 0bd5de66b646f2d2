#ifndef TCPL_XML_H
#define TCPL_XML_H
#include <libxml/xmlreader.h>
#include <stddef.h>

#include "tcpl/error.h"

/* Element nesting deeper than this is refused.  Word's own documents stay
 * far below 100 even with nested tables; hostile files nest 100,000 deep to
 * exhaust stacks and memory. */
#define TCPL_MAX_XML_DEPTH 200

/* The WordprocessingML namespace; elements of other namespaces (w14, mc,
 * wp, ...) are told apart by it. */
#define TCPL_NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define TCPL_NS_MC "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define TCPL_NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define TCPL_NS_A "http://schemas.openxmlformats.org/drawingml/2006/main"

/* What the reader may build for one document: the XML events of the part
 * being read with their texts and attributes, plus the model so far
 * (blocks, texts, runs).  A Word plan of 100 pages needs a few MB; the XML
 * layer refuses a part as soon as the sum would pass the limit
 * (err.doc_memory), instead of after gigabytes of events. */
#define TCPL_MAX_DOC_MEMORY ((size_t)256 << 20)

/* A running count of that memory, shared by the parts of one document. */
typedef struct tcpl_xml_budget {
    size_t limit;       /* bytes; 0: TCPL_MAX_DOC_MEMORY */
    size_t used;        /* held by the caller (the model) while a part is parsed */
    size_t peak;        /* highest used + one part's events, texts and attributes */
    size_t events_peak; /* most events one part produced */
    size_t part;        /* what the last part parsed holds while it is walked */
} tcpl_xml_budget;

/* Which elements a caller reads.  keep(ns, local) says whether an element
 * is looked at (ns is the transitional URI, also for Strict documents).
 * Other elements cost nothing: they appear only as the ancestors of a kept
 * element (so skipping one still skips what is inside), never on their own,
 * and their attributes are dropped.  Text is kept only directly inside a
 * kept WordprocessingML element named text_in ("t"); "" keeps none. */
typedef struct tcpl_xml_opts {
    int (*keep)(const char *ns, const char *local);
    const char *text_in;
    /* One element's text beyond this many bytes is refused while reading
     * (err.para_too_long, the limit as detail); 0: no limit. */
    size_t text_limit;
    tcpl_xml_budget *budget;     /* NULL: a budget of TCPL_MAX_DOC_MEMORY for this part alone */
    struct tcpl_xml_keep *store; /* NULL, or where the event array is kept between parts */
} tcpl_xml_opts;

/* A reader's event array, arena chunks (texts and attributes) and text
 * buffer kept from one part (and document) to the next, so that they are
 * not grown by copying and given back to the system every time.  An array
 * or buffer larger than TCPL_XML_KEEP_BYTES is freed instead (it counts
 * against the next part's budget by its capacity); of the arena, chunks up
 * to TCPL_XML_KEEP_BYTES are kept, empty (they count as they are used). */
#define TCPL_XML_KEEP_BYTES ((size_t)8 << 20)
typedef struct tcpl_xml_keep {
    void *evec;  /* tcpl_vec of tcpl_xml_event, or NULL */
    void *arena; /* tcpl_arena, reset, or NULL */
    void *text;  /* tcpl_buf, emptied, or NULL */
} tcpl_xml_keep;
void tcpl_xml_keep_free(tcpl_xml_keep *k);

/* Node types, as libxml2's reader numbers them. */
enum {
    TCPL_XML_ELEMENT = XML_READER_TYPE_ELEMENT,
    TCPL_XML_TEXT = XML_READER_TYPE_TEXT,
    TCPL_XML_END = XML_READER_TYPE_END_ELEMENT
};

typedef struct tcpl_xml_attrib {
    const char *local; /* interned by the parser */
    const char *ns;    /* interned, or NULL */
    const char *value; /* NUL-terminated copy */
} tcpl_xml_attrib;

typedef struct tcpl_xml_event {
    unsigned char type;  /* TCPL_XML_ELEMENT / TEXT / END */
    unsigned char empty; /* an element with no children: no END follows */
    int depth;
    int line;
    const char *local; /* element: interned local name */
    const char *ns;    /* element: interned namespace URI, or "" */
    const char *text;  /* text: NUL-terminated copy */
    tcpl_xml_attrib *attrs;
    int nattrs;
} tcpl_xml_event;

/* One part, parsed at open with libxml2's SAX2 parser (network, DTD
 * loading and entity expansion off; a DOCTYPE, an entity declaration or
 * nesting beyond the depth limit stops it) into a compact list of events
 * that the pull functions below walk.  Strict Open XML namespaces
 * (http://purl.oclc.org/ooxml/...) are mapped to their transitional
 * twins, so every reader sees one vocabulary.  SAX skips the tree the streaming
 * reader would build for every node: it reads DOCX parts about twice as
 * fast.  file and part are kept for error messages. */
/* Entries of the memo of opts.keep in a parse (direct-mapped by the name's
 * address): a document part uses a few dozen element names. */
#define TCPL_XML_KEEP_MEMO 64
typedef struct tcpl_xml {
    const char *file;
    const char *part;
    int depth_limit;
    char problem[200];  /* first parser message */
    void *ctxt;         /* the parser context: owns the interned names */
    tcpl_xml_event *ev; /* the events (a tcpl_vec's array while parsing) */
    size_t nev, pos;    /* pos: 1 + index of the current event; 0 before the first */
    void *evec;         /* tcpl_vec of events while parsing */
    tcpl_xml_opts opts;
    tcpl_xml_budget own_budget;
    size_t emitted; /* while parsing: open elements 0..emitted-1 have start events */
    const char *pend_local[TCPL_MAX_XML_DEPTH + 1]; /* while parsing: open elements' names */
    const char *pend_ns[TCPL_MAX_XML_DEPTH + 1];
    int pend_line[TCPL_MAX_XML_DEPTH + 1];
    int xml_code;        /* first libxml2 error code, 0 if none */
    const char *root_ns; /* the root element's namespace (mapped), "" if none */
    void *arena;         /* tcpl_arena for texts and attributes */
    int depth;           /* while parsing */
    int fail;            /* while parsing: why the parse was stopped (FAIL_* in xml.c) */
    size_t open[TCPL_MAX_XML_DEPTH + 1]; /* while parsing: start event of each open element */
    size_t text_ev;           /* while parsing: 1 + the text event being filled, 0 if none */
    void *text;               /* while parsing: tcpl_buf collecting that text */
    const char *ns_w;         /* the interned WordprocessingML URI */
    const char *ns_map[2][8]; /* interned Strict URIs and their transitional twins */
    int nmap;
    /* while parsing: opts.keep's answers by name; the names are interned by
     * the parser, so one pointer is one name for the whole part */
    struct {
        const char *ns, *local;
        int keep;
    } keep_memo[TCPL_XML_KEEP_MEMO];
} tcpl_xml;

/* Every element and all text kept; a budget of its own. */
int tcpl_xml_open(tcpl_xml *x, const char *data, size_t len, const char *file, const char *part,
                  tcpl_error *err);
/* Only what opts keeps, counted against opts->budget. */
int tcpl_xml_open_opts(tcpl_xml *x, const char *data, size_t len, const char *file,
                       const char *part, const tcpl_xml_opts *opts, tcpl_error *err);
/* The keep() of the WordprocessingML readers (document, notes, headers,
 * styles, numbering, theme fonts) and its sorted list of w: names. */
int tcpl_xml_keep_wml(const char *ns, const char *local);
size_t tcpl_xml_wml_names(const char *const **names);
/* Events the part produced (for tests and benchmarks). */
size_t tcpl_xml_event_count(const tcpl_xml *x);
void tcpl_xml_close(tcpl_xml *x);

/* Advances to the next node.  1: a node, 0: end of document.  (Errors —
 * a DOCTYPE, too deep, malformed XML — are reported by tcpl_xml_open.) */
int tcpl_xml_next(tcpl_xml *x, tcpl_error *err);

/* Node helpers on the current node. */
int tcpl_xml_is(const tcpl_xml *x, const char *ns, const char *local); /* element start */
int tcpl_xml_is_end(const tcpl_xml *x, const char *ns, const char *local);
int tcpl_xml_is_w(const tcpl_xml *x, const char *local);
int tcpl_xml_type(const tcpl_xml *x); /* XML_READER_TYPE_* */
int tcpl_xml_depth(const tcpl_xml *x);
int tcpl_xml_empty(const tcpl_xml *x); /* <x/> */
const char *tcpl_xml_local(const tcpl_xml *x);
const char *tcpl_xml_ns(const tcpl_xml *x);
/* Attribute name in namespace ns (NULL: no namespace) of the current
 * element; borrowed until tcpl_xml_close, NULL if absent. */
const char *tcpl_xml_attr(const tcpl_xml *x, const char *ns, const char *name);
/* The text of the current text node ("" otherwise); borrowed. */
const char *tcpl_xml_value(const tcpl_xml *x);
/* A bounded copy of an attribute: */
int tcpl_xml_attr_copy(const tcpl_xml *x, const char *ns, const char *name, char *buf,
                       size_t size); /* 1 found, 0 absent */
/* w:val of the current element as a toggle: absent/"1"/"true"/"on" -> 1, "0"/"false"/"off" -> 0. */
int tcpl_xml_toggle(const tcpl_xml *x);
/* Integer attribute w:name, or def when absent or not a number. */
long tcpl_xml_attr_int(const tcpl_xml *x, const char *name, long def);
/* Skips the current element's subtree (no-op for an empty element). */
int tcpl_xml_skip(tcpl_xml *x, tcpl_error *err);
/* Moves to the next direct child element (WordprocessingML namespace) of
 * the element at depth d.  1: on a child's start, 0: at the parent's end,
 * <0: error.  Deeper nodes (a child's own subtree) are passed over, so
 * unknown children and tracked-change subtrees (w:rPrChange) never leak in. */
int tcpl_xml_next_child(tcpl_xml *x, int d, tcpl_error *err);
/* Current line, for messages. */
int tcpl_xml_line(const tcpl_xml *x);

#endif
