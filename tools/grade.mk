# tools/grade.mk: grading, included by the Makefile.
#
# The public targets (check, hint, watch, reset, restore, grade,
# grade-class) run
# tools/grade.sh and its kin; those scripts run tests and report, and what
# they run is built here, by make, with the Makefile's compiler flags.
#
# For each chapter with a suite tests/NN-topic.c, in the build tree
# GRADE_BUILD (build/; or build/cflags-KEY, all of it compiled again with
# GRADE_CFLAGS, the self-test's sanitizers):
#   lib/solutions-but-NN-topic.a  every other chapter's solution, for a suite
#                              or an exercise that calls an earlier
#                              chapter's code
#   grade/list/NN-topic.tests  the suite linked with the reference solution
#   grade/list/NN-topic.tsv    its exercise table (--list: names, points,
#                              hints, sections), the only one the grader
#                              trusts: a student's run says pass or fail
#   grade/list/NN-topic.keep   the exercise functions (the solution's global
#                              symbols)
# and in GRADE_DIR (build/grade/KEY, one per folder of exercise files), from
# the copy NN-topic.c of the student's file that tools/grade.sh puts there:
#   NN-topic.tests             the suite linked with the student's file
#   NN-topic.log               why it was not built (the compiler's words)
# With hidden tests, grade/hidden-HIDDEN_KEY/src links to the instructor's
# folder of suites NN-topic[.name].c, built into grade/hidden-HIDDEN_KEY/
# and GRADE_DIR/hidden-HIDDEN_KEY/ alike.

# ------------------------------------------------------------ public targets
# make prints "make: *** [tools/grade.mk:NN: check] Error 1" after any
# failing command and has no option to leave that line out; to a beginner
# it reads as if the course crashed. So when a student's target (check,
# hint, reset, restore; and make grade's status 1, a student graded below
# full marks, whose line came after "Wrote ... results.json" and read as
# if the writing had failed) is the only goal of a top-level make and its
# command fails, the command ends make with SIGPIPE instead: make does not
# catch it and shells report it with no message. The exit status stays
# non-zero (141). Under another make or beside other goals, make's own
# line stays.
quietly_fail = { $(if $(filter 0,$(MAKELEVEL)),$(if $(filter-out $@,$(MAKECMDGOALS)),,kill -s PIPE $$PPID;)) exit 1; }

check: deps
	@$(skip_when_dry) MAKE='$(MAKE)' tools/grade.sh $(if $(EX),--exercise $(call quote,$(EX))) $(call quote,$(EXERCISES)) $(call quote,$(CH)) || $(quietly_fail)

hint: deps
	@$(skip_when_dry) MAKE='$(MAKE)' tools/grade.sh $(if $(EX),--hint-for $(call quote,$(EX)),--hint) $(call quote,$(EXERCISES)) $(call quote,$(CH)) || $(quietly_fail)

watch: deps
	@$(skip_when_dry) MAKE='$(MAKE)' exec tools/watch.sh $(call quote,$(EXERCISES)) $(call quote,$(CH)) $(call quote,$(EX))

reset:
	@FORCE=$(call quote,$(FORCE)) tools/reset.sh $(call quote,$(EX)) $(call quote,$(EXERCISES)) || $(quietly_fail)

restore:
	@FORCE=$(call quote,$(FORCE)) tools/reset.sh --restore $(call quote,$(EX)) $(call quote,$(EXERCISES)) || $(quietly_fail)

# must_be_folder TARGET,VARIABLE,VALUE,ADVICE: one line and status 2
# unless VALUE is a folder: "is empty: ADVICE", "does not exist" or "is a
# file, not a folder".
must_be_folder = v=$(call quote,$3); \
  if [ -z "$$v" ]; then echo "$1: $2 is empty: $4" >&2; exit 2; \
  elif [ ! -e "$$v" ]; then echo "$1: $2=$$v does not exist" >&2; exit 2; \
  elif [ ! -d "$$v" ]; then echo "$1: $2=$$v is a file, not a folder (of $(if $(filter SUBMISSIONS,$2),student folders,exercise files))" >&2; exit 2; fi

# make grade SUBMISSION=dir [OUT=dir] [CH=NN] [HIDDEN_TESTS=dir]
# [GRADE_TIME_LIMIT=seconds, 600 by default: Gradescope's own limit; the
# chapters not reached by then score 0]. grade-class's STUDENT and
# STUDENT_TIME_LIMIT are refused, as grade-class refuses CH and
# GRADE_TIME_LIMIT: taken silently, STUDENT=bob graded someone else.
# The reports go to OUT, by default build/reports/ and the submission
# folder's own name, asked of the shell: make's abspath and notdir split a
# path at its spaces ("/home/ann/my course/solutions" gave "course/
# solutions" as two words). Every value a user gives goes to the shell
# through $(call quote,...) (the Makefile's), whatever quotes it holds.
REPORT_DIR = $(or $(OUT),build/reports/$(shell cd $(call quote,$(SUBMISSION)) 2>/dev/null && basename "$$PWD"))
GRADE_TIME_LIMIT ?= 600
grade: deps
	@tools/deps.sh grade
	@$(if $(filter command line,$(origin STUDENT)),echo "make grade: STUDENT="$(call quote,$(STUDENT))": STUDENT is grade-class's (make grade-class SUBMISSIONS=class STUDENT=name regrades one student in its gradebook); make grade grades the folder SUBMISSION=path/to/student" >&2; exit 2)
	@$(if $(filter command line,$(origin STUDENT_TIME_LIMIT)),echo "make grade: STUDENT_TIME_LIMIT is grade-class's; make grade's limit is GRADE_TIME_LIMIT (600 s by default)" >&2; exit 2)
	@case $(call quote,$(GRADE_TIME_LIMIT)) in ''|*[!0-9]*|0*) echo "make grade: GRADE_TIME_LIMIT="$(call quote,$(GRADE_TIME_LIMIT))": expected whole seconds, such as 600" >&2; exit 2 ;; esac
	@$(call must_be_folder,make grade,SUBMISSION,$(SUBMISSION),say whose files as in make grade SUBMISSION=path/to/student)
	@mkdir -p $(call quote,$(REPORT_DIR)) 2>/dev/null && test -w $(call quote,$(REPORT_DIR)) || \
	  { echo "make grade: OUT="$(call quote,$(REPORT_DIR))": cannot write there (the folder for report.txt, results.json and results.tap)" >&2; exit 2; }
	@$(skip_when_dry) MAKE='$(MAKE)' tools/grade.sh --sandbox --time-limit $(call quote,$(GRADE_TIME_LIMIT)) --json $(call quote,$(REPORT_DIR)/results.json) --tap $(call quote,$(REPORT_DIR)/results.tap) \
	  --report $(call quote,$(REPORT_DIR)/report.txt) $(if $(HIDDEN_TESTS),--hidden-tests $(call quote,$(HIDDEN_TESTS))) \
	  $(call quote,$(SUBMISSION)) $(call quote,$(CH)); status=$$?; \
	  if [ $$status -le 1 ] && [ -f $(call quote,$(REPORT_DIR)/results.json) ]; then \
	    echo "Wrote "$(call quote,$(REPORT_DIR)/results.json)", results.tap and report.txt"; fi; \
	  [ $$status -ne 1 ] || $(quietly_fail); exit $$status

# make grade-class SUBMISSIONS=dir [OUT=dir] [HIDDEN_TESTS=dir] [STUDENT_TIME_LIMIT=s]
grade-class: deps
	@tools/deps.sh grade
	@$(call must_be_folder,make grade-class,SUBMISSIONS,$(SUBMISSIONS),say which folder as in make grade-class SUBMISSIONS=path/to/class)
	@$(if $(filter command line,$(origin CH)),echo "make grade-class: CH="$(call quote,$(CH))": grade-class grades every chapter (make grade SUBMISSION=... CH=NN grades one student's chapter)" >&2; exit 2)
	@$(if $(filter command line,$(origin GRADE_TIME_LIMIT)),echo "make grade-class: GRADE_TIME_LIMIT is make grade's; a class's limit per student is STUDENT_TIME_LIMIT (600 s by default)" >&2; exit 2)
	@$(skip_when_dry) MAKE='$(MAKE)' HIDDEN_TESTS=$(call quote,$(HIDDEN_TESTS)) STUDENT=$(call quote,$(STUDENT)) tools/grade-class.sh $(call quote,$(SUBMISSIONS)) $(if $(OUT),$(call quote,$(OUT)))

# ------------------------------------------------- what tools/grade.sh asks
# It builds the course's side first (a failure there is never a student's),
# for the chapters GRADE_CHAPTERS; then, with -k so that one file that does
# not compile stops no other, the test programs of the student's files
# GRADE_FILES.
.PHONY: grader-course grader-files
GRADE_BUILD ?= build
GB          := $(GRADE_BUILD)
LIST_DIR    := $(GB)/grade/list
HIDDEN_DIR  := $(GB)/grade/hidden-$(HIDDEN_KEY)
GD          := $(GRADE_DIR)
SUITES      := $(patsubst tests/%.c,%,$(wildcard tests/[0-9][0-9]-*.c))
SOLUTIONS   := $(patsubst solutions/%.c,%,$(wildcard solutions/[0-9][0-9]-*.c))
# The hidden suites: from their sources for the course's side; for the
# student's side, which is built where the sources are out of sight
# (tools/grade.sh's sandbox), from the listings the course's side made.
ifeq ($(GRADE_SIDE),student)
HIDDEN      := $(if $(HIDDEN_KEY),$(patsubst $(HIDDEN_DIR)/%.tsv,%,$(wildcard $(HIDDEN_DIR)/[0-9][0-9]-*.tsv)))
else
HIDDEN      := $(if $(HIDDEN_KEY),$(patsubst $(HIDDEN_DIR)/src/%.c,%,$(wildcard $(HIDDEN_DIR)/src/[0-9][0-9]-*.c)))
endif
# The hidden suites of chapter $1: NN-topic and NN-topic.name.
hidden_of    = $(filter $1 $1.%,$(HIDDEN))
chapter_of   = $(firstword $(subst ., ,$1))

# The compiler's own folders of headers, where <...> finds the C library's
# (tools/untrusted.awk lets a student's file include from them). Asking
# runs the compiler's driver and preprocessor, five processes with the
# shell, sed and tr: so the course's side asks once and keeps the answer
# in a file named after CC (another compiler is asked anew), and the
# student's side reads the file. The answer holds while it names the
# folder of the compiler's own headers (stddef.h's), which the driver
# alone tells: another version of the compiler has another.
ask_system_dirs = $(CC) -xc -E -v /dev/null 2>&1 | \
  sed -n '/^\#include <\.\.\.> search starts here:/,/^End of search list\./s/^ //p' | tr '\n' :
empty :=
space := $(empty) $(empty)
SYSTEM_DIRS_FILE := $(LIST_DIR)/system-dirs.$(subst /,_,$(subst $(space),_,$(CC)))
SYSTEM_DIRS := $(file <$(SYSTEM_DIRS_FILE))

grader-course: $(GB)/obj/tests/grading.o $(GB)/lib/libcourse.a $(GB)/lib/sandbox-witness.so $(SYSTEM_DIRS_FILE) \
    $(foreach c,$(GRADE_CHAPTERS),$(LIST_DIR)/$c.tsv $(LIST_DIR)/$c.keep $(GB)/obj/tests/$c.o \
      $(GB)/lib/solutions-but-$c.a $(patsubst %,$(HIDDEN_DIR)/%.tsv,$(call hidden_of,$c)))
grader-files: $(foreach c,$(GRADE_FILES),$(GD)/$c.tests \
    $(patsubst %,$(GD)/hidden-$(HIDDEN_KEY)/%.tests,$(call hidden_of,$c)))

# Every file the grading builds is written to $@.tmp and put in place,
# whole, by $(whole): a grading stopped by Ctrl-C or a time limit is
# killed, make cannot remove what it was writing, and a half-written file
# newer than its source was taken as up to date, and graded 0 at every
# later run.
whole = mv -f $@.tmp $@

# A test program: the objects and archives among its prerequisites, in
# order, with Check; $(call link_tests,LOG) sends the linker's messages to
# LOG. A failed link leaves no older program behind. The
# archives come twice: a linker takes from an archive only what is missing
# when it reaches it, and lib/ calls the earlier chapters' solutions
# (lib/problems.c's regression calls chapter 1's mse_grad) as they may
# call lib/, so a suite that uses lib/ needs the solutions read again after
# it.
CHECK_LIBS  = $(shell pkg-config --libs check)
link_tests  = @mkdir -p $(@D); rm -f $@; $(CC) $(CFLAGS) $(GRADE_CFLAGS) $(LDFLAGS) \
              $(filter %.o %.a,$^) $(filter %.a,$^) $(CHECK_LIBS) $(LDLIBS) -o $@.tmp \
              $(if $1,2>$1) && $(whole)

# -------------------------------------------------------- the course's side
# Built before the student's side and never by it: with GRADE_SIDE=student
# (grader-files), these rules are left out and what they made is taken as
# it stands.
ifneq ($(GRADE_SIDE),student)
# What make grade preloads into a submission's tests to name what the
# sandbox refused it (tests/sandbox-witness.c). Not -Wpedantic: dlsym
# hands back functions as object pointers, which ISO C does not convert.
$(GB)/lib/sandbox-witness.so: tests/sandbox-witness.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -fPIC -shared $< -o $@.tmp -ldl && $(whole)

ifneq ($(GB),build)
$(GB)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -MT $@ -MF $(@:.o=.d) $(CFLAGS) $(GRADE_CFLAGS) -c $< -o $@.tmp && $(whole)

$(GB)/lib/libcourse.a: $(LIB_OBJS:build/%=$(GB)/%)
	@mkdir -p $(@D)
	rm -f $@ $@.tmp && $(AR) rcs $@.tmp $^ && $(whole)

-include $(wildcard $(GB)/obj/*/*.d)
endif

$(foreach c,$(SUITES),$(eval $(GB)/lib/solutions-but-$c.a: \
  $(patsubst %,$(GB)/obj/solutions/%.o,$(filter-out $c,$(SOLUTIONS)))))
ifneq ($(filter grader-course,$(MAKECMDGOALS)),)
$(SYSTEM_DIRS_FILE): $(if $(filter $(shell $(CC) -print-file-name=include),$(subst :, ,$(SYSTEM_DIRS))),,FORCE)
endif
$(SYSTEM_DIRS_FILE):
	@mkdir -p $(@D)
	@$(ask_system_dirs) >$@.tmp && test -s $@.tmp && mv $@.tmp $@

$(SUITES:%=$(GB)/lib/solutions-but-%.a):
	@mkdir -p $(@D)
	@rm -f $@ $@.tmp && $(AR) rcs $@.tmp $^ && $(whole)

$(SUITES:%=$(LIST_DIR)/%.tests): $(LIST_DIR)/%.tests: $(GB)/obj/tests/%.o $(GB)/obj/tests/grading.o \
    $(GB)/obj/solutions/%.o $(GB)/lib/solutions-but-%.a $(GB)/lib/libcourse.a
	$(call link_tests)

$(SUITES:%=$(LIST_DIR)/%.keep): $(LIST_DIR)/%.keep: $(GB)/obj/solutions/%.o
	@mkdir -p $(@D)
	@nm -g --defined-only $< | awk 'NF == 3 { print $$3 }' >$@.tmp && $(whole)

# Hidden suites are the instructor's, written like tests/NN-topic.c but
# elsewhere (hence -Itests); a warning in them is not fatal.
$(HIDDEN:%=$(HIDDEN_DIR)/%.o): $(HIDDEN_DIR)/%.o: $(HIDDEN_DIR)/src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -MT $@ -MF $(@:.o=.d) -Itests $(filter-out -Werror,$(CFLAGS)) $(GRADE_CFLAGS) -c $< -o $@.tmp && \
	  $(whole)

$(HIDDEN:%=$(HIDDEN_DIR)/%.tests): $(HIDDEN_DIR)/%.tests: $(HIDDEN_DIR)/%.o $(GB)/obj/tests/grading.o \
    $(GB)/obj/solutions/$$(call chapter_of,$$*).o $(GB)/lib/solutions-but-$$(call chapter_of,$$*).a \
    $(GB)/lib/libcourse.a
	$(call link_tests)

$(patsubst %,$(LIST_DIR)/%.tsv,$(SUITES)) $(patsubst %,$(HIDDEN_DIR)/%.tsv,$(HIDDEN)): %.tsv: %.tests
	@$< --list $@.tmp && $(whole)

-include $(wildcard $(HIDDEN_DIR)/*.d)
endif

# ------------------------------------------------------- the student's side
# A student's file is compiled with the Makefile's flags but warnings of
# its own, where three are errors, each a bug that would otherwise show up
# as a baffling number or link error: a misspelt function, a variable read
# before it is set, a missing return. It is compiled at -O1 whatever CFLAGS
# says, because what -Wuninitialized sees depends on the optimisation (at
# -O2 it sees through inlined calls): a file is not refused or accepted for
# the flags the course was built with. No compile may take more than a
# minute (an #include of /dev/zero would never end). Every function gets a
# section of its own, so that even a call to a static helper leaves a
# relocation naming it: tools/follow-on.awk reads who calls whom from them.
# And it is compiled as position-independent code, where another file may
# replace a global function at link time: so the compiler keeps every call
# to one (-fsemantic-interposition, GCC's default, tells clang so, which
# otherwise assumes no other file does and drops the call). Otherwise a
# call to an exercise that is still an empty stub is deleted as doing
# nothing, and the exercise that calls it is blamed for the stub's missing
# work (linreg_train_step's "the step ran before backward" when
# param_sgd_step is not written yet).
# (The preprocessor's flags, -I and the like, go to step 1 alone: the
# later steps compile its preprocessed text, where clang would warn, in
# every student's report, that they are unused.)
UNTRUSTED_CC = timeout -s KILL 60 $(CC) \
  $(filter-out $(WARNINGS),$(CFLAGS)) -O1 -fPIC -fsemantic-interposition -ffunction-sections -Wall -Wextra \
  -Werror=implicit-function-declaration -Werror=uninitialized -Werror=return-type
UNTRUSTED_CPPFLAGS = $(filter-out -MMD -MP,$(CPPFLAGS))

ifneq ($(GD),)
# (Graded without the course's side first, say by hand, it asks itself.)
SYSTEM_DIRS := $(or $(SYSTEM_DIRS),$(shell $(ask_system_dirs)))

# 1. Preprocessed, and refused before it is compiled (tools/untrusted.awk
# reads the preprocessed text, even the part before an error): an #include
# of anything but the course's headers and the C library's (a hidden suite
# would show its text in the compiler's messages), and asm. First the test
# programs built from its last version go, so that a file that no longer
# builds is never graded by them. A change in the course's headers (the
# only ones it may include but the C library's) starts again here, and a
# change in this file (the flags below) does too. The file's own list of
# includes (-MMD's .d) is never written: make would read it back, and the
# names in it are the submission's to choose (a name with ';' or ':' in it
# is a make rule of the student's, run by the grader). The compiler runs
# in a subshell of its own: a log that reaches the build's 16 MB file
# limit (tools/grade.sh) stops it with SIGXFSZ, and the shell that says so
# must not be writing to that log too (dash's redirections are its own
# while it waits), or it dies before the include check runs.
$(SUITES:%=$(GD)/%.i): $(GD)/%.i: $(GD)/%.c tools/untrusted.awk tools/grade.mk $(wildcard exercises/*.h lib/*.h)
	@rm -f $(GD)/$*.tests $(GD)/$*.warnings $(GD)/hidden-*/$*.tests $(GD)/hidden-*/$*.*.tests $(GD)/$*.d
	@($(UNTRUSTED_CC) $(UNTRUSTED_CPPFLAGS) -E $< >$@.tmp 2>$(GD)/$*.cpp.log); status=$$?; \
	  awk -v file='"$<"' -v system_dirs='$(SYSTEM_DIRS)' -f tools/untrusted.awk $@.tmp 2>$(GD)/$*.log && \
	  mv $(GD)/$*.cpp.log $(GD)/$*.log && [ $$status -eq 0 ] && $(whole)

# 2. Compiled: the preprocessed text step 1 read, not the file again. A
# file preprocessed twice can read differently the second time (with
# __has_include of a file that step 1's run itself created, say), and
# only what was read may be compiled. What the compiler says of a file it
# compiles is kept as STEM.warnings, for the report to show.
$(SUITES:%=$(GD)/%.plain.o): $(GD)/%.plain.o: $(GD)/%.i
	@$(UNTRUSTED_CC) -c $< -o $@.tmp 2>$(GD)/$*.log && $(whole) && \
	  cp $(GD)/$*.log $(GD)/$*.warnings

# 3. Refused if it holds code that would run before main, in the
# harness's own process (tools/untrusted-object.awk: a constructor, an
# .init_array entry, an ifunc, however asked for); then every global symbol
# but the exercise functions is made local, so that its own main(),
# grading_near() or pow() overrides nothing. With GRADE_CFLAGS it is
# compiled again with them here (sanitizers add constructors of their own,
# so the check reads the object compiled without them).
$(SUITES:%=$(GD)/%.o): $(GD)/%.o: $(GD)/%.plain.o $(LIST_DIR)/%.keep tools/untrusted-object.awk
	@readelf -SsW $< | awk -f tools/untrusted-object.awk 2>$(GD)/$*.log
	@$(if $(GRADE_CFLAGS),$(UNTRUSTED_CC) $(GRADE_CFLAGS) -c $(GD)/$*.i -o $(GD)/$*.cflags.o 2>$(GD)/$*.log &&) \
	  objcopy --keep-global-symbols=$(LIST_DIR)/$*.keep $(if $(GRADE_CFLAGS),$(GD)/$*.cflags.o,$<) $@.tmp 2>$(GD)/$*.log && \
	  $(whole)

# 4. Linked with the chapter's suites: tests for chapter NN link the
# student's file of chapter NN and no other.
$(SUITES:%=$(GD)/%.tests): $(GD)/%.tests: $(GB)/obj/tests/%.o $(GB)/obj/tests/grading.o $(GD)/%.o \
    $(GB)/lib/solutions-but-%.a $(GB)/lib/libcourse.a
	$(call link_tests,$(GD)/$*.log)

$(HIDDEN:%=$(GD)/hidden-$(HIDDEN_KEY)/%.tests): $(GD)/hidden-$(HIDDEN_KEY)/%.tests: $(HIDDEN_DIR)/%.o \
    $(GB)/obj/tests/grading.o $(GD)/$$(call chapter_of,$$*).o \
    $(GB)/lib/solutions-but-$$(call chapter_of,$$*).a $(GB)/lib/libcourse.a
	$(call link_tests,/dev/null)
endif
