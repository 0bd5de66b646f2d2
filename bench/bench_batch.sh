#!/bin/sh
# tcpl batch on generated plans (copies of the samples under distinct names,
# 100 to a folder): documents/s, wall time and peak RSS (/usr/bin/time) for
# 1,000 and 5,000 files (BENCH_BATCH_SIZES), --jobs 1 and 2, a fresh output
# folder each time, then a rerun that reuses every result.  CPU is user +
# system seconds: on a shared machine the wall time also counts waiting for
# a core, the CPU time does not.
#   bench/bench_batch.sh [BIN]
set -e
bin=${1:-build/tcpl}
B=${B:-build}
sizes=${BENCH_BATCH_SIZES:-"1000 5000"}
out=bench/out/batch
src=$(ls $B/samples/*.docx 2>/dev/null || true)
[ -n "$src" ] || { echo "bench_batch: no samples (make samples)"; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_batch: /usr/bin/time missing (apt-get install time) - skipped"; exit 0; }
echo "== tcpl batch on $(nproc) cores =="
for n in $sizes; do
  rm -rf $out && mkdir -p $out/in
  i=0
  while [ $i -lt $n ]; do
    for f in $src; do
      [ $i -lt $n ] || break
      d=$out/in/$(printf %03d $((i / 100)))
      [ -d $d ] || mkdir $d
      cp "$f" $d/$(printf %05d $i)-$(basename "$f")
      i=$((i+1))
    done
  done
  for j in 1 2; do
    rm -rf $out/res
    # batch exits 1 when a file has Lỗi (the samples do): time then writes a status line first
    /usr/bin/time -f "%e %M %U %S" -o $out/time.txt $bin batch $out/in --out $out/res --jobs $j -q || true
    set -- $(tail -1 $out/time.txt); secs=$1; kb=$2; cpu=$(awk "BEGIN{print $3 + $4}")
    awk "BEGIN{printf \"batch %5d files --jobs %d   %6.2f s  %6.0f docs/s  CPU %6.2f s  peak RSS %6d KB\\n\", $n, $j, $secs, $n / ($secs > 0 ? $secs : 0.01), $cpu, $kb}"
  done
  /usr/bin/time -f "%e %M" -o $out/time.txt $bin batch $out/in --out $out/res --jobs 2 -q || true
  set -- $(tail -1 $out/time.txt); secs=$1; kb=$2
  awk "BEGIN{printf \"batch %5d files rerun (all reused) %6.2f s  peak RSS %6d KB\\n\", $n, $secs, $kb}"
  ls -l $out/res/report.html | awk '{printf "report.html %.1f MB\n", $5 / 1048576}'
done
rm -rf $out
