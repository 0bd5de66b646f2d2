#!/bin/sh
# make demo: the main job on samples/.
set -e
bin=${1:-build/tcpl}
mkdir -p build/demo
for f in build/samples/*.docx; do
  [ -e "$f" ] || continue
  out=build/demo/$(basename "$f" .docx).txt
  "$bin" text "$f" -o "$out"
  echo "  $f -> $out"
done
echo "Kết quả / output: build/demo/"
