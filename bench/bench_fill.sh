#!/bin/sh
# Filling (docs/bench.md, "Filling"): the shipped plan template with a
# 30-item activities loop, filled BENCH_FILL_N (1,000) times in one process,
# the template compiled once (bench/bench_fill.c); then docxtpl (python3-docxtpl)
# and docxtemplater (node, when its package is installed) on the same
# template, its tags rewritten to their syntax, and the same data, with the
# ratios.
#   bench/bench_fill.sh [BIN]
set -e
B=${B:-build}
N=${BENCH_FILL_N:-1000}
NPY=${BENCH_FILL_N_DOCXTPL:-100}
out=bench/out/fill
mkdir -p $out
tpl=$B/templates/ke-hoach.docx
[ -f $tpl ] || { echo "bench_fill: $tpl missing (make templates)"; exit 1; }
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
# The data: the sample plan with its activities repeated to 30 items.
$PY - samples/data/ke-hoach.json $out/data30.json <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
acts = d["hoat_dong"]
d["hoat_dong"] = [dict(acts[i % len(acts)], noi_dung="%s (%d)" % (acts[i % len(acts)]["noi_dung"], i + 1))
                  for i in range(30)]
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PYEOF
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Ilib/include bench/bench_fill.c $B/libtcpl.a \
  $(pkg-config --libs libxml-2.0 libzip zlib libpcre2-8 libutf8proc yaml-0.1 jansson hunspell) -lpthread \
  -o $B/bench_fill
echo "== tcpl fill bench $(date -u +%Y-%m-%d) on $(nproc) cores: $tpl, 30 activities =="
line=$($B/bench_fill $tpl $out/data30.json $N)
echo "$line"
ours=$(echo "$line" | sed -n 's/.* \([0-9.]*\) docs\/s per CPU.*/\1/p')
# The same run with glibc told to keep freed memory (a process-level
# setting, not the library's).  Before the writer kept its own deflate
# stream, libzip made a fresh one (about 256 KB, mmap'd and unmapped by
# glibc) for every part, and this line was 3x the first; now the two should
# be equal, which is what it checks.
line2=$(GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4194304:glibc.malloc.trim_threshold=8388608 \
  $B/bench_fill $tpl $out/data30.json $N | sed 's/^tcpl fill/tcpl fill, malloc keeps memory/')
echo "$line2"
kept=$(echo "$line2" | sed -n 's/.* \([0-9.]*\) docs\/s per CPU.*/\1/p')

if $PY -c "import docxtpl" 2>/dev/null; then
  line=$($PY bench/bench_fill_docxtpl.py $tpl $out/data30.json $NPY $out)
  echo "$line"
  theirs=$(echo "$line" | sed -n 's/.* \([0-9.]*\) docs\/s per CPU.*/\1/p')
  awk "BEGIN{printf \"tcpl fill is %.0fx docxtpl per CPU second (%.0fx when malloc keeps memory; target >= 30x)\\n\", $ours / $theirs, $kept / $theirs}"
else
  echo "docxtpl: not installed (apt-get install python3-docxtpl) - skipped"
fi
if command -v node >/dev/null 2>&1 && node -e "require('docxtemplater'); require('pizzip')" 2>/dev/null; then
  echo "docxtemplater: installed, but no runner written yet - skipped"
else
  echo "docxtemplater: not installed (npm install docxtemplater pizzip; Debian has no package) - skipped"
fi
