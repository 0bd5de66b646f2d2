// bench_fill_docxtemplater.js TEMPLATE.docx DATA.json N OUT_DIR [ROUNDS]
//
// The same fill as bench_fill.c with docxtemplater (node; run by
// bench/bench_fill.sh, which installs docxtemplater and pizzip into
// bench/out/npm when they are missing).  The tcpl template's Mustache tags
// are rewritten to docxtemplater's single braces ({{#x}} -> {#x}, {{.}} ->
// {.}, {{x|f}} -> {x|f}); paragraphLoop: true drops the paragraphs that only
// hold a loop tag, as tcpl does, and linebreaks: true turns a value's line
// feed into a line break.  docxtemplater's own parser has no filters, so a
// small parser (below) does the Mustache lookup and tcpl's three filters
// (upper, default:"...", ngay_viet), the way docxtemplater's docs show for a
// custom parser.  Each document loads the template (PizZip + Docxtemplater:
// a rendered Docxtemplater cannot render again, as users do), renders the
// same data and is generated in memory, deflated at zlib level 1 like tcpl's
// (compressionOptions), N times per round, ROUNDS rounds, after 20 untimed
// documents (V8 compiles the hot code during the first few dozen: the first
// 50 documents run at half the later speed).  Prints one line per
// round: documents per CPU second (process.cpuUsage, user + system) and
// peak RSS; writes OUT_DIR/docxtemplater.docx (one result) and
// OUT_DIR/docxtemplater-template.docx (the converted template).
"use strict";
const fs = require("fs");
const PizZip = require("pizzip");
const Docxtemplater = require("docxtemplater");

const [tplPath, dataPath, nArg, outDir, roundsArg] = process.argv.slice(2);
const n = parseInt(nArg, 10);
const rounds = parseInt(roundsArg || "1", 10);
const data = JSON.parse(fs.readFileSync(dataPath, "utf8"));

// {{...}} -> {...}; the filter text stays as written, for the parser below.
function convert(xml) {
  return xml.replace(/\{\{([^{}]*)\}\}/g, (m, tag) => "{" + tag.trim() + "}");
}

function ngayViet(iso) {
  const [y, m, d] = iso.split("-").map((x) => parseInt(x, 10));
  return "ngày " + String(d).padStart(2, "0") + " tháng " + (m <= 2 ? "0" : "") + m + " năm " + y;
}

// Mustache lookup: the first segment in the innermost scope that has it,
// the rest below it; "." the current item.  The lookup is done once, at the
// innermost scope (docxtemplater calls get for each scope, innermost first).
function parser(tag) {
  const parts = tag.split("|").map((s) => s.trim());
  const path = parts[0] === "." ? [] : parts[0].split(".");
  const filters = parts.slice(1);
  return {
    get(scope, context) {
      const list = context.scopeList;
      if (context.num !== list.length - 1) return undefined;
      let v;
      if (path.length === 0) {
        v = scope;
      } else {
        for (let d = list.length - 1; d >= 0; d--) {
          const s = list[d];
          if (s !== null && typeof s === "object" && !Array.isArray(s) && path[0] in s) {
            v = s[path[0]];
            for (let i = 1; i < path.length && v != null; i++) v = v[path[i]];
            break;
          }
        }
      }
      for (const f of filters) {
        if (f === "upper") v = String(v).toUpperCase();
        else if (f === "ngay_viet") v = ngayViet(String(v));
        else if (f.startsWith("default:")) {
          if (v === undefined || v === null || v === "") v = JSON.parse(f.slice(8));
        } else throw new Error("filter " + f);
      }
      return v;
    },
  };
}

const src = new PizZip(fs.readFileSync(tplPath));
src.file("word/document.xml", convert(src.file("word/document.xml").asText()));
const tpl = src.generate({ type: "nodebuffer", compression: "DEFLATE" });
fs.writeFileSync(outDir + "/docxtemplater-template.docx", tpl);

const version = require("docxtemplater/package.json").version;
const pizVersion = require("pizzip/package.json").version;
function fillOne() {
  const doc = new Docxtemplater(new PizZip(tpl), { paragraphLoop: true, linebreaks: true, parser });
  doc.render(data);
  return doc.getZip().generate({
    type: "nodebuffer",
    compression: "DEFLATE",
    compressionOptions: { level: 1 },
  });
}

for (let i = 0; i < 20; i++) fillOne();
for (let r = 0; r < rounds; r++) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let size = 0;
  for (let i = 0; i < n; i++) {
    const buf = fillOne();
    size += buf.length;
    if (r === 0 && i === 0) fs.writeFileSync(outDir + "/docxtemplater.docx", buf);
  }
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const rss = Math.round(process.resourceUsage().maxRSS);
  console.log(
    `docxtemplater ${version} (pizzip ${pizVersion}, node ${process.versions.node}), ${n} documents, ` +
      `one process   wall ${wall.toFixed(3)} s, CPU ${cpu.toFixed(3)} s, ` +
      `${(n / cpu).toFixed(1)} docs/s per CPU second (${(n / wall).toFixed(1)} wall), ` +
      `${(size / 1024 / n).toFixed(0)} KB per document, peak RSS ${rss} KB`
  );
}
