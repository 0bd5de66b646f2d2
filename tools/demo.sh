#!/bin/sh
# make demo: the main job on the project's samples — read each document,
# extract its structure, and write a report.
set -e
bin=${1:-build/tcpl}
out=build/demo
mkdir -p $out
set -- build/samples/*.docx
[ -e "$1" ] || { echo "demo: no samples built (make samples)"; exit 1; }
for f in "$@"; do
  "$bin" text "$f" -o "$out/$(basename "$f" .docx).txt"
done
"$bin" extract "$@" -o $out/report.txt
"$bin" extract --json "$@" -o $out/report.jsonl
echo
echo "Đã xử lý $# văn bản mẫu trong samples/."
echo "  Báo cáo trích xuất:  $out/report.txt   (JSON: $out/report.jsonl)"
echo "  Nội dung từng văn bản: $out/*.txt"
echo "Processed $# sample documents; report: $out/report.txt"
