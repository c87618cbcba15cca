# Loa — build, test and publish. `make site` and `make test` set up a fresh
# Debian 12 machine themselves (scripts/install-deps.sh).

CC      ?= cc
# One C++ translation unit (generator/content/toml.cpp, over toml++).
# `make` defaults CXX to g++; the fuzz build passes clang++.
CXX     ?= g++
PREFIX  ?= /usr/local
BUILD   ?= build
CFLAGS  ?= -O2 -g
SANFLAGS ?=
# libvips is linked only into the module loa-images.so, which loa loads
# when a build has images (generator/media/images_module.h): its hundred
# libraries cost every other run of loa 50 ms. glib is loa's own (editor.c).
# libcrypto: SHA-256 for cache keys and objects (incr/key.c).
CORE_PKGS := libcmark-gfm lua5.4 libgit2 yaml-0.1 icu-uc icu-i18n icu-io libmicrohttpd glib-2.0 libcrypto
PKGS    := $(CORE_PKGS) vips

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wvla -Wwrite-strings -Wno-unused-parameter
# Recursively expanded on purpose: evaluated when a recipe runs, after the
# deps stamp has installed whatever pkg-config was missing.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(CORE_PKGS))
VIPS_LIBS  = $(shell pkg-config --libs vips)
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE -DLOA_DATADIR=\"$(PREFIX)/share/loa\" $(WARN) -Igenerator $(PKG_CFLAGS) $(CFLAGS) $(SANFLAGS)
# toml++ is used header-only and without exceptions (toml.cpp sets the
# macros), so it needs no flags of pkg-config and no -ltomlplusplus.
CXXWARN := -Wall -Wextra -Werror -Wshadow -Wvla -Wno-unused-parameter
# clang's UBSan checks vptr and function types of C++ with a runtime it
# links only when it links as C++; our binaries link as C (gcc's libubsan
# has it all, so gcc keeps every check).
COMMA := ,
ALL_CXXFLAGS = -std=c++17 -fno-exceptions -D_GNU_SOURCE $(CXXWARN) -Igenerator $(CFLAGS) $(SANFLAGS) \
               $(if $(and $(SANFLAGS),$(findstring clang,$(CXX))),-fno-sanitize=vptr$(COMMA)function)
# jemalloc replaces malloc, except under the sanitizers (which bring their
# own). Why: the render workers are forked from the builder, and glibc's
# first malloc in each worker went through every chunk the builder had
# freed, copying each page it touched: 2.5-5 s per worker at 10,000 pages
# (render timeouts on a loaded machine) and a third of the render's CPU.
MALLOC_LIBS = $(if $(SANFLAGS),,$(shell pkg-config --libs jemalloc))
LDLIBS     = $(PKG_LIBS) $(MALLOC_LIBS) -lstdc++ -lm

# images_vips.c is the module's (IMAGES_MOD below), not libloa's
LIB_SRCS  := $(sort $(shell find generator -name '*.c' ! -path 'generator/cmd/*' ! -name images_vips.c))
CXX_SRCS  := $(sort $(shell find generator -name '*.cpp'))
CLI_SRCS  := $(sort $(shell find generator/cmd -name '*.c'))
# Lua and JavaScript compiled into the binary (the template runtime, the
# plugin prelude, the live-reload script): generator/DIR/NAME.EXT becomes
# $(BUILD)/gen/DIR/NAME.EXT.c defining NAME_EXT[] and NAME_EXT_len, as
# declared by generator/DIR/NAME.h (scripts/embed.c). tests/e2e/t87 checks
# their syntax.
EMBED_SRCS := $(sort $(shell find generator -name '*.lua' -o -name '*.js'))
EMBED_OBJS := $(EMBED_SRCS:generator/%=$(BUILD)/gen/%.o)
EMBED_TOOL := $(BUILD)/tools/embed
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(CXX_SRCS:%.cpp=$(BUILD)/obj/%.o) $(EMBED_OBJS)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
DEPS_STAMP := build/.deps-ok

.DELETE_ON_ERROR:
.SUFFIXES:
.PHONY: all site test unit e2e asan install clean deps hdr-check cppcheck bench fuzz editor deb

all: $(BUILD)/loa loa

loa: $(BUILD)/loa
	@if [ "$(BUILD)" = build ]; then cp $(BUILD)/loa loa && cp $(IMAGES_MOD) loa-images.so; fi

$(DEPS_STAMP):
	@mkdir -p build
	@{ pkg-config --exists $(PKGS) tomlplusplus jemalloc && command -v $(CXX) > /dev/null; } || sh scripts/install-deps.sh
	@touch $@

deps: $(DEPS_STAMP)

$(BUILD)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/%.o: %.cpp | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -MMD -MP -c $< -o $@

# The generator is a plain C program run at build time: built without the
# sanitizers or the coverage instrumentation of the build it serves.
$(EMBED_TOOL): scripts/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 $(WARN) -O1 -o $@ $<

$(BUILD)/gen/%.c: generator/% $(EMBED_TOOL)
	@mkdir -p $(dir $@)
	$(EMBED_TOOL) $< $(basename $*).h $(subst .,_,$(notdir $*)) $@

# the generated C files stay (make would delete them as intermediate files),
# to be read when in doubt about what the binary holds
.SECONDARY: $(EMBED_OBJS:.o=.c)

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c | $(DEPS_STAMP)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libloa.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# ---- the libvips module (generator/media/images_module.h) ----------------
# loa-images.so: images_vips.c alone, linked to libvips. loa checks its
# SHA-1, compiled into images_module.o, before loading it; the module calls
# back into loa through the symbols IMAGES_DYNLIST exports (those of libloa
# that images_vips.o uses, and no others).
IMAGES_MOD := $(BUILD)/loa-images.so
IMAGES_VIPS_OBJ := $(BUILD)/obj/generator/media/images_vips.o
IMAGES_DYNLIST := $(BUILD)/images.dynlist
LOA_LIBDIR := $(PREFIX)/lib/loa

$(IMAGES_VIPS_OBJ): ALL_CFLAGS += -fPIC

$(IMAGES_MOD): $(IMAGES_VIPS_OBJ)
	$(CC) -shared $(CFLAGS) $(SANFLAGS) -o $@ $< $(VIPS_LIBS)

$(BUILD)/obj/generator/media/images_module.o: generator/media/images_module.c $(IMAGES_MOD) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DLOA_LIBDIR=\"$(LOA_LIBDIR)\" \
	    -DLOA_IMAGES_SHA1=\"$$(sha1sum $(IMAGES_MOD) | cut -c1-40)\" -MMD -MP -c $< -o $@

$(IMAGES_DYNLIST): $(IMAGES_VIPS_OBJ) $(BUILD)/libloa.a
	nm -g --defined-only $(BUILD)/libloa.a | awk 'NF == 3 { print $$3 }' | sort -u > $@.defined
	{ echo '{'; nm -u $(IMAGES_VIPS_OBJ) | awk '{ print $$NF }' | sort -u | \
	    comm -12 - $@.defined | sed 's/.*/  &;/'; echo '};'; } > $@
	rm -f $@.defined

$(BUILD)/loa: $(CLI_OBJS) $(BUILD)/libloa.a $(IMAGES_DYNLIST)
	$(CC) $(CFLAGS) $(SANFLAGS) -Wl,--dynamic-list=$(IMAGES_DYNLIST) -o $@ $(CLI_OBJS) \
	    $(BUILD)/libloa.a $(LDLIBS)

# test_images makes its test pictures with libvips itself
$(BUILD)/tests/test_images: TEST_LIBS = $(VIPS_LIBS)
$(BUILD)/tests/%: tests/unit/%.c tests/unit/harness.h $(BUILD)/libloa.a $(IMAGES_DYNLIST)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -Wl,--dynamic-list=$(IMAGES_DYNLIST) -o $@ $< \
	    $(BUILD)/libloa.a $(LDLIBS) $(TEST_LIBS)

unit: $(UNIT_BINS)

# Decap CMS for sites with `editor:` in site.yaml (/quan-tri/): the npm
# package pinned in editor/package-lock.json, installed once (npm ci), its
# files checked against editor/decap.sha256 and copied to editor/decap/.
editor:
	@sh scripts/editor-vendor.sh

# The sample site: content/ of this repository at HEAD (or the work tree
# when the repository has no commit yet, e.g. in an unpacked tarball).
site: all
	./loa build --out public $(if $(shell git rev-parse -q --verify HEAD 2>/dev/null),,--worktree)

test: all unit
	@sh scripts/install-deps.sh --test
	@sh scripts/editor-vendor.sh
	@$(MAKE) --no-print-directory BUILD=build/asan \
	    SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    CFLAGS="-O1 -g" build/asan/loa $(UNIT_SRCS:tests/unit/%.c=build/asan/tests/%)
	@$(MAKE) --no-print-directory fuzz-build
	@sh tests/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/loa $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 build/loa $(DESTDIR)$(PREFIX)/bin/loa
	install -d $(DESTDIR)$(LOA_LIBDIR)
	install -m 644 build/loa-images.so $(DESTDIR)$(LOA_LIBDIR)/loa-images.so
	cp -R themes plugins $(DESTDIR)$(PREFIX)/share/loa/
	if [ -f editor/decap/SHA256SUMS ]; then install -d $(DESTDIR)$(PREFIX)/share/loa/editor && cp -R editor/decap $(DESTDIR)$(PREFIX)/share/loa/editor/; fi
	if [ -f docs/loa.1 ]; then install -m 644 docs/loa.1 $(DESTDIR)$(PREFIX)/share/man/man1/loa.1; fi
	# the Vietnamese page where man looks for a vi locale (man -L vi loa)
	if [ -f docs/loa.vi.1 ]; then install -d $(DESTDIR)$(PREFIX)/share/man/vi/man1 && \
	    install -m 644 docs/loa.vi.1 $(DESTDIR)$(PREFIX)/share/man/vi/man1/loa.1; fi

# Install without building: $(BUILD)/loa_VERSION_ARCH.deb (the binary,
# the theme and plugins in /usr/share/loa, the man pages; its dependencies
# from dpkg-shlibdeps). `sudo apt install ./build/loa_*.deb`.
deb: $(BUILD)/loa
	@sh scripts/mkdeb.sh $(BUILD)/loa $(BUILD)

# Every header compiles alone.
hdr-check: $(DEPS_STAMP)
	@for h in $$(find generator -name '*.h'); do \
	    echo "#include \"$${h#generator/}\"" | $(CC) $(ALL_CFLAGS) -x c -fsyntax-only - || exit 1; \
	done; echo "hdr-check: ok"

cppcheck:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	    --std=c11 -Igenerator --suppress=missingIncludeSystem --inline-suppr generator

clean:
	rm -rf build loa loa-images.so public .public.loa-*

# Loa against Hugo and the cmark-gfm floor (bench/run.py): corpora from
# ../shared/bench (BENCH_SHARED), cached in build/bench/; the table goes to
# build/bench/results.md. `make bench SIZES="1000 10000" RUNS=5`.
SIZES ?= 1000 10000 50000
RUNS  ?= 3
bench: $(BUILD)/loa
	@sh bench/run.sh --loa $(BUILD)/loa --sizes "$(SIZES)" --runs $(RUNS)

# ---- fuzzing: libFuzzer targets tests/fuzz/fuzz_*.c, linked with clang
# against the library compiled with coverage instrumentation and ASan+UBSan
# in build/fuzz/ (a recursive make with BUILD=build/fuzz CC=clang).
# `make fuzz` runs each target FUZZ_SECONDS from its seed corpus, keeping
# what it learns in build/fuzz/corpus/;
# `make test` runs tests/fuzz/run.sh: a short run plus the regressions.
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SECONDS ?= 600
.PHONY: fuzz-build

fuzz-build: $(DEPS_STAMP)
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang CXX=clang++ CFLAGS="-O1 -g" \
	    SANFLAGS="$(FUZZ_SANFLAGS)" $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/bin/%)

$(BUILD)/bin/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(BUILD)/libloa.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< $(BUILD)/libloa.a $(LDLIBS)

fuzz: fuzz-build
	@sh tests/fuzz/run.sh --long $(FUZZ_SECONDS)

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)
