#!/bin/sh
# make fuzz: builds the libFuzzer harnesses (tests/fuzz/) with clang,
# ASan and UBSan, makes seed corpora from the real documents, and runs each
# harness for FUZZ_SECONDS (default 60).
#   fuzz_docx  raw bytes as a .docx (zip layer, then everything after it)
#   fuzz_xml   XML or text lines packed into a valid .docx by the harness
#   fuzz_template  document XML and JSON data: template compiler and filler
#   fuzz_annotate  body XML, comments and commentsExtended entries: tcpl annotate
# FUZZ_TARGETS="fuzz_xml" runs only some; FUZZ_JOBS=2 runs that many
# processes per harness (logs in build-fuzz/fuzz-N.log).
# FUZZ_SMOKE=1 (make fuzz-smoke, part of make check): each harness runs
# FUZZ_SECONDS (20) over the seeds into a fresh corpus, so a run's result
# depends on the code, not on what earlier runs grew; without clang and
# libFuzzer it says so and succeeds.
# Crashes, hangs (> 5 s) and leaks go to build-fuzz/crashes/; replay one
# with build-fuzz/fuzz_xml build-fuzz/crashes/FILE.
set -e
SMOKE=${FUZZ_SMOKE:-0}
NAME="make fuzz"
[ "$SMOKE" = 1 ] && NAME="make fuzz-smoke"
if ! command -v clang >/dev/null 2>&1; then
  echo "$NAME: SKIPPED: clang not found (apt-get install clang); the fuzzers did not run"
  exit 0
fi
TOP=$(pwd)
B=$TOP/build-fuzz
mkdir -p "$B"
# clang without libFuzzer (no compiler-rt) cannot link a harness.
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
  > "$B/probe.c"
if ! clang -fsanitize=fuzzer "$B/probe.c" -o "$B/probe" >/dev/null 2>&1; then
  echo "$NAME: SKIPPED: clang cannot link -fsanitize=fuzzer (install libclang-rt-dev or a full clang); the fuzzers did not run"
  exit 0
fi
if [ "$SMOKE" = 1 ]; then
  SECONDS_EACH=${FUZZ_SECONDS:-20}
  # a loaded machine must not turn a slow input into a "hang"
  TIMEOUT=${FUZZ_TIMEOUT:-10}
else
  SECONDS_EACH=${FUZZ_SECONDS:-60}
  TIMEOUT=${FUZZ_TIMEOUT:-5}
fi
TARGETS=${FUZZ_TARGETS:-fuzz_docx fuzz_xml fuzz_template fuzz_annotate}
JOBS=${FUZZ_JOBS:-1}
# UB must stop the run like a crash, or libFuzzer never keeps the input.
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
LIBS="$(pkg-config --libs libxml-2.0 libzip zlib libpcre2-8 libutf8proc yaml-0.1 jansson hunspell) -lpthread"
CFLAGS_H="-O1 -g -fno-omit-frame-pointer -std=c11 -Wall -Wextra -Werror -Wno-unused-function \
  -D_POSIX_C_SOURCE=200809L -Ilib/include -Ilib/src -Itests $(pkg-config --cflags libxml-2.0 libzip jansson)"

# The Makefile does not track flags: objects built with others are thrown away.
if [ "$(cat "$B/.san" 2>/dev/null)" != "$SAN" ]; then
  rm -rf "$B/lib" "$B/libtcpl.a"
  echo "$SAN" > "$B/.san"
fi
make --no-print-directory B=build-fuzz CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
  SAN="$SAN -fsanitize=fuzzer-no-link" build-fuzz/libtcpl.a
# The ordinary build gives the sample documents and `tcpl text` for seeds.
make --no-print-directory build/tcpl samples >/dev/null || true

for t in $TARGETS; do
  extra=
  [ "$t" = fuzz_xml ] || [ "$t" = fuzz_template ] || [ "$t" = fuzz_annotate ] && extra=tests/helpers/hostile.c
  clang $CFLAGS_H $SAN -fsanitize=fuzzer tests/fuzz/$t.c $extra "$B/libtcpl.a" $LIBS -o "$B/$t"
done

# ---- seed corpora (generated here, never committed) ----------------------
CORPUS=${TCPL_CORPUS:-../shared/corpus}
docs=$(ls build/samples/*.docx "$CORPUS"/*.docx 2>/dev/null || true)
rm -rf "$B/seeds"
mkdir -p "$B/seeds/fuzz_docx" "$B/seeds/fuzz_xml" "$B/seeds/fuzz_template" "$B/seeds/fuzz_annotate" \
  "$B/crashes"
# Templates: each shipped one's document.xml, byte 0x01, its sample data.
for d in templates/*/; do
  n=$(basename "$d")
  { cat "$d/word/document.xml"; printf '\001'; cat "samples/data/$n.json" 2>/dev/null; } \
    > "$B/seeds/fuzz_template/$n"
done
for d in $docs; do cp "$d" "$B/seeds/fuzz_docx/"; done
# Annotate: each sample's body (inside w:body), then an earlier tcpl comment,
# a reviewer's reply and their commentsExtended entries.
com='<w:comment w:id="1" w:author="tcpl"><w:p w14:paraId="10000001"><w:r><w:t>Lỗi cũ</w:t></w:r></w:p></w:comment><w:comment w:id="2" w:author="Hoa"><w:p w14:paraId="10000002"><w:r><w:t>Đã sửa</w:t></w:r></w:p></w:comment>'
cex='<w15:commentEx w15:paraId="10000001" w15:done="0"/><w15:commentEx w15:paraId="10000002" w15:paraIdParent="10000001" w15:done="1"/>'
for d in build/samples/*.docx; do
  [ -f "$d" ] || continue
  python3 - "$d" "$B/seeds/fuzz_annotate/$(basename "$d" .docx)" "$com" "$cex" <<'PYEOF' || true
import re, sys, zipfile
x = zipfile.ZipFile(sys.argv[1]).read("word/document.xml").decode("utf-8")
m = re.search(r"<w:body>(.*)</w:body>", x, re.S)
if m:
    open(sys.argv[2], "wb").write(m.group(1)[:60000].encode() + b"\x01" + sys.argv[3].encode()
                                  + b"\x01" + sys.argv[4].encode())
PYEOF
done
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L $(pkg-config --cflags libzip) tests/fuzz/seed_xml.c \
  $(pkg-config --libs libzip) -o "$B/seed_xml"
tmp=$B/seeds/tmp
mkdir -p "$tmp"
for d in $docs; do
  n=$(basename "$d" .docx)
  "$B/seed_xml" "$d" "$B/seeds/fuzz_xml/xml-$n" || true
  # Text mode ('1'): the document as `tcpl text` prints it, in slices.
  if [ -x build/tcpl ] && build/tcpl text "$d" > "$tmp/$n.txt" 2>/dev/null; then
    split -C 6000 -d "$tmp/$n.txt" "$tmp/$n."
    for s in "$tmp/$n".[0-9]*; do
      { printf 1; cat "$s"; } > "$B/seeds/fuzz_xml/txt-$(basename "$s")"
    done
  fi
done
for s in "$CORPUS"/seeds/*.txt; do
  [ -f "$s" ] || continue
  # Markdown emphasis and heading marks off: the text as printed.
  { printf 1; sed 's/\*//g; s/^#* *//; s/  *$//' "$s"; } > "$B/seeds/fuzz_xml/seed-$(basename "$s")"
done
rm -rf "$tmp"
# Text boxes, which the sample documents lack: a shape in a run, in both of
# Word's forms, inside a table cell and a footnote.
tb='<w:txbxContent><w:p><w:r><w:t>Đơn vị chủ trì: Sở Tư pháp</w:t></w:r></w:p></w:txbxContent>'
printf '0<w:p><w:r><w:t>1. Hoạt động</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>%s</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>%s</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>' "$tb" "$tb" > "$B/seeds/fuzz_xml/textbox-1"
printf '0<w:tbl><w:tr><w:tc><w:p><w:r><w:pict><v:shape><v:textbox>%s</v:textbox></v:shape></w:pict></w:r></w:p></w:tc></w:tr></w:tbl>\001\001\001<w:footnote w:id="1"><w:p><w:r><w:drawing>%s</w:drawing></w:r></w:p></w:footnote>' "$tb" "$tb" > "$B/seeds/fuzz_xml/textbox-2"
# libFuzzer takes only printable ASCII between the quotes: UTF-8 as \xNN.
dict_ascii() {
  LC_ALL=C awk 'BEGIN { for (i = 128; i < 256; i++) ord[sprintf("%c", i)] = i }
    /^"/ { o = ""; for (k = 1; k <= length($0); k++) { c = substr($0, k, 1)
             o = o ((c in ord) ? sprintf("\\x%02X", ord[c]) : c) }
           print o; next }
    { print }' "$@"
}
dict_ascii tests/fuzz/wordml.dict tests/fuzz/vi.dict > "$B/fuzz_xml.dict"
dict_ascii tests/fuzz/wordml.dict > "$B/fuzz_docx.dict"
dict_ascii tests/fuzz/wordml.dict tests/fuzz/template.dict > "$B/fuzz_template.dict"
dict_ascii tests/fuzz/wordml.dict > "$B/fuzz_annotate.dict"

# ---- run ------------------------------------------------------------------
status=0
for t in $TARGETS; do
  max_len=65536
  [ "$t" = fuzz_docx ] && max_len=200000
  par=
  [ "$JOBS" -gt 1 ] && par="-jobs=$JOBS -workers=$JOBS"
  corpus=$B/corpus/$t
  if [ "$SMOKE" = 1 ]; then
    corpus=$B/smoke-corpus/$t
    rm -rf "$corpus"
  fi
  mkdir -p "$corpus"
  echo "== $t: ${SECONDS_EACH}s; crashes go to $B/crashes/$t-*"
  if [ "$SMOKE" = 1 ]; then
    # one summary line instead of libFuzzer's progress; the log keeps it all
    # A fixed seed and a fixed number of runs: the smoke run does the same
    # work on every machine, so it never fails in CI on an input no run here
    # tried (the time limit only caps a slow machine).
    (cd "$B" && ./$t -seed=1 -runs="${FUZZ_SMOKE_RUNS:-300}" -max_total_time="$SECONDS_EACH" \
       -max_len=$max_len -timeout=$TIMEOUT \
       -rss_limit_mb=2048 -dict="$B/$t.dict" -artifact_prefix="$B/crashes/$t-" \
       -print_final_stats=1 $par "$corpus" "$B/seeds/$t" > "$B/$t-smoke.log" 2>&1) || status=1
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$B/$t-smoke.log" | tr '\n' ' '
    echo
    if [ $status -ne 0 ]; then
      tail -40 "$B/$t-smoke.log"
    fi
  else
    (cd "$B" && ./$t -max_total_time="$SECONDS_EACH" -max_len=$max_len -timeout=$TIMEOUT \
       -rss_limit_mb=2048 -dict="$B/$t.dict" -artifact_prefix="$B/crashes/$t-" \
       -print_final_stats=1 $par "$corpus" "$B/seeds/$t") || status=1
  fi
done
if [ $status -ne 0 ]; then
  echo "$NAME: a harness failed; inputs are in $B/crashes/ (replay: $B/fuzz_xml FILE)"
  exit 1
fi
if [ "$SMOKE" = 1 ]; then
  echo "$NAME: no crash in ${SECONDS_EACH}s per harness"
else
  echo "$NAME: no crash; growing corpora in $B/corpus/"
fi
