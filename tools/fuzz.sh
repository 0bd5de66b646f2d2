#!/bin/sh
# make fuzz: builds the libFuzzer harness with clang and runs it for
# FUZZ_SECONDS (default 60) on a seed corpus of real DOCX files.
set -e
if ! command -v clang >/dev/null 2>&1; then
  echo "make fuzz: clang not found (apt-get install clang); skipped"
  exit 0
fi
B=build-fuzz
make --no-print-directory B=$B CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
  SAN="-fsanitize=address,undefined,fuzzer-no-link" $B/libtcpl.a
mkdir -p $B/corpus
cp -n build/samples/*.docx $B/corpus/ 2>/dev/null || true
cp -n ../shared/corpus/*.docx $B/corpus/ 2>/dev/null || true
clang -O1 -g -fsanitize=address,undefined,fuzzer -Ilib/include tests/fuzz/fuzz_docx.c \
  $B/libtcpl.a $(pkg-config --libs libxml-2.0 libzip libpcre2-8 libutf8proc yaml-0.1 jansson) \
  -lpthread -o $B/fuzz_docx
echo "fuzzing for ${FUZZ_SECONDS:-60}s; crashes go to $B/"
$B/fuzz_docx -max_total_time="${FUZZ_SECONDS:-60}" -max_len=200000 -rss_limit_mb=2048 \
  -artifact_prefix=$B/ $B/corpus
