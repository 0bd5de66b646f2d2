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
# The main job: check every sample against its rule pack (the remediation
# plan against the conclusion it answers), then the extraction beside it.
# tcpl check exits 1 when it finds errors, as the samples have on purpose.
"$bin" check "$@" -o $out/report.txt || true
"$bin" check --format csv "$@" -o $out/report.csv || true
"$bin" check $src/kh-khac-phuc-2026.docx --against $src/kl-kiem-tra-2025.docx \
  -o $out/khac-phuc-vs-ket-luan.txt || true
# The week before a deadline: every submission in one batch, one report to
# open in a browser or Excel; and the communes' evaluation dossiers.
rm -rf $out/batch $out/ho-so
"$bin" batch -q "$@" --out $out/batch || true
if [ -d $src/dossiers ]; then
  "$bin" batch -q --dossiers $src/dossiers --out $out/ho-so || true
fi
# A commune answering its inspection conclusion; a reviewer's marked-up copy.
"$bin" remediate $src/kl-kiem-tra-2025.docx -o $out/ke-hoach-khac-phuc-du-thao.docx
"$bin" annotate $src/kh-xa-2025.docx -o $out/kh-xa-2025-nhan-xet.docx 2>/dev/null
"$bin" extract "$@" -o $out/extract.txt
"$bin" extract --json "$@" -o $out/extract.jsonl
echo
echo "Đã xử lý $# văn bản mẫu trong $src/ (dựng từ samples/src/ bằng make samples):"
for f in "$@"; do echo "  $f"; done
echo "  Báo cáo kiểm tra:      $(pwd)/$out/report.txt   (bảng Excel: $out/report.csv)"
echo "  Kế hoạch khắc phục đối chiếu kết luận: $out/khac-phuc-vs-ket-luan.txt"
echo "  Báo cáo cả đợt (mở bằng trình duyệt): $(pwd)/$out/batch/report.html   (Excel: $out/batch/summary.csv)"
[ -f $out/ho-so/report.html ] && echo "  Hồ sơ đánh giá của các xã: $(pwd)/$out/ho-so/report.html"
echo "  Dự thảo kế hoạch khắc phục từ kết luận: $out/ke-hoach-khac-phuc-du-thao.docx"
echo "  Bản có nhận xét (comment Word) từng lỗi: $out/kh-xa-2025-nhan-xet.docx"
echo "  Trích xuất:            $out/extract.txt   (JSON: $out/extract.jsonl)"
echo "  Nội dung từng văn bản: $out/<tên>.txt"
echo "Processed $# sample documents in $src/ (built from samples/src/ by make samples)."
echo "  Check report: $(pwd)/$out/report.txt (Excel: $out/report.csv); batch report: $out/batch/report.html; extraction: $out/extract.txt"
echo "  Try: $bin check $1"
