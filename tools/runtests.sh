#!/bin/sh
# make test: runs every test binary from the top of the tree, then says what
# was NOT tested, so a green run cannot hide skipped tests.
#   tools/runtests.sh BUILD_DIR TEST_BINARY...
# Each binary's output is kept in BUILD_DIR/tests/NAME.out; the reasons it
# gave for skipping (tests/helpers/testutil.h: tu_skipped, TU_SKIP, and
# tu_corpus when the corpus is absent) in BUILD_DIR/tests/NAME.skips.
# Any failing binary fails the run.
B=$1
shift
fail=0
failed=
nskip=0
summary=
for t in "$@"; do
  n=$(basename "$t")
  out=$B/tests/$n.out
  log=$B/tests/$n.skips
  rm -f "$log" "$out.rc"
  echo "== $t"
  { TCPL_BIN=$B/tcpl TCPL_SKIP_LOG=$log "$t" 2>&1; echo $? > "$out.rc"; } | tee "$out"
  if [ "$(cat "$out.rc" 2>/dev/null)" != 0 ]; then
    fail=1
    failed="$failed $n"
  fi
  # cmocka prints "[  SKIPPED ] name" for each skipped test (twice: as it
  # runs and in its final list).
  names=$(sed -n 's/^\[  SKIPPED \] \([A-Za-z0-9_]*\)$/\1/p' "$out" | sort -u | tr '\n' ' ')
  k=$(echo $names | wc -w)
  nskip=$((nskip + k))
  if [ "$k" -gt 0 ] || [ -s "$log" ]; then
    if [ "$k" -gt 0 ]; then
      line="  $n: $k skipped ($(echo $names))"
    else
      line="  $n: some tests left out"
    fi
    if [ -s "$log" ]; then
      reasons=$(sort -u "$log" | sed 's/^/      /')
      summary="$summary$line; why:
$reasons
"
    else
      summary="$summary$line; why: not recorded (use TU_SKIP in the test)
"
    fi
  fi
done
echo
if [ -n "$summary" ]; then
  echo "SKIPPED: $nskip test(s) did not run:"
  printf '%s' "$summary"
else
  echo "skipped: none"
fi
if [ $fail -ne 0 ]; then
  echo "TESTS FAILED:$failed"
  exit 1
fi
if [ "$nskip" -gt 0 ]; then echo "all tests passed; $nskip skipped (above)"; else echo "all tests passed"; fi
