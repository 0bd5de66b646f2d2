#!/bin/sh
# Run by make bench (bench/run.sh), or alone after make: B=build sh bench/office.sh
set -e
B=${B:-build}
out=bench/out
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
# ---- office-shaped corpora (issue 8) ---------------------------------------
# Word-like files with a 350 KB styles part and 45-60 KB of text: "shared"
# (every styles part byte-identical) and "unique" (one more style each),
# 200 and 2,000 files, read in one process: tcpl (plain, and through one
# tcpl_reader with a part cache) beside two floors (inflate + SAX2 of
# document.xml alone; of document + styles + numbering) and python-docx.
OFFICE=${BENCH_OFFICE_FILES:-"200 2000"}
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L $(pkg-config --cflags libzip) bench/gen_office.c \
  $(pkg-config --libs libzip) -o $B/gen_office
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Ilib/include $(pkg-config --cflags libxml-2.0 libzip) \
  bench/bench_batch.c $B/libtcpl.a \
  $(pkg-config --libs libxml-2.0 libzip zlib libpcre2-8 libutf8proc yaml-0.1 jansson hunspell) -lpthread \
  -o $B/bench_batch
max=0; for n in $OFFICE; do [ $n -gt $max ] && max=$n; done
{
echo "== office-shaped corpora $(date -u +%Y-%m-%d) on $(nproc) cores =="
for kind in shared unique; do
  rm -rf $out/$kind; mkdir -p $out/$kind
  $B/gen_office $out/$kind $max $kind
  for n in $OFFICE; do
    files=$(ls $out/$kind/*.docx | head -$n)
    set -- $($B/bench_batch floor-doc $files); fd=$1
    set -- $($B/bench_batch floor-dsn $files); fdsn=$1
    for m in text text+reader extract extract+reader; do
      set -- $($B/bench_batch $m $files)
      awk "BEGIN{printf \"%-6s %5d files  %-15s %6.3f s %7.0f docs/s %6.1f MB/s  RSS %6d KB  %5.2fx doc floor  %5.2fx doc+styles+numbering floor\\n\", \"$kind\", $2, \"$m\", $1, $2 / $1, $3 / $1, $4, $1 / $fd, $1 / $fdsn}"
    done
    awk "BEGIN{printf \"%-6s %5d files  floors: document.xml %.3f s (%.0f docs/s), + styles + numbering %.3f s\\n\", \"$kind\", $n, $fd, $n / $fd, $fdsn}"
    if $PY -c "import docx" 2>/dev/null && [ $n -le 200 ]; then
      t0=$(date +%s.%N)
      $PY -c 'import sys,docx
for f in sys.argv[1:]:
    d=docx.Document(f); [p.text for p in d.paragraphs]' $files >/dev/null 2>&1 || true
      t1=$(date +%s.%N)
      set -- $($B/bench_batch extract+reader $files)
      awk "BEGIN{printf \"%-6s %5d files  python-docx (one process) %.3f s %.0f docs/s; tcpl extract+reader is %.0fx faster\\n\", \"$kind\", $n, $t1 - $t0, $n / ($t1 - $t0), ($t1 - $t0) / $1}"
    fi
  done
done
} | tee $out/office.txt
