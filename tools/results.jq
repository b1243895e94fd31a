# results.jq: Gradescope's results.json from the grader's results table
# (tools/grade.sh --json), valid JSON by construction.
#
#   jq -R -s --rawfile output REPORT --argjson seconds N --arg hidden VISIBILITY \
#      -f tools/results.jq results.tsv
#
# The table's exercise rows are: stem name function earned points status
# message section hint visibility book (tests/grading.c, tools/grade.sh);
# its chapter lines are skipped. Each exercise becomes a test numbered chapter.exercise whose
# output is the diagnostic, the hint and the lesson's section; the report
# is the top-level output. Hidden exercises get the visibility $hidden.

[ split("\n")[] | split("\t") | select(length >= 10 and .[0] != "chapter")
  | { stem: .[0], name: .[1], function: .[2], earned: (.[3] | tonumber),
      points: (.[4] | tonumber), passed: (.[5] == "pass"), message: .[6],
      section: .[7], hint: .[8], hidden: (.[9] == "hidden"), book: (.[10] // "") } ]
| { score: (map(.earned) | add),
    execution_time: $seconds,
    output: ($output | rtrimstr("\n")),
    visibility: "visible",
    tests: [ group_by(.stem)[] | to_entries[] | .key as $k | .value
             | { name: "\(.stem): \(.name) (\(.function))\(if .hidden then " [hidden]" else "" end)",
                 number: "\(.stem[0:2] | tonumber).\($k + 1)",
                 score: .earned,
                 max_score: .points,
                 status: (if .passed then "passed" else "failed" end),
                 output: (if .passed then "Passed." else .message
                          + (if .hint != "" then "\nHint: \(.hint)" else "" end)
                          + (if .section != "" then "\nRead: chapters/\(.stem).md, section \"\(.section)\""
                             + (if .book != "" then "; in the book, \(.book)" else "" end) else "" end)
                          end),
                 visibility: (if .hidden then $hidden else "visible" end) } ] }
