# The course's build. `make help` lists what it can do.
#
# Chapters are found by wildcard: a chapter is the set of files that share a
# stem NN-topic (chapters/NN-topic.{md,c,runs}, exercises/NN-topic.{h,c},
# solutions/NN-topic.c, tests/NN-topic.{c,sh,oom,mutants},
# plots/NN-topic.*.gp). Adding a chapter means adding files, never editing
# this Makefile.

CC       ?= cc
AR       ?= ar
# Text and numbers are read the same whatever the reader's locale. Under
# de_DE or fr_FR, awk read "2.9654" as 2 and printed "2,0000", and the
# book quoted such numbers; under tr_TR, sed's [a-z] left out the i of
# "gradient", so no program linked its solution, and awk's toupper wrote
# "FAiL". Every command make runs gets C.UTF-8 for characters and sorting
# and C for numbers; the rest (the language of messages above all) stays
# the reader's. LC_ALL, which would override them, is handed on as LANG.
ifneq ($(LC_ALL),)
export LANG := $(LC_ALL)
endif
unexport LC_ALL
export LC_CTYPE := C.UTF-8
export LC_COLLATE := C.UTF-8
export LC_NUMERIC := C
# build/ must be the user's to write: after one sudo make it is root's, and
# every later make failed deep inside, on "Permission denied". Asked by the
# user's own make, before anything is made (build/links/ holds makefiles
# this one includes); the makes it starts need not ask again, nor does the
# grader's make in its sandbox (GRADE_SIDE=student), whose user is not the
# course's owner and writes only its own folder.
ifeq ($(MAKELEVEL)$(GRADE_SIDE),0)
not_yours := $(shell tools/build-is-yours.sh)
ifneq ($(not_yours),)
$(error $(not_yours))
endif
endif
# Every core by default (an explicit -jN on the command line wins, and the
# makes that `make` and `make test` start share the first one's jobs).
ifeq ($(MAKELEVEL)$(filter -j% --jobserver%,$(MAKEFLAGS)),0)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif
# make -n, -t and -q still run a recipe line that names $(MAKE), so that the
# make it starts can show what it would do. Some recipes hand $(MAKE) to a
# script (to share this make's job slots) that also writes by itself: a
# chapter's data (emptied first), grades, reports. Under those flags such a
# line starts with $(skip_when_dry), "exit 0;", and its shell stops there:
# make -n shows the line, make -t and -q leave everything as it was.
make_flags := $(firstword -$(MAKEFLAGS))
skip_when_dry := $(if $(findstring n,$(make_flags))$(findstring t,$(make_flags))$(findstring q,$(make_flags)),exit 0;)
WARNINGS  = -Wall -Wextra -Wpedantic -Wshadow -Werror
# CFLAGS is yours to set (make CFLAGS=-O0); what the course's numbers rely
# on is added whatever you set: no fast-math, and no fused multiply-adds,
# so results do not depend on the compiler's choices. The debugging
# information names the checkout as ".", so an object's bytes do not
# depend on the folder it was built in (a copy of the tree, a student's
# clone elsewhere, CI's), and a copy rebuilds nothing.
CFLAGS   ?= -O2 -g
# $(call quote,TEXT): TEXT as one word for the shell, whatever it holds (a
# folder named "Dan's course" too: a ' is written '\'').
quote = '$(subst ','\'',$1)'
# A value with a line break would split the recipe line it is quoted into
# (make runs each line of an expanded recipe in a shell of its own, and
# the first stopped at an unterminated quote): refused at once, naming it.
define newline


endef
$(foreach v,SUBMISSION SUBMISSIONS STUDENT OUT HIDDEN_TESTS EXERCISES CH EX \
  GRADE_TIME_LIMIT STUDENT_TIME_LIMIT TRY_TIME_LIMIT FORMAT SCALE PLOTS,\
  $(if $(findstring $(newline),$($v)),\
    $(error $v='$(subst $(newline),\n,$($v))': holds a line break, which make cannot pass on)))
# Fast-math is refused, not overridden: -fno-fast-math after -Ofast still
# links the start-up code that flushes subnormals to zero (chapter 9's
# smallest subnormals read 0), and any of these reorders sums or assumes
# nan and inf away, which changed 173 of the course's 250 data files.
unsafe_math := -Ofast -ffast-math -funsafe-math-optimizations \
  -ffinite-math-only -fassociative-math -freciprocal-math -fno-signed-zeros \
  -mdaz-ftz -ffp-model=fast -fno-honor-nans -fno-honor-infinities -fapprox-func
$(foreach f,$(filter $(unsafe_math),$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS)),\
  $(error CC, CPPFLAGS, CFLAGS or LDFLAGS holds $f, which changes the course's numbers: build without it))
override CFLAGS   += -std=c11 $(WARNINGS) -ffp-contract=off $(call quote,-ffile-prefix-map=$(CURDIR)=.)
override CPPFLAGS += -Ilib -Iexercises -MMD -MP
# zlib reads the gzip-compressed datasets (lib/idx.c).
LDLIBS    = -lm $(shell pkg-config --libs zlib 2>/dev/null || echo -lz)

# A chapter program is chapters/NN-topic.c, or chapters/NN-topic.NAME.c for
# a second family of experiments; each becomes build/bin/<the same name>.
# It links its chapter's solution and the solution of every other chapter
# whose exercise header it includes (build/links/, made from the includes),
# so the programs run the very code that is graded.
SOURCES  := $(sort $(wildcard chapters/[0-9][0-9]-*.c))
PROGRAMS := $(SOURCES:chapters/%.c=build/bin/%)
CHAPTERS := $(sort $(patsubst chapters/%.md,%,$(wildcard chapters/[0-9][0-9]-*.md)))
LIB_OBJS := $(patsubst %.c,build/obj/%.o,$(wildcard lib/*.c))
DATA     := $(sort $(foreach p,$(SOURCES:chapters/%.c=%),build/data/$(firstword $(subst ., ,$p))/.done))
PLOTS    := $(sort $(wildcard plots/[0-9][0-9]-*.gp))
SVGS     := $(PLOTS:plots/%.gp=build/figures/%.svg)
PNGS     := $(PLOTS:plots/%.gp=build/figures/%.png)
LESSONS  := $(sort $(wildcard chapters/[0-9][0-9]-*.md))
FRESH    := $(LESSONS:chapters/%.md=build/lessons/%.md)

# A chapter's runs files (chapters/NN-topic.runs, chapters/NN-topic.NAME.runs)
# and the programs that run them; the files its lesson quotes regions of.
runs_of     = $(wildcard chapters/$1.runs chapters/$1.*.runs)
programs_of = $(patsubst chapters/%.runs,build/bin/%,$(call runs_of,$1))
quoted_by   = $(sort $(shell sed -n 's/^<!-- region: \([^ ]*\) .*/\1/p' chapters/$1.md))

# Grading: which exercise files, and which chapters (all by default).
EXERCISES ?= exercises
CH        ?=

.DELETE_ON_ERROR:
# Keep object files: they are intermediate, but rebuilding them is waste.
.SECONDARY:
.SECONDEXPANSION:
.PHONY: all everything deps programs data figures book lessons check test \
        stubs bench clean help grade grade-class hint watch reset restore try FORCE

# `make` and `make test` first make sure the tools exist, then run the real
# work in a second make, so nothing is compiled with a half-installed system.
all: deps
	@$(MAKE) --no-print-directory everything
	@echo "The book is built: open build/book/index.html in a browser. Grade your exercises with make check."

# The book needs each figure as SVG; the PNGs (for slides) are make
# figures' work, which halves the time gnuplot takes in a student's make.
everything: programs data $(SVGS) book
	@:

help:
	@echo "make            install what is missing, build programs, run them, draw the figures (SVG), build the book"
	@echo "make check      grade your exercises/ (EXERCISES=dir grades another copy, CH=NN one chapter, EX=name one exercise)"
	@echo "make hint       the hint of your first failing exercise (CH=NN: in one chapter; EX=mse-grad: of one exercise)"
	@echo "make watch      re-grade the chapter you are working on each time you save an exercise file (CH=NN to pick it, EX=name: one exercise)"
	@echo "make reset EX=mse-grad   put that exercise's functions back to the pristine stub (EX=01: the whole file; asks first, FORCE=1 does not; keeps a backup)"
	@echo "make restore EX=mse-grad undo the last reset or restore of it, from the newest backup in exercises/backups/"
	@echo "make grade SUBMISSION=dir        grade one student's files: report, results.json (Gradescope) and TAP log in OUT (build/reports/NAME)"
	@echo "make grade-class SUBMISSIONS=dir grade every student folder in dir: gradebook.csv and each report, in OUT (build/reports/class-NAME)"
	@echo "                (both take HIDDEN_TESTS=dir, instructor-only suites; grade-class STUDENT_TIME_LIMIT=seconds, 600)"
	@echo "                STUDENT=name regrades that student alone, replacing its row of the gradebook"
	@echo "make try CH=04  run chapter 4's experiments on your own exercises/ and compare them with the reference runs"
	@echo "make test       the course's self-test (maintainers, CI)"
	@echo "make figures    every figure, SVG and PNG, in build/figures/ (FORMAT=pdf for LaTeX and beamer; SCALE=1.5 for a large room)"
	@echo "make book       the book, in build/book/index.html"
	@echo "make lessons    refresh the lessons' quoted code and numbers from the source (maintainers)"
	@echo "make stubs      regenerate exercises/ from solutions/ (maintainers; never over your edits unless FORCE=1, with a backup)"
	@echo "make bench      the course's speed measurements"
	@echo "make deps       install the Debian packages the course needs"
	@echo "make clean      remove build/"

deps:
	@tools/deps.sh

# ------------------------------------------------------------------ programs
# Each chapter's main program is also reachable by its topic alone:
# build/bin/optimizers is a link to build/bin/04-optimizers.
topic = $(patsubst $(firstword $(subst -, ,$1))-%,%,$1)
MAINS   := $(foreach p,$(SOURCES:chapters/%.c=%),$(if $(findstring .,$p),,$p))
ALIASES := $(foreach c,$(MAINS),build/bin/$(call topic,$c))

programs: $(PROGRAMS) $(ALIASES)

define alias_rule
build/bin/$(call topic,$1): build/bin/$1
	ln -sf $1 $$@
endef
$(foreach c,$(MAINS),$(eval $(call alias_rule,$c)))

# A chapter program's name is set once, by its file name: PROGRAM_NAME is
# "04-optimizers" in chapters/04-optimizers.c (messages, --help).
build/obj/chapters/%.o: override CPPFLAGS += -DPROGRAM_NAME='"$(notdir $*)"'

build/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

build/lib/libcourse.a: $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

build/bin/%: build/obj/chapters/%.o build/lib/libcourse.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $(filter %.o,$^) build/lib/libcourse.a $(LDLIBS) -o $@

# build/links/P.mk sets LINKS.P to the chapters whose exercise header
# program P includes, directly or through lib/: P links their solutions.
# It also sets PKGS.P to the pkg-config packages of the system headers P
# includes, from the table below (header:package): <mpi.h> is OpenMPI's,
# so a program that includes it is compiled with `pkg-config --cflags
# ompi-c` and linked with its --libs. Their headers are -isystem, so that
# -Werror judges the course's code, not a library's. The lists are made
# again when this Makefile changes, which holds the recipe and the locale
# it runs in (an empty list, made once under tr_TR, linked nothing).
PKG_HEADERS := mpi.h:ompi-c
build/links/%.mk: chapters/%.c $(wildcard lib/*.h) Makefile
	@mkdir -p $(@D)
	@$(CC) $(filter-out -MMD -MP,$(CPPFLAGS)) -MM -MG -MT x $< | tr ' \\' '\n\n' | \
	  sed -n 's|^exercises/\([0-9][0-9]-[a-z0-9-]*\)\.h$$|\1|p' | sort -u | \
	  awk -v p=$* '{ s = s " " $$1 } END { print "LINKS." p " :=" s }' > $@
	@for hp in $(PKG_HEADERS); do \
	  grep -q "^#include <$${hp%%:*}>" $< && echo "PKGS.$* += $${hp#*:}"; done >> $@; true

# Only a make that builds programs needs them (not deps, clean, or the
# outer make of `make` and `make test`, which may run before cc exists).
ifneq ($(filter-out all test deps clean help,$(or $(MAKECMDGOALS),all)),)
include $(SOURCES:chapters/%.c=build/links/%.mk)
endif

# ----------------------------------------------------------------- make try
# make try CH=04 builds chapter 4's programs with your exercises/ (EXERCISES=
# dir for another copy) in place of solutions/04-optimizers.c, the other
# chapters' code being the reference, reruns the chapter's experiments into
# build/try/ and compares them with the reference runs (tools/try.sh).
TRY := $(if $(CH),$(patsubst exercises/%.h,%,$(wildcard exercises/$(CH)-*.h exercises/0$(CH)-*.h)))
# A rerun still going after 300 s is stopped and named: a loop of yours
# that never ends (the reference's longest run, chapter 8's training,
# takes 16 s on an idle core, twice that on a busy machine). A run that
# correct but slower code of yours may need longer over is given longer
# in its runs file (tools/run-experiments.sh); TRY_TIME_LIMIT=SECONDS
# sets the limit of every run.
# The student's object, or the reference one, for chapter $1.
try_object = $(if $(filter $1,$(TRY)),build/try/obj/$1.o,build/obj/solutions/$1.o)

pkg_cflags = $(if $1,$(patsubst -I%,-isystem %,$(shell pkg-config --cflags $1)))
pkg_libs    = $(if $1,$(shell pkg-config --libs $1))
# A program links its own chapter's solution object as compiled, and an
# earlier chapter's through a copy that changes only when the object's bytes
# do (make re-reads a target's time after its recipe). So a touched chapter
# 4 (a checkout, an editor's save without a change) reruns chapter 4's
# experiments and redraws its figures and page, but not chapter 8's
# 15-second training: that runs chapter 4's code, compiled to the same bytes.
own_chapter = $(firstword $(subst ., ,$1))
define program_links
build/bin/$1: $$(foreach s,$$(LINKS.$1),build/obj/solutions/$$s$$(if $$(filter $$s,$$(call own_chapter,$1)),,.link).o)
build/obj/chapters/$1.o: override CPPFLAGS += $$(call pkg_cflags,$$(PKGS.$1))
build/bin/$1 build/try/bin/$1: LDLIBS += $$(call pkg_libs,$$(PKGS.$1))
build/try/bin/$1: build/obj/chapters/$1.o build/lib/libcourse.a $$(foreach s,$$(LINKS.$1),$$(call try_object,$$s))
endef
$(foreach p,$(SOURCES:chapters/%.c=%),$(eval $(call program_links,$p)))

build/obj/solutions/%.link.o: build/obj/solutions/%.o
	@cmp -s $< $@ || cp $< $@

build/try/bin/%:
	@mkdir -p $(@D)
	@$(CC) $(CFLAGS) $(LDFLAGS) $(filter %.o,$^) build/lib/libcourse.a $(LDLIBS) -o $@

# Your file may warn (an unused parameter in a stub): warnings are shown,
# never fatal, here. It is compiled every time (FORCE), and named only in
# the recipe, quoted: as a prerequisite, an EXERCISES with a space in it
# would split, and make would keep the last object, another file's. As in
# make check, only its exercise functions stay global (build/grade/list/
# NN-topic.keep, the solution's): a main() you wrote to try your code, or
# a helper named like one of the course's, would clash with the program's.
build/try/obj/%.o: exercises/%.h build/grade/list/%.keep FORCE
	@mkdir -p $(@D)
	@$(CC) $(CPPFLAGS) $(filter-out -Werror,$(CFLAGS)) -c $(call quote,$(EXERCISES)/$*.c) -o $@.tmp && \
	  objcopy --keep-global-symbols=build/grade/list/$*.keep $@.tmp $@ && rm -f $@.tmp

try: deps
	@test -n "$(CH)" || { echo "make try: say which chapter, e.g. make try CH=04" >&2; exit 2; }
	@test -n "$(TRY)" || { echo "make try: CH=$(CH): there is no chapter $(CH); the chapters are $(sort $(foreach h,$(wildcard exercises/[0-9][0-9]-*.h),$(firstword $(subst -, ,$(notdir $h)))))" >&2; exit 2; }
	@case $(call quote,$(TRY_TIME_LIMIT)) in *[!0-9]*|0*) echo "make try: TRY_TIME_LIMIT="$(call quote,$(TRY_TIME_LIMIT))": expected whole seconds for each run, such as 300" >&2; exit 2 ;; esac
	@test -f $(call quote,$(EXERCISES)/$(TRY).c) || test ! -e $(call quote,$(EXERCISES)/$(TRY).c) || { echo $(call quote,make try: $(EXERCISES)/$(TRY).c is not a file (a folder?): move it away first) >&2; exit 2; }
	@test -f $(call quote,$(EXERCISES)/$(TRY).c) || { echo $(call quote,make try: there is no $(EXERCISES)/$(TRY).c: make reset EX=$(firstword $(subst -, ,$(TRY)))$(if $(filter-out exercises,$(EXERCISES)), EXERCISES=$(call quote,$(EXERCISES))) writes a fresh copy of the stub) >&2; exit 2; }
	@$(MAKE) -s --no-print-directory build/data/$(TRY)/.done \
	  $(filter build/figures/$(TRY).%,$(SVGS)) \
	  $(patsubst chapters/%.runs,build/try/bin/%,$(call runs_of,$(TRY)))
	@EXERCISES=$(call quote,$(EXERCISES)) TRY_TIME_LIMIT=$(call quote,$(TRY_TIME_LIMIT)) tools/try.sh $(TRY) || $(quietly_fail)

# ------------------------------------------------------- experiments (data)
# chapters/NN-topic[.NAME].runs list the lesson's experiments, one per line:
# a name and the program's flags. Each becomes build/data/NN-topic/name.csv.
# The script runs a chapter's experiments side by side through a make of
# its own, which shares this make's job slots (the recipe names $(MAKE)).
data: $(DATA)

build/data/%/.done: $$(call programs_of,$$*) $$(call runs_of,$$*) tools/run-experiments.sh
	@$(skip_when_dry) MAKE='$(MAKE)' tools/run-experiments.sh build/data/$* $(call runs_of,$*)

# ------------------------------------------------------------------- figures
# plots/NN-topic.name.gp draws build/figures/NN-topic.name.{svg,png} from the
# chapter's data; `$(basename $*)` is the chapter's stem. Pieces that several
# of a chapter's scripts load are plots/NN-topic.name.inc.
#
# For lectures: make figures FORMAT=pdf (svg, png or pdf, or several as
# FORMAT="png pdf"; svg and png by default) and SCALE=1.5 (text, lines and
# points 1.5 times as large, for a large room; those go to
# build/figures/scale-1.5/, leaving the book's alone). From 0.5 to 1.5: every
# figure is laid out to fit at 1.5 (the self-test checks), and above it a
# third of them run off the canvas.
FORMAT ?= svg png
SCALE  ?=
ifneq ($(filter-out svg png pdf,$(FORMAT)),)
$(error FORMAT=$(FORMAT): expected svg, png or pdf, or several as FORMAT="png pdf")
endif
ifneq ($(SCALE),)
ifneq ($(shell echo '$(SCALE)' | LC_ALL=C awk '/^[0-9]+([.][0-9]+)?$$/ && $$1 >= 0.5 && $$1 <= 1.5 { print "ok" }'),ok)
$(error SCALE=$(SCALE): expected a number from 0.5 to 1.5, such as 1.5)
endif
# SCALE=1.50 and SCALE=01.5 draw what SCALE=1.5 draws: into its folder too,
# not a second copy beside it.
override SCALE := $(shell echo '$(SCALE)' | sed -e 's/^0*\([0-9]\)/\1/' -e '/[.]/s/0*$$//' -e 's/[.]$$//')
endif
FIGURE_DIR := build/figures$(if $(SCALE),/scale-$(SCALE))

figures: $(foreach f,$(FORMAT),$(PLOTS:plots/%.gp=$(FIGURE_DIR)/%.$f))

# $(call figure_rules,DIR,SCALE): the rules that draw DIR/%.svg, .png and
# .pdf, with the text scaled by SCALE (none: the format's own size). The
# PDF terminal stamps the time of drawing into the file: a fixed date of
# the same length (the file's byte offsets stay right) keeps it
# reproducible. The time is drawn in UTC, whose stamp ends in Z, with no
# zone's +01'00 (of another length) to replace.
FIGURE_INPUTS = plots/%.gp plots/style.gp build/data/$$(basename $$*)/.done \
                $$(wildcard plots/$$(basename $$*).*.inc)
draw_figure   = @mkdir -p $(@D) && echo "gnuplot -c $< $1 build/data/$(basename $*) $@" && \
                TZ=UTC gnuplot -c $< $1 build/data/$(basename $*) $@
define figure_rules
$1/%.svg: $$(FIGURE_INPUTS)
	$$(call draw_figure,svg$2)
$1/%.png: $$(FIGURE_INPUTS)
	$$(call draw_figure,png$2)
$1/%.pdf: $$(FIGURE_INPUTS)
	$$(call draw_figure,pdf$2)
	@LC_ALL=C sed -i 's|/CreationDate (D:[0-9]*Z)|/CreationDate (D:20000101000000Z)|' $$@
endef
$(eval $(call figure_rules,build/figures,))
$(if $(SCALE),$(eval $(call figure_rules,build/figures/scale-$(SCALE),:$(SCALE))))

# -------------------------------------------------------------------- book
# Lessons quote code regions and numbers; build/lessons/ holds them refreshed
# from the source and the runs. `make test` fails if chapters/ is stale.
# (Its time kept: the refreshed lesson is no newer than what was made from
# it, so the next make does not make it again.)
lessons: $(FRESH)
	@for f in $(FRESH); do cmp -s $$f chapters/$${f##*/} || \
	  { cp --preserve=timestamps $$f chapters/$${f##*/} && echo "refreshed chapters/$${f##*/}"; }; done

build/lessons/%.md: chapters/%.md tools/lesson.awk $$(call quoted_by,$$*) \
                    $$(call programs_of,$$*) $$(if $$(call runs_of,$$*),build/data/$$*/.done)
	@mkdir -p $(@D)
	awk -v bin=build/bin/$* -v data=build/data/$* -f tools/lesson.awk $< > $@

build/lessons/index.md: chapters/index.md tools/lesson.awk
	@mkdir -p $(@D)
	awk -f tools/lesson.awk $< > $@

# One page per lesson, each rebuilt only when its lesson, its chapter's
# figures or the template change; the titles of all pages (for the links
# to the previous and next page) are rewritten only when a title changes.
# build/book/.links-checked stands for "every link and image resolves".
PAGES     := build/book/index.html $(LESSONS:chapters/%.md=build/book/%.html)
BOOK_SVGS := $(SVGS:build/figures/%=build/book/figures/%)

book: build/book/.links-checked

build/book/.links-checked: $(PAGES) $(BOOK_SVGS) build/book/style.css tools/check-links.sh
	tools/check-links.sh build/book
	@touch $@

build/book/titles.tsv: $(FRESH) build/lessons/index.md tools/book.sh
	@mkdir -p $(@D)
	@tools/book.sh titles build/lessons > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

# The book's copy of a lesson is build/lessons/'s, with its measured blocks
# (timings, different on every run) run now.
build/book-src/%.md: build/lessons/%.md
	@mkdir -p $(@D)
	@if grep -q '^<!-- measured: ' chapters/$*.md; then \
	  awk -v bin=build/bin/$* -v data=build/data/$* -v measure=1 -f tools/lesson.awk chapters/$*.md > $@; \
	else cp $< $@; fi

build/book/%.html: build/book-src/%.md build/book/titles.tsv tools/book.sh \
                   tools/book/page.html tools/book/book.lua
	tools/book.sh page $* build/book-src build/book/titles.tsv build/book

build/book/figures/%.svg: build/figures/%.svg
	@mkdir -p $(@D)
	cp $< $@

build/book/style.css: tools/book/style.css
	@mkdir -p $(@D)
	cp $< $@

# ------------------------------------------------------------------ grading
# make check, hint, watch, reset, grade, grade-class, and the builds of what
# they run: tools/grade.mk.
include tools/grade.mk

# Never over a file with changes of its own unless FORCE=1, and then with a
# backup (tools/stubs.sh).
stubs:
	@FORCE="$(FORCE)" tools/stubs.sh

# ---------------------------------------------------------------- benchmarks
# tests/NN-topic.bench.sh measure the chapters' speed, tests/grading.bench.sh
# a student's wait for make check; they print numbers, they never fail on
# timing (the self-test checks correctness, not speed).
bench: programs
	@for b in $(sort $(wildcard tests/[0-9][0-9]-*.bench.sh)) tests/grading.bench.sh; do sh $$b || exit 1; done

# ----------------------------------------------------------------- self-test
# The self-test's groups (tools/selftest.sh --groups) run side by side, each
# into build/selftest/GROUP.out; the summary prints them all in order and
# ends with "N passed, M failed".
test: deps
	@tools/deps.sh test
	@$(MAKE) --no-print-directory everything build/lib/failmalloc.so build/test/png-edges
	@rm -rf build/selftest && mkdir -p build/selftest
	@$(MAKE) --no-print-directory $(patsubst %,build/selftest/%.out,$(shell tools/selftest.sh --run-order))
	@tools/selftest.sh --summary

# (A group can also be run alone, after make: rm -f build/selftest/G.out;
# make build/selftest/G.out. The two groups that need a test helper get
# it here.)
build/selftest/out-of-memory.out: build/lib/failmalloc.so
build/selftest/outputs.out: build/test/png-edges
build/selftest/%.out:
	@mkdir -p $(@D)
	@start=$$(date +%s); tools/selftest.sh --group $* > $@.tmp 2>&1; mv $@.tmp $@; \
	  echo "$$(tail -n 1 $@) in $$(($$(date +%s) - start)) s"

# What the self-test preloads to make one allocation fail
# (tests/failmalloc.c). Not -Wpedantic: dlsym hands back functions as
# object pointers, which ISO C does not convert.
build/lib/failmalloc.so: tests/failmalloc.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -fPIC -shared $< -o $@ -ldl

# What the self-test runs over the PNG figures: is anything cut off at an
# edge (tests/png-edges.c)?
build/test/png-edges: tests/png-edges.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $< -lz -o $@

FORCE:

clean:
	rm -rf build

-include $(wildcard build/obj/*/*.d)
