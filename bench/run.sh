#!/bin/sh
# make bench: throughput and memory of `tcpl text` on >= 1000 DOCX files,
# beside a bare inflate + XML scan, pandoc -t plain and python-docx (when
# installed).  Figures go to stdout and bench/out/results.txt.
set -e
bin=${1:-build/tcpl}
B=${B:-build}
N=${BENCH_FILES:-1000}
out=bench/out
mkdir -p $out/corpus
# The corpus: every real rendering and sample, copied under distinct names
# until there are N files.
src=$(ls ../shared/corpus/*.docx $B/samples/*.docx 2>/dev/null || true)
[ -n "$src" ] || { echo "bench: no DOCX files found"; exit 1; }
rm -f $out/corpus/*.docx
i=0
while [ $i -lt $N ]; do
  for f in $src; do
    [ $i -lt $N ] || break
    cp "$f" $out/corpus/$(printf %05d $i)-$(basename "$f")
    i=$((i+1))
  done
done
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Ilib/include $(pkg-config --cflags libxml-2.0 libzip) \
  bench/bench_read.c $B/libtcpl.a \
  $(pkg-config --libs libxml-2.0 libzip zlib libpcre2-8 libutf8proc yaml-0.1 jansson hunspell) -lpthread \
  -o $B/bench_read
{
echo "== tcpl bench $(date -u +%Y-%m-%d) on $(nproc) cores, $N files =="
$B/bench_read $out/corpus/*.docx
# The CLI itself over every file in one process: time and peak RSS.
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "%e %M" -o $out/time.txt $bin text $out/corpus/*.docx >/dev/null
  read secs kb < $out/time.txt
  awk "BEGIN{printf \"tcpl text, all %d files, one process  %.2f s, %.0f docs/s, peak RSS %d KB\\n\", $N, $secs, $N / $secs, $kb}"
  /usr/bin/time -f "%e %M" -o $out/time.txt $bin extract --json $out/corpus/*.docx >/dev/null
  read xsecs kb < $out/time.txt
  awk "BEGIN{printf \"tcpl extract --json, all files      %.2f s, %.0f docs/s, peak RSS %d KB\\n\", $xsecs, $N / $xsecs, $kb}"
  # check exits 1 when it finds errors; time then writes a status line first
  /usr/bin/time -f "%e %M" -o $out/time.txt $bin check --format json $out/corpus/*.docx >/dev/null || true
  set -- $(tail -1 $out/time.txt); csecs=$1; kb=$2
  awk "BEGIN{printf \"tcpl check --format json, all files %.2f s, %.0f docs/s, peak RSS %d KB (%.2fx extract)\\n\", $csecs, $N / $csecs, $kb, $csecs / $xsecs}"
fi
# Per-file process cost, the way pandoc and python-docx are run: 100 files.
sub=$(ls $out/corpus/*.docx | head -100)
t0=$(date +%s.%N); for f in $sub; do $bin text "$f" >/dev/null; done; t1=$(date +%s.%N)
tcpl_pf=$(awk "BEGIN{print ($t1 - $t0) / 100}")
awk "BEGIN{printf \"tcpl text, one process per file   %.2f ms/file\\n\", $tcpl_pf * 1000}"
# The same 100 files in one process (tcpl text accepts many files).
t0=$(date +%s.%N); $bin text $sub >/dev/null; t1=$(date +%s.%N)
tcpl_batch=$(awk "BEGIN{print ($t1 - $t0) / 100}")
awk "BEGIN{printf \"tcpl text, 100 files per process   %.2f ms/file\\n\", $tcpl_batch * 1000}"
if command -v pandoc >/dev/null 2>&1; then
  t0=$(date +%s.%N); for f in $sub; do pandoc -t plain "$f" >/dev/null 2>&1 || true; done; t1=$(date +%s.%N)
  pf=$(awk "BEGIN{print ($t1 - $t0) / 100}")
  awk "BEGIN{printf \"pandoc -t plain, per file         %.2f ms/file   tcpl is %.0fx faster (%.0fx in one process)\\n\", $pf * 1000, $pf / $tcpl_pf, $pf / $tcpl_batch}"
else
  echo "pandoc: not installed (apt-get install pandoc) - skipped"
fi
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
if $PY -c "import docx" 2>/dev/null; then
  t0=$(date +%s.%N)
  for f in $sub; do $PY -c 'import sys,docx; d=docx.Document(sys.argv[1]); [p.text for p in d.paragraphs]' "$f" >/dev/null 2>&1 || true; done
  t1=$(date +%s.%N)
  pf=$(awk "BEGIN{print ($t1 - $t0) / 100}")
  awk "BEGIN{printf \"python-docx, per file             %.2f ms/file   tcpl is %.0fx faster (%.0fx in one process)\\n\", $pf * 1000, $pf / $tcpl_pf, $pf / $tcpl_batch}"
else
  echo "python-docx: not installed (apt-get install python3-docx) - skipped"
fi
} | tee $out/results.txt
sh bench/bench_batch.sh $bin | tee -a $out/results.txt
sh bench/bench_fill.sh $bin | tee -a $out/results.txt

# The office-shaped corpora (issue 8): bench/office.sh.
B=$B sh bench/office.sh
