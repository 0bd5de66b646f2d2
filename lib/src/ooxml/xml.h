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
 * that the pull functions below walk.  SAX skips the tree the streaming
 * reader would build for every node: it reads DOCX parts about twice as
 * fast.  file and part are kept for error messages. */
typedef struct tcpl_xml {
    const char *file;
    const char *part;
    int depth_limit;
    char problem[200]; /* first parser message */
    void *ctxt;        /* the parser context: owns the interned names */
    tcpl_xml_event *ev;
    size_t nev, cap, pos; /* pos: 1 + index of the current event; 0 before the first */
    void *arena;          /* tcpl_arena for texts and attributes */
    int depth;            /* while parsing */
    int fail;             /* while parsing: 1 dtd, 2 depth, 3 memory */
    size_t open[TCPL_MAX_XML_DEPTH + 1]; /* while parsing: start event of each open element */
    size_t text_ev;   /* while parsing: 1 + the text event being filled, 0 if none */
    void *text;       /* while parsing: tcpl_buf collecting that text */
    const char *ns_w; /* the interned WordprocessingML URI, once seen */
} tcpl_xml;

int tcpl_xml_open(tcpl_xml *x, const char *data, size_t len, const char *file, const char *part,
                  tcpl_error *err);
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
