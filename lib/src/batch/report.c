/* What a batch leaves for people: summary.csv (Excel), summary.jsonl
 * (programs), roster.csv, and report.html, one self-contained page (no
 * network: inline CSS and script) that is also well-formed XML, so any
 * parser can check it.  Everything is streamed to a temporary file and
 * renamed; each result is read back one at a time for the findings, so the
 * memory does not grow with the findings of the whole batch. */
#include <jansson.h>
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
static char *row_note(const batch_report *r, const brec *x)
{
    if (x->note)
        return strdup(x->note);
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
        char *note = row_note(r, x);
        if (!note) {
            rc = TCPL_NOMEM(err, "summary.csv");
            break;
        }
        const char *cols[] = {x->shown, x->unit, x->kind, x->number, x->date};
        for (size_t c = 0; c < 5; c++) {
            if (c)
                fputc(',', csv.f);
            csv_put(csv.f, cols[c]);
        }
        fprintf(csv.f, ",%zu,%zu,%zu,", x->counts[0], x->counts[1], x->counts[2]);
        csv_put(csv.f, brec_status_name(x->status));
        fputc(',', csv.f);
        csv_put(csv.f, note);
        fputs("\r\n", csv.f);
        char res[BATCH_NAME_BYTES + 40];
        if (x->result)
            snprintf(res, sizeof res, "results/%s", x->result);
        json_t *j = json_pack(
            "{s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:{s:I, s:I, s:I}, s:o, s:o, s:o}", "file",
            jstr(x->shown), "result", x->result ? json_string(res) : json_null(), "status",
            brec_status_name(x->status), "unit", jstr(x->unit), "kind", jstr(x->kind), "number",
            jstr(x->number), "date", jstr(x->date), "counts", "loi", (json_int_t)x->counts[0],
            "canh-bao", (json_int_t)x->counts[1], "goi-y", (json_int_t)x->counts[2], "note",
            jstr(x->note), "duplicate_of", jstr(x->dup_of >= 0 ? r->recs[x->dup_of].shown : NULL),
            "roster_unit",
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
    for (size_t i = 0; i < r->n; i++) {
        const brec *x = &r->recs[i];
        if ((x->status == BREC_OK || x->status == BREC_LOI) && x->roster < 0) {
            csv_put(o.f, x->unit);
            fputs(",\"\",\"unmatched\",", o.f);
            csv_put(o.f, x->shown);
            fputs("\r\n", o.f);
        }
    }
    free(first);
    free(next);
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
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*p, f);
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

/* Sorting (click a column), filtering (text and status) and paging, for a
 * table of any size: rows are only moved or hidden, never rebuilt. */
static const char js[] =
    "(function(){var t=document.getElementById('t');if(!t)return;var tb=t.tBodies[0];"
    "var rows=Array.prototype.slice.call(tb.rows),q=document.getElementById('q'),"
    "st=document.getElementById('st'),cnt=document.getElementById('cnt'),"
    "pg=document.getElementById('pg'),PAGE=500,page=0,shown=rows,dir={};"
    "function val(r,i){var c=r.cells[i],v=c.getAttribute('data-v');"
    "return v!==null?parseFloat(v):c.textContent.toLowerCase();}"
    "function draw(){var n=shown.length,pages=Math.max(1,Math.ceil(n/PAGE));"
    "if(page>=pages)page=pages-1;var lo=page*PAGE,hi=lo+PAGE;"
    "rows.forEach(function(r){r.style.display='none';});"
    "shown.forEach(function(r,i){if(i>=lo)if(i<hi)r.style.display='';});"
    "cnt.textContent=n+' / '+rows.length;pg.textContent=(page+1)+' / '+pages;}"
    "function filter(){var s=q.value.toLowerCase(),k=st.value;"
    "shown=rows.filter(function(r){return(!k||r.getAttribute('data-s')===k)"
    "&&(!s||r.textContent.toLowerCase().indexOf(s)>=0);});page=0;draw();}"
    "Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,i){"
    "th.addEventListener('click',function(){var d=dir[i]=-(dir[i]||-1);"
    "rows.sort(function(a,b){var x=val(a,i),y=val(b,i);return x<y?-d:x>y?d:0;});"
    "rows.forEach(function(r){tb.appendChild(r);});filter();});});"
    "q.addEventListener('input',filter);st.addEventListener('change',filter);"
    "document.getElementById('prev').addEventListener('click',function(){if(page>0)page--;draw();});"
    "document.getElementById('next').addEventListener('click',function(){page++;draw();});"
    "filter();})();";

static void num_cell(FILE *f, size_t v)
{
    fprintf(f, "<td class=\"n\" data-v=\"%zu\">%zu</td>", v, v);
}

/* One file's findings, read back from its result. */
static void findings_section(FILE *f, const batch_report *r, size_t i)
{
    const brec *x = &r->recs[i];
    fprintf(f, "<div class=\"file\" id=\"f%zu\"><h3>%zu. ", i + 1, i + 1);
    h(f, x->shown);
    fputs("</h3>\n<p class=\"meta\">", f);
    const char *parts[] = {x->unit, x->kind, x->number, x->date};
    int any = 0;
    for (size_t k = 0; k < 4; k++)
        if (parts[k] && *parts[k]) {
            if (any++)
                fputs(" · ", f);
            h(f, parts[k]);
        }
    fputs("</p>\n", f);
    if (x->status == BREC_ERROR || x->status == BREC_SKIPPED) {
        fputs("<p>", f);
        h(f, x->note);
        fputs("</p></div>\n", f);
        return;
    }
    if (x->dup_of >= 0) {
        fputs("<p>", f);
        hm(f, r, "batch.duplicate", r->recs[x->dup_of].shown);
        fputs("</p>\n", f);
    }
    json_t *root = NULL;
    if (x->result) {
        tcpl_buf p;
        tcpl_buf_init(&p);
        tcpl_buf_printf(&p, "%s/results/%s", r->out_dir, x->result);
        json_error_t je;
        if (tcpl_buf_ok(&p))
            root = json_load_file(p.data, 0, &je);
        tcpl_buf_free(&p);
    }
    json_t *list = json_object_get(root, "findings");
    if (!json_array_size(list)) {
        fputs("<p>", f);
        hm(f, r, root ? "batch.no_findings" : "batch.result_missing", NULL);
        fputs("</p></div>\n", f);
        json_decref(root);
        return;
    }
    fputs("<table><thead><tr><th>", f);
    hm(f, r, "batch.col.severity", NULL);
    fputs("</th><th>", f);
    hm(f, r, "batch.col.section", NULL);
    fputs("</th><th>", f);
    hm(f, r, "batch.col.message", NULL);
    fputs("</th><th>", f);
    hm(f, r, "batch.col.excerpt", NULL);
    fputs("</th></tr></thead><tbody>\n", f);
    size_t k;
    json_t *g;
    json_array_foreach(list, k, g)
    {
        const char *sev = json_string_value(json_object_get(g, "severity"));
        const char *sec = json_string_value(json_object_get(g, "section"));
        const char *fix = json_string_value(json_object_get(g, "fix"));
        json_int_t block = json_integer_value(json_object_get(g, "block"));
        char sevid[32];
        snprintf(sevid, sizeof sevid, "sev.%s", sev ? sev : "goi-y");
        fputs("<tr><td class=\"sev-", f);
        h(f, sev ? sev : "");
        fputs("\">", f);
        h(f, tcpl_msg(r->ctx, sevid));
        fputs("</td><td>", f);
        if (sec && *sec)
            h(f, sec);
        else
            h(f, tcpl_msg(r->ctx, block < 0 ? "out.whole_doc" : "out.doc_start"));
        fputs("</td><td>", f);
        h(f, json_string_value(json_object_get(g, "message")));
        if (fix && *fix) {
            fputs(" — ", f);
            h(f, tcpl_msg(r->ctx, "out.fix"));
            fputs(": <b>", f);
            h(f, fix);
            fputs("</b>", f);
        }
        fputs("</td><td class=\"ex\">", f);
        h(f, json_string_value(json_object_get(g, "excerpt")));
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
    json_decref(root);
}

static void total_row(FILE *f, const batch_report *r, const char *id, size_t v)
{
    fputs("<tr><th>", f);
    hm(f, r, id, NULL);
    fputs("</th>", f);
    num_cell(f, v);
    fputs("</tr>\n", f);
}

static void roster_html(FILE *f, const batch_report *r, const long *first, const long *next)
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
                fprintf(f, "<tr><td><a href=\"#f%zu\">", i + 1);
                h(f, x->shown);
                fputs("</a></td><td>", f);
                h(f, x->unit);
                fputs("</td></tr>\n", f);
            }
        }
        fputs("</tbody></table>\n", f);
    }
}

int batch_write_html(const batch_report *r, tcpl_error *err)
{
    bout o;
    int rc = open_out(&o, r, "report.html", err);
    if (rc < 0)
        return rc;
    FILE *f = o.f;
    const tcpl_batch_totals *t = r->totals;
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"/>"
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
        hm(f, r, days > 0 ? "batch.days_left" : days == 0 ? "batch.due_today" : "batch.overdue",
           n);
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
        roster_html(f, r, first, next);
        free(first);
        free(next);
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
    static const char *const sevs[] = {"sev.loi", "sev.canh-bao", "sev.goi-y"};
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
    for (size_t i = 0; i < r->n; i++) {
        const brec *x = &r->recs[i];
        const char *st = brec_status_name(x->status);
        fprintf(f, "<tr class=\"%s\" data-s=\"%s\">", st, st);
        num_cell(f, i + 1);
        fprintf(f, "<td><a href=\"#f%zu\">", i + 1);
        h(f, x->shown);
        fputs("</a></td>", f);
        const char *cells[] = {x->unit, x->kind, x->number, x->date};
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
        char *note = row_note(r, x);
        h(f, note);
        free(note);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n<h2>", f);
    hm(f, r, "batch.findings", NULL);
    fputs("</h2>\n", f);
    for (size_t i = 0; i < r->n; i++)
        findings_section(f, r, i);
    fprintf(f, "<script>//<![CDATA[\n%s\n//]]></script>\n</body></html>\n", js);
    return bout_commit(&o, 1, err);
}
