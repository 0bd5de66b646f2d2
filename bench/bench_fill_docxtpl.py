#!/usr/bin/python3
"""bench_fill_docxtpl.py TEMPLATE.docx DATA.json N OUT_DIR

The same fill as bench_fill.c with docxtpl: the tcpl template's Mustache tags
are rewritten as docxtpl's Jinja tags (a section alone in its paragraph ->
{%p for %}/{%p if %}, {{.}} -> the loop variable, filters -> Jinja filters),
the template loaded and rendered N times from the same data (after 3 untimed
warm-up documents), each result saved to memory.  Prints documents/s and peak RSS; writes OUT_DIR/docxtpl.docx (one
result) and OUT_DIR/jinja.docx (the converted template)."""
import io, json, re, resource, sys, time, zipfile

from docxtpl import DocxTemplate
import jinja2

TAG = re.compile(r"\{\{([^{}]*)\}\}")


def resolve(name, stack, data):
    """A Mustache name as a Jinja expression, per the loop stack."""
    if name == ".":
        return stack[-1][0]
    first = name.split(".")[0]
    for var, sample in reversed(stack):
        if isinstance(sample, dict) and first in sample:
            return var + "." + name
    return name


def convert(xml, data):
    stack = []  # (loop variable, a sample item)
    out, pos = [], 0
    for m in TAG.finditer(xml):
        out.append(xml[pos:m.start()])
        pos = m.end()
        tag = m.group(1).strip()
        if tag[0] in "#^":
            name = tag[1:]
            expr = resolve(name, stack, data)
            value = data
            for part in expr.split(".") if not stack else []:
                value = value.get(part) if isinstance(value, dict) else None
            # the sample of a loop: the first item of the array in the data
            sample = None
            src = data
            if stack and stack[-1][1] is not None and isinstance(stack[-1][1], dict):
                src = stack[-1][1]
            arr = src.get(name.split(".")[0]) if isinstance(src, dict) else None
            if isinstance(arr, list):
                var = "i%d" % len(stack)
                sample = arr[0] if arr else None
                out.append("{%%p for %s in %s %%}" % (var, expr))
                stack.append((var, sample))
            else:
                out.append("{%%p if %s%s %%}" % ("not " if tag[0] == "^" else "", expr))
                stack.append((None, "if"))
        elif tag[0] == "/":
            var, sample = stack.pop()
            out.append("{%p endif %}" if sample == "if" else "{%p endfor %}")
        else:
            parts = [p.strip() for p in tag.split("|")]
            expr = resolve(parts[0], [s for s in stack if s[0]], data)
            for f in parts[1:]:
                if f.startswith("default:"):
                    expr = "%s|default(%s, true)" % (expr, f[len("default:"):])
                else:
                    expr = "%s|%s" % (expr, f)
            out.append("{{ %s }}" % expr)
    out.append(xml[pos:])
    return "".join(out)


def ngay_viet(iso):
    y, m, d = (int(x) for x in iso.split("-"))
    return "ngày %02d tháng %s%d năm %d" % (d, "0" if m <= 2 else "", m, y)


def main():
    tpl_path, data_path, n, out_dir = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    data = json.load(open(data_path, encoding="utf-8"))
    src = zipfile.ZipFile(tpl_path)
    jinja_path = out_dir + "/jinja.docx"
    with zipfile.ZipFile(jinja_path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "word/document.xml":
                body = convert(body.decode("utf-8"), data).encode("utf-8")
            z.writestr(info, body)
    env = jinja2.Environment()
    env.filters["ngay_viet"] = ngay_viet
    env.filters["upper"] = lambda s: s.upper()
    def cpu():
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime
    size = 0
    for i in range(-3, n):
        if i == 0:
            t0, c0, size = time.perf_counter(), cpu(), 0
        tpl = DocxTemplate(jinja_path)  # a rendered DocxTemplate cannot be rendered again
        tpl.render(data, env)
        buf = io.BytesIO()
        tpl.save(buf)
        size += buf.tell()
        if i == 0:
            open(out_dir + "/docxtpl.docx", "wb").write(buf.getvalue())
    t1, c1 = time.perf_counter(), cpu()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("docxtpl %s, %d documents, one process   wall %.3f s, CPU %.3f s, %.1f docs/s per CPU "
          "second (%.1f wall), %.0f KB per document, peak RSS %d KB"
          % (getattr(__import__("docxtpl"), "__version__", "?"), n, t1 - t0, c1 - c0,
             n / (c1 - c0), n / (t1 - t0), size / 1024.0 / n, rss))


main()
