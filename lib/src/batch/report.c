/* What a batch leaves for people: summary.csv (Excel), summary.jsonl
 * (programs), roster.csv, and report.html, one self-contained page (no
 * network: inline CSS and script) that is also well-formed XML, so any
 * parser can check it.  Everything is streamed to a temporary file and
 * renamed; the findings come from the spill, where the workers left them,
 * or (a merge) from the results read back a few dozen ahead of the writing
 * by up to jobs threads (findings_all), so the memory does not grow with
 * the findings of the whole batch. */
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "batch/internal.h"
#include "tcpl/io.h"

long batch_days_between(const char *a, const char *b, int *ok)
{
    long d[2];
    const char *s[2] = {a, b};
    *ok = 0;
    for (int i = 0; i < 2; i++) {
        int y, m, dd;
        char tail;
        if (!s[i] || sscanf(s[i], "%4d-%2d-%2d%c", &y, &m, &dd, &tail) != 3 || m < 1 || m > 12 ||
            dd < 1 || dd > 31)
            return 0;
        /* days from civil (Howard Hinnant) */
        y -= m <= 2;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        d[i] = era * 146097 + doe;
    }
    *ok = 1;
    return d[1] - d[0];
}

static char *msg(const batch_report *r, const char *id, const char *detail)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_msg_subst(&b, tcpl_msg(r->ctx, id), detail);
    tcpl_buf_putc(&b, 0);
    return tcpl_buf_ok(&b) ? tcpl_buf_detach(&b, NULL) : NULL;
}

/* The note a row shows: why skipped or unreadable, else "same content as". */
static char *row_note(const batch_report *r, const brec *x, const bview *v)
{
    if (v->note)
        return strdup(v->note);
    if (x->dup_of >= 0)
        return msg(r, "batch.duplicate", r->recs[x->dup_of].shown);
    return strdup("");
}

static int open_out(bout *o, const batch_report *r, const char *name, tcpl_error *err)
{
    tcpl_buf p;
    tcpl_buf_init(&p);
    tcpl_buf_printf(&p, "%s/%s", r->out_dir, name);
    if (!tcpl_buf_ok(&p)) {
        tcpl_buf_free(&p);
        return TCPL_NOMEM(err, name);
    }
    int rc = bout_open(o, p.data, err);
    tcpl_buf_free(&p);
    return rc;
}

/* ---- CSV ------------------------------------------------------------------- */

static void csv_put(FILE *f, const char *s)
{
    s = s ? s : "";
    fputc('"', f);
    /* A cell Excel would run as a formula is shown as text. */
    if (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r')
        fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static json_t *jstr(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    char *e = NULL;
    if (tcpl_escape_text(&e, s, 0, NULL) < 0)
        return NULL;
    j = json_string(e);
    free(e);
    return j;
}

int batch_write_summary(const batch_report *r, tcpl_error *err)
{
    bout csv, jl;
    int rc = open_out(&csv, r, "summary.csv", err);
    if (rc < 0)
        return rc;
    if ((rc = open_out(&jl, r, "summary.jsonl", err)) < 0) {
        bout_abort(&csv);
        return rc;
    }
    /* A byte-order mark: Excel then reads the file as UTF-8. */
    fputs("\xEF\xBB\xBF\"file\",\"unit\",\"kind\",\"number\",\"date\",\"errors\",\"warnings\","
          "\"suggestions\",\"status\",\"note\"\r\n",
          csv.f);
    for (size_t i = 0; i < r->n && rc == 0; i++) {
        const brec *x = &r->recs[i];
        bview v;
        if ((rc = brec_view(&v, r->spill, x, err)) < 0)
            break;
        char *note = row_note(r, x, &v);
        if (!note) {
            rc = TCPL_NOMEM(err, "summary.csv");
            break;
        }
        const char *cols[] = {x->shown, v.unit, v.kind, v.number, v.date};
        for (size_t c = 0; c < 5; c++) {
            if (c)
                fputc(',', csv.f);
            csv_put(csv.f, cols[c]);
        }
        fprintf(csv.f, ",%zu,%zu,%zu,", (size_t)x->counts[0], (size_t)x->counts[1],
                (size_t)x->counts[2]);
        csv_put(csv.f, brec_status_name(x->status));
        fputc(',', csv.f);
        csv_put(csv.f, note);
        fputs("\r\n", csv.f);
        char res[BATCH_NAME_BYTES + 40];
        if (v.result)
            snprintf(res, sizeof res, "results/%s", v.result);
        json_t *j =
            json_pack("{s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:{s:I, s:I, s:I}, s:o, s:o, s:o}",
                      "file", jstr(x->shown), "result", v.result ? json_string(res) : json_null(),
                      "status", brec_status_name(x->status), "unit", jstr(v.unit), "kind",
                      jstr(v.kind), "number", jstr(v.number), "date", jstr(v.date), "counts",
                      "loi", (json_int_t)x->counts[0], "canh-bao", (json_int_t)x->counts[1],
                      "goi-y", (json_int_t)x->counts[2], "note", jstr(v.note), "duplicate_of",
                      jstr(x->dup_of >= 0 ? r->recs[x->dup_of].shown : NULL), "roster_unit",
                      jstr(r->roster && x->roster >= 0
                               ? TCPL_VEC_AT(&r->roster->units, roster_unit, (size_t)x->roster).name
                               : NULL));
        char *line = j ? json_dumps(j, JSON_COMPACT) : NULL;
        if (line) {
            fputs(line, jl.f);
            fputc('\n', jl.f);
        } else {
            rc = TCPL_NOMEM(err, "summary.jsonl");
        }
        free(line);
        json_decref(j);
        free(note);
    }
    if (rc == 0)
        rc = bout_commit(&csv, 1, err);
    else
        bout_abort(&csv);
    if (rc == 0)
        rc = bout_commit(&jl, 1, err);
    else
        bout_abort(&jl);
    return rc;
}

/* Each roster unit's submissions as a chain through the inputs (in path
 * order), built in one pass, so listing them stays linear: first[unit] is
 * its first input, next[input] the following one (-1 ends). */
static int unit_chains(const batch_report *r, long **first, long **next)
{
    size_t nunits = r->roster->units.len;
    *first = malloc((nunits ? nunits : 1) * sizeof **first);
    *next = malloc((r->n ? r->n : 1) * sizeof **next);
    if (!*first || !*next) {
        free(*first);
        free(*next);
        return -1;
    }
    for (size_t u = 0; u < nunits; u++)
        (*first)[u] = -1;
    for (size_t i = r->n; i-- > 0;) {
        (*next)[i] = -1;
        long u = r->recs[i].roster;
        if (u >= 0) {
            (*next)[i] = (*first)[u];
            (*first)[u] = (long)i;
        }
    }
    return 0;
}

/* roster.csv: each expected unit with what was received, then each
 * submission that matched none. */
int batch_write_roster(const batch_report *r, tcpl_error *err)
{
    bout o;
    int rc = open_out(&o, r, "roster.csv", err);
    if (rc < 0)
        return rc;
    fputs("\xEF\xBB\xBF\"unit\",\"contact\",\"status\",\"files\"\r\n", o.f);
    const roster *ros = r->roster;
    size_t nunits = ros->units.len;
    long *first, *next;
    if (unit_chains(r, &first, &next) < 0) {
        bout_abort(&o);
        return TCPL_NOMEM(err, "roster.csv");
    }
    for (size_t u = 0; u < nunits; u++) {
        const roster_unit *ru = &TCPL_VEC_AT(&ros->units, roster_unit, u);
        if (ru->dup)
            continue;
        csv_put(o.f, ru->name);
        fputc(',', o.f);
        csv_put(o.f, ru->contact);
        fputc(',', o.f);
        csv_put(o.f, ru->files == 0 ? "missing" : ru->files == 1 ? "submitted" : "twice");
        fputs(",\"", o.f);
        for (long i = first[u], k = 0; i >= 0; i = next[i], k++) {
            if (k)
                fputs("; ", o.f);
            for (const char *s = r->recs[i].shown; *s; s++) {
                if (*s == '"')
                    fputc('"', o.f);
                fputc(*s, o.f);
            }
        }
        fputs("\"\r\n", o.f);
    }
    for (size_t i = 0; i < r->n && rc == 0; i++) {
        const brec *x = &r->recs[i];
        bview v;
        if ((x->status == BREC_OK || x->status == BREC_LOI) && x->roster < 0 &&
            (rc = brec_view(&v, r->spill, x, err)) == 0) {
            csv_put(o.f, v.unit);
            fputs(",\"\",\"unmatched\",", o.f);
            csv_put(o.f, x->shown);
            fputs("\r\n", o.f);
        }
    }
    free(first);
    free(next);
    if (rc < 0) {
        bout_abort(&o);
        return rc;
    }
    return bout_commit(&o, 1, err);
}

/* ---- HTML ------------------------------------------------------------------ */

/* Text as HTML (and XML) content or attribute value: markup characters
 * escaped, control characters shown as \xNN (XML forbids them). */
static void h(FILE *f, const char *s)
{
    char *e = NULL;
    if (tcpl_escape_text(&e, s ? s : "", TCPL_ESCAPE_CONTROLS, NULL) < 0) {
        fputs("?", f);
        return;
    }
    for (const char *p = e; *p; p++) {
        size_t run = strcspn(p, "&<>\"'"); /* plain bytes: one write (stdio
                                               locks each call once threads ran) */
        fwrite(p, 1, run, f);
        p += run;
        if (!*p)
            break;
        switch (*p) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            fputc(*p, f);
        }
    }
    free(e);
}

/* A catalogue text, escaped. */
static void hm(FILE *f, const batch_report *r, const char *id, const char *detail)
{
    char *m = msg(r, id, detail);
    h(f, m ? m : id);
    free(m);
}

static const char css[] =
    "body{font:14px/1.45 system-ui,'Segoe UI',Arial,sans-serif;margin:1.5em;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}h3{font-size:1.05em;margin:1.2em 0 .3em}"
    "table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #ccc;padding:.25em .5em;"
    "vertical-align:top;text-align:left}th{background:#f2f2f2}#t th{cursor:pointer;user-select:none}"
    "td.n{text-align:right}tr.loi td.s,td.sev-loi{color:#b00020;font-weight:bold}"
    "tr.error td.s{color:#8a4b00;font-weight:bold}tr.skipped{color:#777}td.sev-canh-bao{color:#8a4b00}"
    "td.sev-goi-y{color:#225}.totals td{min-width:6em}.due{font-weight:bold}.late{color:#b00020}"
    ".meta{color:#555}.ex{color:#555;font-style:italic}#bar{margin:.6em 0}#bar input{width:20em}"
    "#pager button{margin:0 .2em}";

/* The table and the findings are drawn by the script from two inline JSON
 * blocks (no network): "rows", one array per input, parsed at load, and
 * "fnd", each input's findings, parsed the first time a file is opened.
 * Only one page of rows (PAGE) and one file's findings are ever in the DOM,
 * so 10,000 inputs open as fast as 100 (docs/bench.md, "Batch").  Sorting
 * and filtering work on the arrays.  The first page is also written as
 * HTML, so the page shows it before (or without) the script.  The script
 * writes "<\/" for "</": an HTML parser ends a script at "</" and a
 * letter (HTML 4, libxml2).  When the table is drawn, the body's data-ready
 * holds the milliseconds since navigation began (bench/bench_batch.sh reads
 * it through chromium --dump-dom). */
#define REPORT_PAGE 100
static const char js[] =
    "(function(){var D=JSON.parse(document.getElementById('rows').textContent),R=D.rows,"
    "L=D.labels,F=null,t=document.getElementById('t'),tb=t.tBodies[0],"
    "q=document.getElementById('q'),st=document.getElementById('st'),"
    "cnt=document.getElementById('cnt'),pg=document.getElementById('pg'),"
    "det=document.getElementById('detail'),PAGE=100,page=0,order=[],shown,low=null,dir={};"
    "for(var i=0;i<R.length;i++)order.push(i);shown=order;"
    "function esc(s){return String(s==null?'':s).replace(/[&<>\"]/g,function(c){"
    "return{'&':'&amp;','<':'&lt;','>':'&gt;','\"':'&quot;'}[c];});}"
    "function row(i){var r=R[i],h='<tr class=\"'+esc(r[8])+'\" data-s=\"'+esc(r[8])+'\">"
    "<td class=\"n\">'+(i+1)+'<\\/td><td><a href=\"#f'+(i+1)+'\">'+esc(r[0])+'<\\/a><\\/td>';"
    "for(var c=1;c<5;c++)h+='<td>'+esc(r[c])+'<\\/td>';"
    "for(c=5;c<8;c++)h+='<td class=\"n\">'+r[c]+'<\\/td>';"
    "return h+'<td class=\"s\">'+esc(r[9])+'<\\/td><td>'+esc(r[10])+'<\\/td><\\/tr>';}"
    "function draw(){var n=shown.length,pages=Math.max(1,Math.ceil(n/PAGE));"
    "if(page>=pages)page=pages-1;if(page<0)page=0;var lo=page*PAGE,hi=Math.min(n,lo+PAGE),h='';"
    "for(var k=lo;k<hi;k++)h+=row(shown[k]);tb.innerHTML=h;"
    "cnt.textContent=n+' / '+R.length;pg.textContent=(page+1)+' / '+pages;}"
    "function filter(){var s=q.value.toLowerCase(),k=st.value;"
    "if(s&&!low)low=R.map(function(r){return[r[0],r[1],r[2],r[3],r[4],r[9],r[10]]"
    ".join(' ').toLowerCase();});"
    "shown=order.filter(function(i){return(!k||R[i][8]===k)&&(!s||low[i].indexOf(s)>=0);});"
    "page=0;draw();}"
    "function val(i,c){if(c===0)return i;var v=R[i][c<9?c-1:c];"
    "return typeof v==='number'?v:String(v).toLowerCase();}"
    "Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,c){"
    "th.addEventListener('click',function(){var d=dir[c]=-(dir[c]||-1);"
    "order.sort(function(a,b){var x=val(a,c),y=val(b,c);return x<y?-d:x>y?d:a-b;});filter();});});"
    "function show(n){var r=R[n-1];if(!r)return;"
    "if(!F)F=JSON.parse(document.getElementById('fnd').textContent);var T=F.t,f=F.f[n-1],"
    "SV=['loi','canh-bao','goi-y'],h='<h3>'+n+'. '"
    "+esc(r[0])+'<\\/h3><p class=\"meta\">'+[r[1],r[2],r[3],r[4]].filter(function(x){return x;})"
    ".map(esc).join(' · ')+'<\\/p>';if(r[10])h+='<p>'+esc(r[10])+'<\\/p>';"
    "if(r[8]!=='error'&&r[8]!=='skipped'){if(!f||!f.length)h+='<p>'+esc(f?L.none:L.missing)+'<\\/p>';"
    "else{h+='<table><thead><tr>'+L.cols.map(function(x){return'<th>'+esc(x)+'<\\/th>';}).join('')"
    "+'<\\/tr><\\/thead><tbody>';f.forEach(function(x){var s=SV[x[0]];h+='<tr><td class=\"sev-'+s+'\">'"
    "+esc(L.sev[s])+'<\\/td><td>'+esc(T[x[1]])+'<\\/td><td>'+esc(T[x[2]])+(x[3]?' — '+esc(L.fix)"
    "+': <b>'+esc(T[x[3]])+'<\\/b>':'')+(x[4]?'<br><span class=\"meta\">'+esc(T[x[4]])+'<\\/span>':'')"
    "+'<\\/td><td class=\"ex\">'+esc(x[5])+'<\\/td><\\/tr>';});"
    "h+='<\\/tbody><\\/table>';}}det.innerHTML=h;det.scrollIntoView();}"
    "function hash(){var m=/^#f([0-9]+)$/.exec(location.hash);if(m)show(+m[1]);}"
    "q.addEventListener('input',filter);st.addEventListener('change',filter);"
    "document.getElementById('prev').addEventListener('click',function(){page--;draw();});"
    "document.getElementById('next').addEventListener('click',function(){page++;draw();});"
    "window.addEventListener('hashchange',hash);filter();hash();"
    "document.body.setAttribute('data-ready',Math.round(performance.now()));})();";

static void num_cell(FILE *f, size_t v)
{
    fprintf(f, "<td class=\"n\" data-v=\"%zu\">%zu</td>", v, v);
}

/* A JSON string inside a <script> block of a page that is also XML: as
 * the page shows it (h), with <, > and & as \u escapes so that the block
 * holds no markup ("</script>", "]]>") whatever the text. */
static void js_buf(tcpl_buf *b, const char *s)
{
    char *e = NULL;
    if (tcpl_escape_text(&e, s ? s : "", TCPL_ESCAPE_CONTROLS, NULL) < 0) {
        tcpl_buf_puts(b, "\"?\"");
        return;
    }
    tcpl_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)e; *p; p++) {
        const unsigned char *q = p; /* plain bytes: copied at once */
        while (*q >= 0x20 && *q != '"' && *q != '\\' && *q != '<' && *q != '>' && *q != '&')
            q++;
        tcpl_buf_put(b, p, (size_t)(q - p));
        p = q;
        if (!*p)
            break;
        if (*p == '"' || *p == '\\')
            tcpl_buf_printf(b, "\\%c", *p);
        else
            tcpl_buf_printf(b, "\\u%04x", *p);
    }
    tcpl_buf_putc(b, '"');
    free(e);
}

/* js_buf into f: one write (stdio takes its lock on every call once the
 * process has started a thread). */
static void js_str(FILE *f, const char *s)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    js_buf(&b, s);
    if (tcpl_buf_ok(&b))
        fwrite(b.data, 1, b.len, f);
    else
        fputs("\"?\"", f);
    tcpl_buf_free(&b);
}

static void js_msg(FILE *f, const batch_report *r, const char *id)
{
    char *m = msg(r, id, NULL);
    js_str(f, m ? m : id);
    free(m);
}

/* The texts of the findings block, each written once and referred to by
 * its number: a message, a basis or a fix is the same in hundreds of
 * files, and the block is most of the page at 10,000 inputs.  Number 0 is
 * "".  Open addressing (filled to half), strings in one buffer. */
typedef struct texts {
    tcpl_buf data;  /* the texts, each ending in NUL */
    tcpl_vec offs;  /* size_t: where text k starts in data */
    uint32_t *slot; /* text number + 1, 0 empty */
    size_t cap;
    int failed;
} texts;

static uint64_t text_hash(const char *s)
{
    return batch_fnv(BATCH_FNV_INIT, s, strlen(s));
}

static int texts_grow(texts *t)
{
    size_t cap = t->cap ? t->cap * 2 : 1024;
    uint32_t *slot = calloc(cap, sizeof *slot);
    if (!slot)
        return -1;
    const size_t *offs = TCPL_VEC_DATA(&t->offs, size_t);
    for (size_t k = 0; k < t->offs.len; k++) {
        size_t i = (size_t)text_hash(t->data.data + offs[k]) & (cap - 1);
        while (slot[i])
            i = (i + 1) & (cap - 1);
        slot[i] = (uint32_t)(k + 1);
    }
    free(t->slot);
    t->slot = slot;
    t->cap = cap;
    return 0;
}

/* The number of s ("" and NULL: 0); 0 too when memory is out (t->failed). */
static size_t text_id(texts *t, const char *s)
{
    if (!s || !*s || t->failed)
        return 0;
    if ((t->offs.len + 1) * 2 > t->cap && texts_grow(t) < 0) {
        t->failed = 1;
        return 0;
    }
    size_t i = (size_t)text_hash(s) & (t->cap - 1);
    for (; t->slot[i]; i = (i + 1) & (t->cap - 1)) {
        size_t k = t->slot[i] - 1;
        if (!strcmp(t->data.data + TCPL_VEC_AT(&t->offs, size_t, k), s))
            return k;
    }
    size_t off = t->data.len, *o = tcpl_vec_push(&t->offs);
    if (!o || tcpl_buf_put(&t->data, s, strlen(s) + 1) < 0) {
        t->failed = 1;
        return 0;
    }
    *o = off;
    t->slot[i] = (uint32_t)t->offs.len;
    return t->offs.len - 1;
}

/* ---- findings ----------------------------------------------------------- */

/* An input's findings as the findings block takes them (batch_fnd_start):
 * a byte, 1 when the result has a findings list (0: "null"), then per
 * finding its severity and whole-document bytes, section, message, fix and
 * basis each ending in NUL, and the excerpt already as js_buf writes it,
 * ending in NUL.  The escaping is done where the findings are made (the
 * workers, or the threads reading results back), not by the thread
 * writing the page. */
void batch_fnd_start(tcpl_buf *b, int list)
{
    if (tcpl_buf_ok(b))
        tcpl_buf_reset(b);
    else { /* a put failed for an earlier input: start afresh */
        tcpl_buf_free(b);
        tcpl_buf_init(b);
    }
    tcpl_buf_putc(b, list ? 1 : 0);
}

void batch_fnd_add(tcpl_buf *b, int sev, int whole, const char *section, const char *message,
                   const char *fix, const char *basis, const char *excerpt)
{
    tcpl_buf_putc(b, sev);
    tcpl_buf_putc(b, whole ? 1 : 0);
    const char *t[] = {section, message, fix, basis};
    for (size_t k = 0; k < 4; k++)
        tcpl_buf_put(b, t[k] ? t[k] : "", strlen(t[k] ? t[k] : "") + 1);
    js_buf(b, excerpt);
    tcpl_buf_putc(b, 0);
}

void batch_fnd_json(tcpl_buf *b, json_t *root)
{
    json_t *list = json_object_get(root, "findings");
    if (!root || (list && !json_is_array(list))) {
        batch_fnd_start(b, 0);
        return;
    }
    batch_fnd_start(b, 1);
    size_t k;
    json_t *g;
    json_array_foreach(list, k, g)
    {
        const char *sev = json_string_value(json_object_get(g, "severity"));
        int sv = sev && !strcmp(sev, "loi") ? 0 : sev && !strcmp(sev, "canh-bao") ? 1 : 2;
        batch_fnd_add(b, sv, json_integer_value(json_object_get(g, "block")) < 0,
                      json_string_value(json_object_get(g, "section")),
                      json_string_value(json_object_get(g, "message")),
                      json_string_value(json_object_get(g, "fix")),
                      json_string_value(json_object_get(g, "basis")),
                      json_string_value(json_object_get(g, "excerpt")));
    }
}

/* The next string of [*p, end), "" past the end. */
static const char *fnd_next(const char **p, const char *end)
{
    const char *s = *p, *nul = s < end ? memchr(s, 0, (size_t)(end - s)) : NULL;
    if (!nul) {
        *p = end;
        return "";
    }
    *p = nul + 1;
    return s;
}

/* One input's findings as JSON, from what batch_fnd_start and the like
 * made (len 0: none, not checked): an array of [severity (0 Lỗi, 1 Cảnh
 * báo, 2 Gợi ý), section, message, fix, basis, excerpt], the four in the
 * middle numbers of texts, or null. */
static void fnd_write(FILE *f, const batch_report *r, const char *p, size_t len, texts *tx)
{
    const char *end = p + len;
    if (!len || !*p) {
        fputs("null", f);
        return;
    }
    p++;
    fputc('[', f);
    for (size_t k = 0; end - p >= 2; k++) {
        int sv = p[0], whole = p[1];
        p += 2;
        const char *sec = fnd_next(&p, end), *m = fnd_next(&p, end), *fix = fnd_next(&p, end),
                   *basis = fnd_next(&p, end), *ex = fnd_next(&p, end);
        if (!*sec)
            sec = tcpl_msg(r->ctx, whole ? "out.whole_doc" : "out.doc_start");
        /* numbered in this order, basis first (the order the report has
         * always had): the numbers are the texts' order of first use */
        size_t nbasis = text_id(tx, basis), nfix = text_id(tx, fix), nm = text_id(tx, m),
               nsec = text_id(tx, sec);
        fprintf(f, "%s[%d,%zu,%zu,%zu,%zu,", k ? "," : "", sv, nsec, nm, nfix, nbasis);
        fputs(*ex ? ex : "\"\"", f);
        fputc(']', f);
    }
    fputc(']', f);
}

/* The slot of one input whose result is read back (see findings_all). */
typedef struct rslot {
    tcpl_buf path; /* the result's path; empty: nothing to read */
    tcpl_buf fnd;  /* its findings (batch_fnd_json) */
    int state;     /* RS_* */
} rslot;

/* A run's workers leave each input's findings in the spill (brec_settle_fnd),
 * and the findings block is written from there.  Inputs without them (a
 * merge of other runs' outputs) have their results read back, which is
 * most of the end of such a run (one json_loadb per input), so it is
 * shared: up to jobs - 1 helper threads and the writing thread, whenever
 * it waits, parse the next inputs into a ring of RLOAD_AHEAD slots while
 * the writing thread writes them out in order.  The parser turns each
 * result into its findings (batch_fnd_json: the excerpts escaped) and
 * frees it, so the writing thread only numbers texts and writes.  Memory:
 * at most RLOAD_AHEAD results parsed at once, whatever the number of
 * inputs (tests/test_batch_mem.c). */
/* Parsed results held ahead of the writer: enough to keep two to four
 * threads busy between waits, few enough that the held results (a few
 * dozen KB each) stay well under a MB or two. */
#define RLOAD_AHEAD 32

enum { RS_FREE, RS_READY, RS_TAKEN, RS_DONE };

typedef struct rload {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    rslot slot[RLOAD_AHEAD];
    size_t filled; /* inputs whose slot has its path (RS_READY or later) */
    size_t next;   /* the next input to parse */
    int stop;
} rload;

/* Parses a slot's result into its findings, escaped, and frees it
 * (called without the lock: the slot is the caller's while RS_TAKEN). */
static void rload_parse(rslot *s)
{
    json_t *root = s->path.len ? batch_load_json(AT_FDCWD, s->path.data, 0) : NULL;
    batch_fnd_json(&s->fnd, root);
    json_decref(root);
}

/* Takes the next input ready to parse, parses it, stores it; the lock is
 * held on entry and on return. */
static void rload_one(rload *L)
{
    rslot *s = &L->slot[L->next++ % RLOAD_AHEAD];
    s->state = RS_TAKEN;
    pthread_mutex_unlock(&L->mu);
    rload_parse(s);
    pthread_mutex_lock(&L->mu);
    s->state = RS_DONE;
    pthread_cond_broadcast(&L->cv);
}

static void *rload_helper(void *arg)
{
    rload *L = arg;
    pthread_mutex_lock(&L->mu);
    for (;;) {
        while (!L->stop && L->next >= L->filled)
            pthread_cond_wait(&L->cv, &L->mu);
        if (L->stop)
            break;
        rload_one(L);
    }
    pthread_mutex_unlock(&L->mu);
    return NULL;
}

/* Gives input i's slot its path (the lock not held: only the writing
 * thread sets paths, and the slot is free).  -1 when memory is out. */
static int rload_fill(const batch_report *r, rslot *s, size_t i, tcpl_error *err)
{
    const brec *x = &r->recs[i];
    bview v;
    int rc = brec_view(&v, r->spill, x, err);
    if (rc < 0)
        return rc;
    tcpl_buf_reset(&s->path);
    if (v.result && (x->status == BREC_OK || x->status == BREC_LOI)) {
        tcpl_buf_printf(&s->path, "%s/results/%s", r->out_dir, v.result);
        if (!tcpl_buf_ok(&s->path))
            return TCPL_NOMEM(err, "report.html");
    }
    return 0;
}

/* Whether every checked input's findings are in the spill (a run whose
 * workers all left them): then none is read back. */
static int all_spilled(const batch_report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        const brec *x = &r->recs[i];
        if ((x->status == BREC_OK || x->status == BREC_LOI) && x->settled != BREC_SETTLED_FND)
            return 0;
    }
    return 1;
}

/* The findings of every input, in order, into f. */
static int findings_all(FILE *f, const batch_report *r, texts *tx, tcpl_error *err)
{
    if (all_spilled(r)) {
        for (size_t i = 0; i < r->n; i++) {
            const brec *x = &r->recs[i];
            const char *p = NULL;
            size_t len = 0;
            if (x->status == BREC_OK || x->status == BREC_LOI) {
                int rc = brec_findings(&p, &len, r->spill, x, err);
                if (rc < 0)
                    return rc;
            }
            fputs(i ? ",\n" : "\n", f);
            fnd_write(f, r, p, len, tx);
        }
        return 0;
    }
    rload *L = calloc(1, sizeof *L);
    if (!L)
        return TCPL_NOMEM(err, "report.html");
    for (size_t k = 0; k < RLOAD_AHEAD; k++) {
        tcpl_buf_init(&L->slot[k].path);
        tcpl_buf_init(&L->slot[k].fnd);
    }
    int rc = 0;
    if (pthread_mutex_init(&L->mu, NULL) != 0) {
        free(L);
        return TCPL_NOMEM(err, "report.html");
    }
    if (pthread_cond_init(&L->cv, NULL) != 0) {
        pthread_mutex_destroy(&L->mu);
        free(L);
        return TCPL_NOMEM(err, "report.html");
    }
    for (size_t i = 0; i < r->n && i < RLOAD_AHEAD && rc == 0; i++)
        if ((rc = rload_fill(r, &L->slot[i], i, err)) == 0) {
            L->slot[i].state = RS_READY;
            L->filled = i + 1;
        }
    /* helpers: jobs - 1 (the writing thread parses too), never more than
     * the inputs; one that cannot start leaves the work to the others */
    pthread_t th[BATCH_MAX_JOBS];
    unsigned nth = 0, want = r->jobs > 1 ? r->jobs - 1 : 0;
    if (want > BATCH_MAX_JOBS)
        want = BATCH_MAX_JOBS;
    while (rc == 0 && nth < want && nth < r->n && pthread_create(&th[nth], NULL, rload_helper, L) == 0)
        nth++;
    for (size_t i = 0; i < r->n && rc == 0; i++) {
        rslot *s = &L->slot[i % RLOAD_AHEAD];
        pthread_mutex_lock(&L->mu);
        while (s->state != RS_DONE) {
            if (L->next < L->filled)
                rload_one(L); /* the next one (this one, or one ahead) */
            else
                pthread_cond_wait(&L->cv, &L->mu);
        }
        pthread_mutex_unlock(&L->mu);
        fputs(i ? ",\n" : "\n", f);
        if (!tcpl_buf_ok(&s->fnd)) {
            rc = TCPL_NOMEM(err, "report.html");
            break;
        }
        fnd_write(f, r, s->fnd.data, s->fnd.len, tx);
        size_t j = i + RLOAD_AHEAD; /* the slot goes to input j */
        if (j < r->n && (rc = rload_fill(r, s, j, err)) == 0) {
            pthread_mutex_lock(&L->mu);
            s->state = RS_READY;
            L->filled = j + 1;
            pthread_cond_broadcast(&L->cv);
            pthread_mutex_unlock(&L->mu);
        }
    }
    pthread_mutex_lock(&L->mu);
    L->stop = 1;
    pthread_cond_broadcast(&L->cv);
    pthread_mutex_unlock(&L->mu);
    for (unsigned k = 0; k < nth; k++)
        pthread_join(th[k], NULL);
    for (size_t k = 0; k < RLOAD_AHEAD; k++) {
        tcpl_buf_free(&L->slot[k].path);
        tcpl_buf_free(&L->slot[k].fnd);
    }
    pthread_cond_destroy(&L->cv);
    pthread_mutex_destroy(&L->mu);
    free(L);
    return rc;
}

static void total_row(FILE *f, const batch_report *r, const char *id, size_t v)
{
    fputs("<tr><th>", f);
    hm(f, r, id, NULL);
    fputs("</th>", f);
    num_cell(f, v);
    fputs("</tr>\n", f);
}

static int roster_html(FILE *f, const batch_report *r, const long *first, const long *next,
                       tcpl_error *err)
{
    const roster *ros = r->roster;
    const tcpl_batch_totals *t = r->totals;
    const size_t *ord = TCPL_VEC_DATA(&ros->order, size_t);
    fputs("<h2>", f);
    hm(f, r, "batch.roster", NULL);
    fputs("</h2>\n<table class=\"totals\">", f);
    total_row(f, r, "batch.roster_units", ros->order.len);
    total_row(f, r, "batch.roster_missing", t->roster_missing);
    total_row(f, r, "batch.roster_twice", t->roster_twice);
    total_row(f, r, "batch.roster_unmatched", t->roster_unmatched);
    fputs("</table>\n", f);
    for (int pass = 0; pass < 2; pass++) {
        size_t want = 0;
        for (size_t i = 0; i < ros->order.len; i++) {
            size_t files = TCPL_VEC_AT(&ros->units, roster_unit, ord[i]).files;
            want += pass == 0 ? files == 0 : files > 1;
        }
        if (!want)
            continue;
        fputs("<h3>", f);
        hm(f, r, pass == 0 ? "batch.roster_missing" : "batch.roster_twice", NULL);
        fputs("</h3>\n<table><thead><tr><th>", f);
        hm(f, r, "batch.col.unit", NULL);
        fputs("</th><th>", f);
        hm(f, r, pass == 0 ? "batch.col.contact" : "batch.col.files", NULL);
        fputs("</th></tr></thead><tbody>\n", f);
        /* In the roster's own order (order[] is by key). */
        for (size_t u = 0; u < ros->units.len; u++) {
            const roster_unit *ru = &TCPL_VEC_AT(&ros->units, roster_unit, u);
            if (ru->dup || (pass == 0 ? ru->files != 0 : ru->files < 2))
                continue;
            fputs("<tr><td>", f);
            h(f, ru->name);
            fputs("</td><td>", f);
            if (pass == 0) {
                h(f, ru->contact);
            } else {
                for (long i = first[u]; i >= 0; i = next[i]) {
                    if (i != first[u])
                        fputs("<br/>", f);
                    fprintf(f, "<a href=\"#f%ld\">", i + 1);
                    h(f, r->recs[i].shown);
                    fputs("</a>", f);
                }
            }
            fputs("</td></tr>\n", f);
        }
        fputs("</tbody></table>\n", f);
    }
    if (t->roster_unmatched) {
        fputs("<h3>", f);
        hm(f, r, "batch.roster_unmatched", NULL);
        fputs("</h3>\n<table><thead><tr><th>", f);
        hm(f, r, "batch.col.file", NULL);
        fputs("</th><th>", f);
        hm(f, r, "batch.col.unit", NULL);
        fputs("</th></tr></thead><tbody>\n", f);
        for (size_t i = 0; i < r->n; i++) {
            const brec *x = &r->recs[i];
            if ((x->status == BREC_OK || x->status == BREC_LOI) && x->roster < 0) {
                bview v;
                int rc = brec_view(&v, r->spill, x, err);
                if (rc < 0)
                    return rc;
                fprintf(f, "<tr><td><a href=\"#f%zu\">", i + 1);
                h(f, x->shown);
                fputs("</a></td><td>", f);
                h(f, v.unit);
                fputs("</td></tr>\n", f);
            }
        }
        fputs("</tbody></table>\n", f);
    }
    return 0;
}

int batch_write_html(const batch_report *r, tcpl_error *err)
{
    static const char *const sevs[] = {"sev.loi", "sev.canh-bao", "sev.goi-y"};
    bout o;
    int rc = open_out(&o, r, "report.html", err);
    if (rc < 0)
        return rc;
    FILE *f = o.f;
    const tcpl_batch_totals *t = r->totals;
    fprintf(f,
            "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"/>"
            "<meta name=\"viewport\" content=\"width=device-width\"/><title>",
            tcpl_ctx_lang(r->ctx));
    hm(f, r, "batch.title", NULL);
    fprintf(f, "</title>\n<style>/*<![CDATA[*/%s/*]]>*/</style></head>\n<body>\n<h1>", css);
    hm(f, r, "batch.title", NULL);
    fputs("</h1>\n<p>", f);
    if (r->today) {
        hm(f, r, "batch.today", NULL);
        fputs(": ", f);
        h(f, r->today);
    }
    int ok = 0;
    long days = batch_days_between(r->today, r->deadline, &ok);
    if (r->deadline) {
        fputs(r->today ? " · " : "", f);
        hm(f, r, "batch.deadline", NULL);
        fputs(": ", f);
        h(f, r->deadline);
    }
    if (ok) {
        char n[32];
        snprintf(n, sizeof n, "%ld", days < 0 ? -days : days);
        fprintf(f, " — <span class=\"due%s\">", days < 0 ? " late" : "");
        hm(f, r, days > 0 ? "batch.days_left" : days == 0 ? "batch.due_today" : "batch.overdue", n);
        fputs("</span>", f);
    }
    fputs("</p>\n<h2>", f);
    hm(f, r, "batch.totals", NULL);
    fputs("</h2>\n<table class=\"totals\">", f);
    total_row(f, r, "batch.files", t->files);
    total_row(f, r, "batch.checked", t->checked + t->reused);
    total_row(f, r, "batch.with_loi", t->with_loi);
    total_row(f, r, "batch.failed", t->failed);
    total_row(f, r, "batch.skipped", t->skipped);
    total_row(f, r, "sev.loi", t->findings[0]);
    total_row(f, r, "sev.canh-bao", t->findings[1]);
    total_row(f, r, "sev.goi-y", t->findings[2]);
    fputs("</table>\n", f);
    if (r->roster) {
        long *first, *next;
        if (unit_chains(r, &first, &next) < 0) {
            bout_abort(&o);
            return TCPL_NOMEM(err, "report.html");
        }
        rc = roster_html(f, r, first, next, err);
        free(first);
        free(next);
        if (rc < 0) {
            bout_abort(&o);
            return rc;
        }
    }
    /* The table of submissions. */
    fputs("<h2>", f);
    hm(f, r, "batch.files_table", NULL);
    fputs("</h2>\n<div id=\"bar\"><input id=\"q\" type=\"search\" placeholder=\"", f);
    hm(f, r, "batch.filter", NULL);
    fputs("\"/> <select id=\"st\"><option value=\"\">", f);
    hm(f, r, "batch.all", NULL);
    fputs("</option>", f);
    static const char *const sts[] = {"ok", "loi", "error", "skipped"};
    for (int s = 0; s < 4; s++) {
        char id[40];
        snprintf(id, sizeof id, "batch.status.%s", sts[s]);
        fprintf(f, "<option value=\"%s\">", sts[s]);
        hm(f, r, id, NULL);
        fputs("</option>", f);
    }
    fputs("</select> <span id=\"cnt\"></span> <span id=\"pager\"><button id=\"prev\" "
          "type=\"button\">&lt;</button><span id=\"pg\"></span><button id=\"next\" "
          "type=\"button\">&gt;</button></span></div>\n<table id=\"t\"><thead><tr><th>#</th>",
          f);
    static const char *const cols[] = {"batch.col.file", "batch.col.unit", "batch.col.kind",
                                       "batch.col.number", "batch.col.date"};
    for (size_t c = 0; c < 5; c++) {
        fputs("<th>", f);
        hm(f, r, cols[c], NULL);
        fputs("</th>", f);
    }
    for (size_t c = 0; c < 3; c++) {
        fputs("<th>", f);
        h(f, tcpl_msg(r->ctx, sevs[c]));
        fputs("</th>", f);
    }
    fputs("<th>", f);
    hm(f, r, "batch.col.status", NULL);
    fputs("</th><th>", f);
    hm(f, r, "batch.col.note", NULL);
    fputs("</th></tr></thead>\n<tbody>\n", f);
    /* The first page as HTML; every row as JSON for the script. */
    for (size_t i = 0; i < r->n && i < REPORT_PAGE; i++) {
        const brec *x = &r->recs[i];
        bview v;
        if ((rc = brec_view(&v, r->spill, x, err)) < 0) {
            bout_abort(&o);
            return rc;
        }
        const char *st = brec_status_name(x->status);
        fprintf(f, "<tr class=\"%s\" data-s=\"%s\">", st, st);
        num_cell(f, i + 1);
        fprintf(f, "<td><a href=\"#f%zu\">", i + 1);
        h(f, x->shown);
        fputs("</a></td>", f);
        const char *cells[] = {v.unit, v.kind, v.number, v.date};
        for (size_t c = 0; c < 4; c++) {
            fputs("<td>", f);
            h(f, cells[c]);
            fputs("</td>", f);
        }
        for (size_t c = 0; c < 3; c++)
            num_cell(f, x->counts[c]);
        char id[40];
        snprintf(id, sizeof id, "batch.status.%s", st);
        fputs("<td class=\"s\">", f);
        hm(f, r, id, NULL);
        fputs("</td><td>", f);
        char *note = row_note(r, x, &v);
        h(f, note);
        free(note);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n<h2>", f);
    hm(f, r, "batch.findings", NULL);
    fputs("</h2>\n<div id=\"detail\"><p>", f);
    hm(f, r, "batch.pick_file", NULL);
    fputs("</p></div>\n<script type=\"application/json\" id=\"rows\">{\"labels\":{\"none\":", f);
    js_msg(f, r, "batch.no_findings");
    fputs(",\"missing\":", f);
    js_msg(f, r, "batch.result_missing");
    fputs(",\"fix\":", f);
    js_msg(f, r, "out.fix");
    fputs(",\"sev\":{", f);
    for (size_t c = 0; c < 3; c++) {
        fprintf(f, "%s\"%s\":", c ? "," : "", sevs[c] + 4);
        js_msg(f, r, sevs[c]);
    }
    fputs("},\"cols\":[", f);
    static const char *const fcols[] = {"batch.col.severity", "batch.col.section",
                                        "batch.col.message", "batch.col.excerpt"};
    for (size_t c = 0; c < 4; c++) {
        fputs(c ? "," : "", f);
        js_msg(f, r, fcols[c]);
    }
    fputs("]},\n\"rows\":[", f);
    for (size_t i = 0; i < r->n; i++) {
        const brec *x = &r->recs[i];
        bview v;
        if ((rc = brec_view(&v, r->spill, x, err)) < 0) {
            bout_abort(&o);
            return rc;
        }
        const char *st = brec_status_name(x->status);
        fputs(i ? ",\n[" : "\n[", f);
        const char *cells[] = {x->shown, v.unit, v.kind, v.number, v.date};
        for (size_t c = 0; c < 5; c++) {
            js_str(f, cells[c]);
            fputc(',', f);
        }
        fprintf(f, "%zu,%zu,%zu,\"%s\",", (size_t)x->counts[0], (size_t)x->counts[1],
                (size_t)x->counts[2], st);
        char id[40];
        snprintf(id, sizeof id, "batch.status.%s", st);
        js_msg(f, r, id);
        fputc(',', f);
        char *note = row_note(r, x, &v);
        js_str(f, note);
        free(note);
        fputc(']', f);
    }
    fputs("]}</script>\n<script type=\"application/json\" id=\"fnd\">{\"f\":[", f);
    texts tx;
    memset(&tx, 0, sizeof tx);
    tcpl_buf_init(&tx.data);
    tcpl_vec_init(&tx.offs, sizeof(size_t));
    text_id(&tx, "\x01"); /* number 0 stands for "" (never looked up) */
    rc = findings_all(f, r, &tx, err);
    fputs("],\n\"t\":[\"\"", f);
    for (size_t k = 1; k < tx.offs.len; k++) {
        fputc(',', f);
        js_str(f, tx.data.data + TCPL_VEC_AT(&tx.offs, size_t, k));
    }
    fputs("]}</script>\n", f);
    int failed = tx.failed;
    tcpl_buf_free(&tx.data);
    tcpl_vec_free(&tx.offs);
    free(tx.slot);
    if (rc < 0) {
        bout_abort(&o);
        return rc;
    }
    if (failed) {
        bout_abort(&o);
        return TCPL_NOMEM(err, "report.html");
    }
    fprintf(f, "<script>//<![CDATA[\n%s\n//]]></script>\n</body></html>\n", js);
    return bout_commit(&o, 1, err);
}
