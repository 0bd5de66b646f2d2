# tcpl — build, test, install.  See README.md.
# Library packages, found with pkg-config.  Variables are recursively expanded
# on purpose: `make deps` may install them in the same make run.
PKGS      = libxml-2.0 libzip zlib libpcre2-8 libutf8proc yaml-0.1 jansson hunspell
TEST_PKGS = cmocka
PREFIX   ?= /usr/local
DATADIR  ?= $(PREFIX)/share/tcpl
VERSION   = 0.1.0

CC       ?= cc
OPT      ?= -O2 -g
WARN      = -std=c11 -Wall -Wextra -Wshadow -Werror -Wno-unused-parameter
DEFS      = -D_POSIX_C_SOURCE=200809L -DTCPL_VERSION='"$(VERSION)"' -DTCPL_DATADIR='"$(DATADIR)"'
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lpthread
TEST_LIBS  = $(shell pkg-config --libs $(TEST_PKGS))
SAN       ?=
ALL_CFLAGS = $(OPT) $(WARN) $(DEFS) $(SAN) -fPIC -fvisibility=hidden \
             -Ilib/include -Ilib/src -Ibuild/gen $(PKG_CFLAGS) $(CFLAGS)

B        ?= build
# V=1 shows the full commands.
ifeq ($(V),1)
Q =
else
Q = @
endif
LIB_SRC   = $(sort $(wildcard lib/src/*.c lib/src/*/*.c))
LIB_HDR   = $(wildcard lib/src/*.h lib/src/*/*.h lib/include/tcpl/*.h)
LIB_OBJ   = $(LIB_SRC:lib/src/%.c=$(B)/lib/%.o) $(B)/lib/embedded.o
CMD_SRC   = $(sort $(wildcard cmd/tcpl/*.c))
CMD_OBJ   = $(CMD_SRC:cmd/tcpl/%.c=$(B)/cmd/%.o)
TEST_SRC  = $(sort $(wildcard tests/test_*.c))
TEST_BIN  = $(TEST_SRC:tests/%.c=$(B)/tests/%)
TEST_HELP = $(sort $(wildcard tests/helpers/*.c))
# Data compiled into the binary as defaults; a data dir given at run time wins.
EMBED     = $(sort $(wildcard checks/*.yaml checks/*/*.yaml checks/*/*.tsv))

.PHONY: all deps demo check test asan tsan fuzz fuzz-smoke bench install format clean samples templates
all: $(B)/tcpl $(B)/libtcpl.a $(B)/libtcpl.so samples templates

# Sample documents and templates are kept as unpacked XML sources and zipped
# here (tools/pack.c, libzip) into build/samples/NAME.docx.
SAMPLE_SRC = $(sort $(wildcard samples/src/*))
SAMPLES    = $(SAMPLE_SRC:samples/src/%=$(B)/samples/%.docx)
samples: $(SAMPLES)
$(B)/samples/%.docx: $(B)/tools/pack $(shell find samples/src -type f 2>/dev/null)
	@mkdir -p $(@D)
	@echo "  PACK    $@"
	$(Q)$(B)/tools/pack samples/src/$* $@

# Sample evidence dossiers (samples/dossiers/README.md): each commune folder's
# NAME.xml is a word/document.xml, packed with the skeleton in _khung/ into
# build/samples/dossiers/COMMUNE/NAME.docx; other files are copied as they are.
DOSSIER_SRC = $(sort $(wildcard samples/dossiers/*/*.* samples/dossiers/*/*/*.* samples/dossiers/_khung/*/.rels))
samples: $(B)/samples/dossiers/.stamp
$(B)/samples/dossiers/.stamp: $(B)/tools/pack $(DOSSIER_SRC)
	@echo "  PACK    $(B)/samples/dossiers/"
	$(Q)rm -rf $(B)/samples/dossiers && mkdir -p $(B)/samples/dossiers
	$(Q)cd samples/dossiers && find . -path ./_khung -prune -o -type f -print | sed 's|^\./||' | sort | \
	while IFS= read -r f; do \
	    out="../../$(B)/samples/dossiers/$${f%.xml}"; mkdir -p "$$(dirname "$$out")"; \
	    case "$$f" in \
	    *.xml) tmp="../../$(B)/samples/dossiers/.pack"; rm -rf "$$tmp"; mkdir -p "$$tmp/word"; \
	           cp -R _khung/. "$$tmp/" && cp "$$f" "$$tmp/word/document.xml" && \
	           ../../$(B)/tools/pack "$$tmp" "$$out.docx" || exit 1 ;; \
	    README.md) ;; \
	    *) cp "$$f" "$$out" || exit 1 ;; \
	    esac; \
	done && rm -rf ../../$(B)/samples/dossiers/.pack
	$(Q)touch $@

# Shipped templates (docs/templates.md): templates/NAME/ -> build/templates/NAME.docx.
TEMPLATE_SRC = $(sort $(wildcard templates/*))
TEMPLATES    = $(TEMPLATE_SRC:templates/%=$(B)/templates/%.docx)
templates: $(TEMPLATES)
$(B)/templates/%.docx: $(B)/tools/pack $(shell find templates -type f 2>/dev/null)
	@mkdir -p $(@D)
	@echo "  PACK    $@"
	$(Q)$(B)/tools/pack templates/$* $@

$(B)/tools/pack: tools/pack.c
	@mkdir -p $(@D)
	$(Q)$(CC) -O2 -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L $(shell pkg-config --cflags libzip) \
	    -o $@ $< $(shell pkg-config --libs libzip)

deps:
	@sh tools/deps.sh

$(B)/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	$(Q)$(CC) -O2 -std=c11 -Wall -o $@ $<

$(B)/gen/embedded.c: $(B)/tools/embed $(EMBED)
	@mkdir -p $(@D)
	@echo "  EMBED   $(words $(EMBED)) data files"
	$(Q)$(B)/tools/embed $(EMBED) > $@.tmp && mv $@.tmp $@

$(B)/lib/embedded.o: $(B)/gen/embedded.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/lib/%.o: lib/src/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/cmd/%.o: cmd/tcpl/%.c $(wildcard cmd/tcpl/*.h lib/include/tcpl/*.h)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libtcpl.a: $(LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	$(Q)ar rcs $@ $^

$(B)/libtcpl.so: $(LIB_OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(SAN) -shared -o $@ $^ $(PKG_LIBS)

$(B)/tcpl: $(CMD_OBJ) $(B)/libtcpl.a
	@echo "  LD      $@"
	$(Q)$(CC) $(SAN) -o $@ $(CMD_OBJ) $(B)/libtcpl.a $(PKG_LIBS)

$(B)/tests/%: tests/%.c $(TEST_HELP) $(B)/libtcpl.a $(wildcard tests/helpers/*.h) $(LIB_HDR)
	@mkdir -p $(@D)
	@echo "  TEST-LD $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Itests $(shell pkg-config --cflags $(TEST_PKGS)) -o $@ $< $(TEST_HELP) \
	    $(B)/libtcpl.a $(PKG_LIBS) $(TEST_LIBS)

# Every test binary runs from the top of the tree; any failure fails the run,
# and the end of the output lists every skipped test and why.
test: $(B)/tcpl $(TEST_BIN) samples templates
	@sh tools/layers.sh
	@sh tools/runtests.sh $(B) $(TEST_BIN)

# The tests, then each fuzzer for 20 s over the seeds (when clang has
# libFuzzer; it says when it skipped).
check: deps
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory fuzz-smoke

asan: deps
	@$(MAKE) --no-print-directory test B=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"

# ThreadSanitizer on the tests that share one context, checker, template,
# cache or batch run (workers and spill file) between threads (clang).
# glibc's own locked time-zone cache is invisible to TSan: tests/tsan.supp
# silences that one report.
TSAN_TESTS = test_threads test_context test_extract_lazyjit test_batch_spell test_writer test_batch_spill
tsan: deps
	@$(MAKE) --no-print-directory B=build-tsan CC=clang OPT="-O1 -g" SAN="-fsanitize=thread" \
	    $(TSAN_TESTS:%=build-tsan/tests/%) samples templates
	@$(MAKE) --no-print-directory samples templates
	@for t in $(TSAN_TESTS); do echo "tsan: $$t"; \
	    TSAN_OPTIONS="suppressions=tests/tsan.supp halt_on_error=1" build-tsan/tests/$$t || exit 1; done

demo: deps
	@$(MAKE) --no-print-directory all
	@sh tools/demo.sh $(B)/tcpl

fuzz: deps
	@sh tools/fuzz.sh

fuzz-smoke:
	@FUZZ_SMOKE=1 sh tools/fuzz.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@sh bench/run.sh $(B)/tcpl

$(B)/tcpl.pc: tools/tcpl.pc.in Makefile
	@mkdir -p $(@D)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' $< > $@

install: all $(B)/tcpl.pc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/tcpl $(DESTDIR)$(DATADIR) \
	    $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(B)/tcpl $(DESTDIR)$(PREFIX)/bin/tcpl
	install -m 644 $(B)/libtcpl.a $(B)/libtcpl.so $(DESTDIR)$(PREFIX)/lib/
	install -m 644 lib/include/tcpl/*.h $(DESTDIR)$(PREFIX)/include/tcpl/
	install -m 644 $(B)/tcpl.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/tcpl.pc
	install -m 644 docs/man/tcpl.1 $(DESTDIR)$(PREFIX)/share/man/man1/tcpl.1
	install -d $(DESTDIR)$(DATADIR)/templates
	install -m 644 $(TEMPLATES) $(DESTDIR)$(DATADIR)/templates/
	cp -R checks/. $(DESTDIR)$(DATADIR)/

# Tests are left out: their XML is built from string-literal macros that
# clang-format cannot lay out.
format:
	clang-format -i lib/src/*.c lib/src/*.h lib/src/*/*.c lib/src/*/*.h lib/include/tcpl/*.h cmd/tcpl/*.c cmd/tcpl/*.h \
	    tools/*.c bench/*.c

clean:
	rm -rf build build-asan build-fuzz build-tsan
