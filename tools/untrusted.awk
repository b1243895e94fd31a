# untrusted.awk: refuses a student's exercise file, from its preprocessed
# text, before the grader compiles it (tools/grade.mk).
#
#   awk -v file='"path/to/NN-topic.c"' -f tools/untrusted.awk NN-topic.i
#
# The preprocessor's line markers `# LINE "NAME" FLAGS` say where each line
# comes from (flag 3: a system header; a NAME ending in // is the folder
# the compiler ran in, which -g records). The file may include the course's
# headers (exercises/, lib/) and the C library's, nothing else: another
# file's text (a hidden suite's, say) would show in the compiler's messages.
# Its own lines may not use asm, which these exercises never need, and
# which could bring in files (.incbin) or symbols behind the grader's back.
# Prints the reason on stderr and exits 1, or exits 0.

function refuse(why) {
    print "error: " why > "/dev/stderr"
    exit 1
}

/^# [0-9]+ "/ {
    match($0, /"([^"\\]|\\.)*"/)
    from = substr($0, RSTART, RLENGTH)
    system_header = substr($0, RSTART + RLENGTH) ~ / 3( |$)/
    if (from != file && from !~ /^"((exercises|lib)\/[^\/]*\.h|<built-in>|<command-line>|.*\/\/)"$/ && !system_header)
        refuse("the file includes " from ": only the course's headers (exercises/, lib/) and the C library's may be included")
    next
}

from == file && /(^|[^A-Za-z0-9_])(__)?asm(__)?([^A-Za-z0-9_]|$)/ {
    refuse("the file uses asm, which these exercises do not need and the grader does not allow")
}
