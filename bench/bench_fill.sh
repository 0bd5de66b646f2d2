#!/bin/sh
# Filling (docs/bench.md, "Filling"): the shipped plan template with a
# 30-item activities loop, filled BENCH_FILL_N (1,000) times in one process,
# the template compiled once (bench/bench_fill.c); docxtpl (python3-docxtpl,
# BENCH_FILL_N_DOCXTPL documents) and docxtemplater (node, BENCH_FILL_N_DOCXTEMPLATER
# documents) on the same template, its tags rewritten to their syntax, and the
# same data.  BENCH_FILL_ROUNDS (5) rounds, the three interleaved in each, so
# that a competitor and tcpl are measured in the same minute of a shared
# machine; the ratios of CPU seconds per document, round by round, with their
# minimum, median and maximum.
#   bench/bench_fill.sh
# docxtemplater and pizzip: when node does not find them and npm is there,
# they are installed (pinned versions below) into bench/out/npm, a bench-only
# prefix that git ignores; never by make check or CI.
set -e
B=${B:-build}
N=${BENCH_FILL_N:-1000}
NPY=${BENCH_FILL_N_DOCXTPL:-100}
NJS=${BENCH_FILL_N_DOCXTEMPLATER:-100}
R=${BENCH_FILL_ROUNDS:-5}
DOCXTEMPLATER=3.71.0
PIZZIP=3.3.0
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
have_py=0; $PY -c "import docxtpl" 2>/dev/null && have_py=1
have_js=0
export NODE_PATH=bench/out/npm/node_modules${NODE_PATH:+:$NODE_PATH}
if command -v node >/dev/null 2>&1; then
  if node -e "require('docxtemplater'); require('pizzip')" 2>/dev/null; then
    have_js=1
  elif command -v npm >/dev/null 2>&1; then
    echo "docxtemplater: installing docxtemplater@$DOCXTEMPLATER pizzip@$PIZZIP into bench/out/npm (npm)"
    if timeout 300 npm install --prefix bench/out/npm --no-audit --no-fund --no-save --loglevel=error \
         docxtemplater@$DOCXTEMPLATER pizzip@$PIZZIP >/dev/null; then
      node -e "require('docxtemplater'); require('pizzip')" 2>/dev/null && have_js=1
    fi
  fi
fi
echo "== tcpl fill bench $(date -u +%Y-%m-%d) on $(nproc) cores: $tpl, 30 activities =="
# The first output of each, as text: the three must say the same.
$B/tcpl fill $tpl $out/data30.json -o $out/tcpl.docx
$B/tcpl text $out/tcpl.docx >$out/tcpl.txt
ratio() { awk "BEGIN{printf \"%.1f\", $1 / $2}"; }
rate() { echo "$1" | sed -n 's/.* \([0-9.]*\) docs\/s per CPU.*/\1/p'; }
: >$out/ratios.py; : >$out/ratios.js
r=1
while [ $r -le $R ]; do
  line=$($B/bench_fill $tpl $out/data30.json $N)
  echo "round $r: $line"
  ours=$(rate "$line")
  if [ $have_py = 1 ]; then
    line=$($PY bench/bench_fill_docxtpl.py $tpl $out/data30.json $NPY $out)
    echo "round $r: $line"
    ratio $ours $(rate "$line") >>$out/ratios.py; echo >>$out/ratios.py
  fi
  if [ $have_js = 1 ]; then
    line=$(node bench/bench_fill_docxtemplater.js $tpl $out/data30.json $NJS $out)
    echo "round $r: $line"
    ratio $ours $(rate "$line") >>$out/ratios.js; echo >>$out/ratios.js
  fi
  r=$((r + 1))
done
# min / median / max of the round-by-round ratios
spread() { sort -n "$1" | awk '{v[NR]=$1} END{printf "min %.0fx, median %.0fx, max %.0fx over %d rounds", v[1], (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2), v[NR], NR}'; }
# The same fill with glibc told to keep freed memory (a process-level
# setting, not the library's), once.  Before the writer kept its own deflate
# stream, libzip made a fresh one (about 256 KB, mmap'd and unmapped by
# glibc) for every part, and this line was 3x the others; now it should be
# within noise of them, which is what it checks.
GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4194304:glibc.malloc.trim_threshold=8388608 \
  $B/bench_fill $tpl $out/data30.json $N | sed 's/^tcpl fill/tcpl fill, malloc keeps memory/'
if [ $have_py = 1 ]; then
  $B/tcpl text $out/docxtpl.docx | cmp -s - $out/tcpl.txt && same="same text as tcpl's" || same="TEXT DIFFERS from tcpl's"
  echo "tcpl fill / docxtpl per CPU second: $(spread $out/ratios.py) (target >= 30x; docxtpl's output: $same)"
else
  echo "docxtpl: not installed (apt-get install python3-docxtpl) - skipped"
fi
if [ $have_js = 1 ]; then
  $B/tcpl text $out/docxtemplater.docx | cmp -s - $out/tcpl.txt && same="same text as tcpl's" || same="TEXT DIFFERS from tcpl's"
  echo "tcpl fill / docxtemplater per CPU second: $(spread $out/ratios.js) (target >= 10x; docxtemplater's output: $same)"
else
  echo "docxtemplater: node or npm missing, or npm could not install it - skipped"
fi
