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

/* A streaming reader over one part, with network, DTD loading and entity
 * expansion off.  file and part are kept for error messages. */
typedef struct tcpl_xml {
    xmlTextReaderPtr r;
    const char *file;
    const char *part;
    int depth_limit;
    char problem[200]; /* first parser message */
} tcpl_xml;

int tcpl_xml_open(tcpl_xml *x, const char *data, size_t len, const char *file, const char *part,
                  tcpl_error *err);
void tcpl_xml_close(tcpl_xml *x);

/* Advances to the next node.  1: a node, 0: end of document, <0: error (a
 * DOCTYPE, too deep, or malformed XML; err filled with the line). */
int tcpl_xml_next(tcpl_xml *x, tcpl_error *err);

/* Node helpers on the current node. */
int tcpl_xml_is(const tcpl_xml *x, const char *ns, const char *local); /* element start */
int tcpl_xml_is_end(const tcpl_xml *x, const char *ns, const char *local);
int tcpl_xml_is_w(const tcpl_xml *x, const char *local);
int tcpl_xml_type(const tcpl_xml *x);   /* XML_READER_TYPE_* */
int tcpl_xml_depth(const tcpl_xml *x);
int tcpl_xml_empty(const tcpl_xml *x);  /* <x/> */
const char *tcpl_xml_local(const tcpl_xml *x);
const char *tcpl_xml_ns(const tcpl_xml *x);
/* Attribute w:name (WordprocessingML namespace) or plain name; NULL if absent.
 * The result must be xmlFree()d: use tcpl_xml_attr_copy for a bounded copy. */
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
