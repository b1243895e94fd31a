# untrusted-object.awk: refuses a student's compiled exercise file, from
# what readelf says of it, before it is linked with the tests
# (tools/grade.mk).
#
#   readelf -SsW NN-topic.o | awk -f tools/untrusted-object.awk
#
# A test program runs the student's code only inside its tests, after the
# harness has set each one up; code that ran before main (a constructor, an
# entry of .init_array or .preinit_array, code in .init, a GNU ifunc
# resolver) or after it (a destructor, .fini_array, .fini) would run in the
# harness's own process, outside any test.
# Such code can be asked for without writing a constructor or asm (an
# attribute's section name can carry assembler directives), so the object
# is judged, not the source: its sections must be among those a C
# compiler makes for code, data, debugging information and their
# relocations, of the ordinary types, and none of its symbols may be an
# ifunc. Nor may one be a common symbol (__attribute__((common)), or
# -fcommon): the grader makes every global symbol of the file local but
# its exercises' functions, and objcopy leaves a common one global, where
# it would take the place of a library's variable of that name (the C
# library's stdout, say). Prints the reason on stderr and exits 1, or
# exits 0.

function refuse(why) {
    print "error: " why > "/dev/stderr"
    refused = 1
    exit 1
}

# What the linker places with code and data, never among what runs first.
function ordinary(name) {
    sub(/^\.rela?(\.|$)/, ".", name)
    return name ~ /^\.(text|data|rodata|bss|tdata|tbss)(\..*)?$/ ||
           name ~ /^\.debug_[a-z_]+$/ ||
           name ~ /^\.(comment|note\.GNU-stack|note\.gnu\.property|eh_frame|symtab|strtab|shstrtab|group|llvm_addrsig)?$/
}

# Section headers: "  [Nr] Name Type Address ..."
/^ *\[ *[0-9]+\] / {
    line = $0
    sub(/^ *\[ *[0-9]+\] +/, "", line)
    n = split(line, field, / +/)
    if (field[1] == "NULL" && field[2] ~ /^[0-9a-f]+$/) next   # the null section
    # (clang's table of address-taken symbols, which the linker leaves
    # out, is LLVM_ADDRSIG to a newer readelf, LOOS+0xfff4c03 to
    # Debian 12's.)
    if (!ordinary(field[1]) || field[2] !~ /^(PROGBITS|NOBITS|RELA|REL|SYMTAB|STRTAB|NOTE|X86_64_UNWIND|GROUP|LLVM_ADDRSIG|LOOS\+0xfff4c03)$/)
        refuse("the file has a section " field[1] " (" field[2] ") that a C compiler makes only when asked for code that runs before main or after it (a constructor, a destructor, .init_array, an ifunc), which the grader does not allow")
    next
}

# Symbols: "   Num: Value Size Type Bind Vis Ndx Name"
/^ *[0-9]+: / && $4 == "IFUNC" {
    refuse("the file defines an ifunc (" $8 "), whose resolver would run before main, which the grader does not allow")
}

/^ *[0-9]+: / && $7 == "COM" {
    refuse("the file has a common symbol (" $8 ", from __attribute__((common)) or -fcommon), which would stay shared with the libraries the tests use, and the grader does not allow it: give the variable a value where it is defined (= 0), or make it static")
}

END { if (!refused && NR == 0) refuse("the compiled file could not be read") }
