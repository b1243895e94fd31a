# make-stub.awk: turns a solutions/ file into its exercises/ stub.
#
#   awk -f tools/make-stub.awk solutions/NN-topic.c > exercises/NN-topic.c
#
# Lines from `// BEGIN SOLUTION` to `// END SOLUTION` are dropped; a line
# `// STUB: code` becomes `code`, keeping its indentation. The lesson's
# region markers (`//> name`, `//< name`: what a lesson quotes of the
# solution) are dropped too, being of no use in a stub. Everything else,
# signatures and includes, is copied, so a stub and its solution cannot
# disagree about the interface, and no solution line can leak into a stub.
/^[ \t]*\/\/ BEGIN SOLUTION[ \t]*$/ { if (dropping) exit 1; dropping = 1; next }
/^[ \t]*\/\/ END SOLUTION[ \t]*$/ { if (!dropping) exit 1; dropping = 0; next }
dropping { next }
/^[ \t]*\/\/ STUB: ?/ { sub(/\/\/ STUB: ?/, ""); print; next }
/^[ \t]*\/\/[<>] [A-Za-z0-9_-]+[ \t]*$/ { next }
{ print }
END { if (dropping) exit 1 }
