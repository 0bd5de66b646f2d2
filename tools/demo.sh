#!/bin/sh
# make demo: the main job on the project's samples — read each document,
# extract its structure, and write a report.  The documents are built by
# `make samples` into build/samples/*.docx from the unpacked XML sources in
# samples/src/ (samples/README.md describes each one).
set -e
bin=${1:-build/tcpl}
src=build/samples
out=build/demo
mkdir -p $out
set -- $src/*.docx
[ -e "$1" ] || { echo "demo: no samples built in $src/ (run: make samples)"; exit 1; }
for f in "$@"; do
  "$bin" text "$f" -o "$out/$(basename "$f" .docx).txt"
done
# One report for all documents; tcpl prints "N files: N read, 0 failed" on stderr.
"$bin" extract "$@" -o $out/report.txt
"$bin" extract --json "$@" -o $out/report.jsonl
echo
echo "Đã xử lý $# văn bản mẫu trong $src/ (dựng từ samples/src/ bằng make samples):"
for f in "$@"; do echo "  $f"; done
echo "  Báo cáo trích xuất:    $(pwd)/$out/report.txt   (JSON, mỗi văn bản một dòng: $out/report.jsonl)"
echo "  Nội dung từng văn bản: $out/<tên>.txt"
echo "Processed $# sample documents in $src/ (built from samples/src/ by make samples)."
echo "  Report: $(pwd)/$out/report.txt (JSON Lines: $out/report.jsonl); text of each: $out/<name>.txt"
echo "  Try: $bin extract $1"
