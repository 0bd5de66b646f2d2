#!/bin/sh
# tcpl batch on generated plans: documents/s, wall time, CPU and peak RSS
# (/usr/bin/time) with --jobs 1 and 2, a fresh output folder each run, then
# a rerun that reuses every result, and the size of report.html.
#
#   bench/bench_batch.sh [BIN]
#   BENCH_BATCH_SIZES="1000 10000" bench/bench_batch.sh   # the issue's figure
#
# The plans: each sample plan (build/samples, 7-12 KB DOCX, 15-58 KB of
# document.xml) made into BENCH_BATCH_VARIANTS distinct documents (another
# commune, province, plan number and year: other bytes, other words for the
# spelling rules), packed once, then copied 100 to a folder until there
# are N files.  Sizes default to 1,000 only so that
# `make bench` stays short on the shared machine; 10,000 is one variable
# away.  CPU is user + system seconds: on a shared machine the wall time
# also counts waiting for a core, the CPU time does not.
set -e
bin=${1:-build/tcpl}
B=${B:-build}
sizes=${BENCH_BATCH_SIZES:-1000}
variants=${BENCH_BATCH_VARIANTS:-25}
out=bench/out/batch
[ -x /usr/bin/time ] || { echo "bench_batch: /usr/bin/time missing (apt-get install time) - skipped"; exit 0; }
[ -x $B/tools/pack ] && [ -d samples/src ] || { echo "bench_batch: no $B/tools/pack (make samples)"; exit 1; }
# bench_batch (the phases and the clock probe), rebuilt when older than the library
[ -x $B/bench_batch ] && [ $B/bench_batch -nt $B/libtcpl.a ] &&
  [ $B/bench_batch -nt bench/bench_batch.c ] && [ $B/bench_batch -nt bench/clock.h ] ||
  cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Ilib/include \
  $(pkg-config --cflags libxml-2.0 libzip) bench/bench_batch.c $B/libtcpl.a \
  $(pkg-config --libs libxml-2.0 libzip zlib libpcre2-8 libutf8proc yaml-0.1 jansson hunspell) \
  -lpthread -o $B/bench_batch
rm -rf $out && mkdir -p $out/plans $out/src
# Communes and provinces the variants take (upper-case forms for the header).
communes="Phú Thịnh|PHÚ THỊNH;Hòa Bình|HÒA BÌNH;Tân Lập|TÂN LẬP;Quảng Thành|QUẢNG THÀNH;Yên Thế|YÊN THẾ;Đông Hưng|ĐÔNG HƯNG;Phước Long|PHƯỚC LONG;Thạch Hà|THẠCH HÀ;Nghĩa Đàn|NGHĨA ĐÀN;Vĩnh Lộc|VĨNH LỘC;Cẩm Xuyên|CẨM XUYÊN"
provinces="Lâm Giang|LÂM GIANG;Hà Nam|HÀ NAM;Quảng Ngãi|QUẢNG NGÃI;Bình Định|BÌNH ĐỊNH;Thái Bình|THÁI BÌNH"
pick() { # pick LIST K: the K-th (mod count) entry of a ;-separated list
  echo "$1" | awk -F';' -v k="$2" '{ print $(k % NF + 1) }'
}
for s in samples/src/*; do
  name=$(basename $s)
  v=0
  while [ $v -lt $variants ]; do
    c=$(pick "$communes" $v); p=$(pick "$provinces" $((v / 2)))
    cl=${c%|*}; cu=${c#*|}; pl=${p%|*}; pu=${p#*|}
    rm -rf $out/src/x && cp -r $s $out/src/x
    for f in $out/src/x/word/document.xml $out/src/x/word/header*.xml; do
      [ -f $f ] || continue
      sed -i -e "s/Phú Thịnh/$cl/g; s/PHÚ THỊNH/$cu/g; s/Lâm Giang/$pl/g; s/LÂM GIANG/$pu/g" \
             -e "s#\([0-9][0-9]*\)/KH-UBND#$((v + 1))\1/KH-UBND#g; s/202\([0-9]\)/20$((20 + v % 7))/g" $f
    done
    $B/tools/pack $out/src/x $out/plans/$name-$(printf %03d $v).docx
    v=$((v + 1))
  done
done
rm -rf $out/src
plans=$(ls $out/plans/*.docx)
echo "== tcpl batch on $(nproc) cores: $(echo $plans | wc -w) distinct generated plans, $(du -sk $out/plans | cut -f1) KB =="
for n in $sizes; do
  rm -rf $out/in $out/res $out/res1 $out/res2 $out/res3 && mkdir -p $out/in/000
  # one folder of 100 plans, then copies of that folder (one cp per 100
  # files: 10,000 single copies take minutes on a loaded machine); the
  # rest of N in a last, partial folder
  i=0
  while [ $i -lt 100 ] && [ $i -lt $n ]; do
    for f in $plans; do
      [ $i -lt 100 ] && [ $i -lt $n ] || break
      cp "$f" $out/in/000/$(printf %03d $i)-$(basename "$f")
      i=$((i+1))
    done
  done
  d=1
  while [ $(( (d + 1) * 100 )) -le $n ]; do
    cp -r $out/in/000 $out/in/$(printf %03d $d)
    d=$((d+1))
  done
  if [ $((d * 100)) -lt $n ]; then
    mkdir $out/in/$(printf %03d $d)
    ls $out/in/000/* | head -n $((n - d * 100)) | xargs -I{} cp {} $out/in/$(printf %03d $d)/
  fi
  echo "$(find $out/in -type f | wc -l) input files"
  # Each run writes into a folder of its own, and the folders are removed
  # only after the last run: ext4 without a journal (this machine's) skips
  # inodes freed in the last seconds when it allocates one, one by one, so a
  # run started just after `rm -rf` of 10,000 results pays seconds of system
  # time that a real run into a new folder does not (docs/bench.md, "Batch"):
  # the old outputs went before the inputs were made, then written out, and
  # the kernel's window (5 s for inodes written out) is let pass.
  sync
  sleep 6
  # each vCPU's clock before and after the runs: this VM's host at times
  # runs one of them at a third of its speed, and the wall figures with it
  $B/bench_batch clock
  for j in 1 2; do
    # batch exits 1 when a file has Lỗi (the samples do): time then writes a status line first
    /usr/bin/time -f "%e %M %U %S" -o $out/time.txt $bin batch $out/in --out $out/res$j --jobs $j -q || true
    set -- $(tail -1 $out/time.txt); secs=$1; kb=$2; cpu=$(awk "BEGIN{print $3 + $4}")
    awk "BEGIN{printf \"batch %5d files --jobs %d   %6.2f s  %6.0f docs/s  CPU %6.2f s (%.2f ms/doc; user %.2f, system %.2f)  peak RSS %6.1f MB\\n\", $n, $j, $secs, $n / ($secs > 0 ? $secs : 0.01), $cpu, 1000 * $cpu / $n, $3, $4, $kb / 1024}"
  done
  # the same outputs whatever the number of workers
  $B/bench_batch clock
  if diff -r $out/res1 $out/res2 >/dev/null; then echo "--jobs 1 and --jobs 2: identical outputs"
  else echo "--jobs 1 and --jobs 2: OUTPUTS DIFFER"; fi
  # BENCH_BATCH_PHASES=1: one more --jobs 2 run, in-process, CPU and wall
  # of each phase (bench_batch phases: setup, walk, workers, finish)
  if [ -n "$BENCH_BATCH_PHASES" ]; then
    $B/bench_batch phases $out/res3 2 $out/in |
      awk -v n=$n '$1 == "files" { next } { printf "phase %-8s CPU %6.2f s  wall %6.2f s  (calling thread CPU %6.2f s)\n", $1, $2, $3, $4 }'
  fi
  mv $out/res2 $out/res
  /usr/bin/time -f "%e %M" -o $out/time.txt $bin batch $out/in --out $out/res --jobs 2 -q || true
  set -- $(tail -1 $out/time.txt); secs=$1; kb=$2
  awk "BEGIN{printf \"batch %5d files rerun (all reused) %6.2f s  peak RSS %6.1f MB\\n\", $n, $secs, $kb / 1024}"
  ls -l $out/res/report.html | awk '{printf "report.html %.1f MB\n", $5 / 1048576}'
  # Chromium: milliseconds from navigation to the table drawn (the page's
  # script writes them into <body data-ready>), three loads; the wall time
  # of the whole chromium call (start-up included) beside it.
  if command -v chromium >/dev/null 2>&1; then
    for k in 1 2 3; do
      t0=$(date +%s%N)
      ms=$(chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$(pwd)/$out/res/report.html" 2>/dev/null |
           sed -n 's/.*<body data-ready="\([0-9]*\)".*/\1/p')
      t1=$(date +%s%N)
      echo "report.html in chromium: table drawn after ${ms:-?} ms (chromium call $(( (t1 - t0) / 1000000 )) ms)"
    done
  fi
done
[ -n "$BENCH_BATCH_KEEP" ] || rm -rf $out
