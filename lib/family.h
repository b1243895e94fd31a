/*
 * family.h: one command, several programs.
 *
 * A chapter whose experiments outgrew one program splits them by family
 * (chapters/NN-topic.NAME.c -> build/bin/NN-topic.NAME), so that every flag
 * of a program applies to every run of it. Scripts written when they were
 * one program still call the chapter's main program with the family's
 * flags; the main program looks at the command line before parsing it and,
 * when it belongs to a family, runs that program in its place with the very
 * same arguments (so its output, its refusals and its exit status are the
 * family program's own).
 */
#ifndef FAMILY_H
#define FAMILY_H

/* The value of --flag on the command line argv[1..argc-1], written
 * "--flag VALUE" or "--flag=VALUE": "" when --flag is the last argument
 * (its value is missing: the parser will say so), NULL when it does not
 * appear. Only the first appearance counts. */
const char *family_flag_value(int argc, char **argv, const char *flag);

/* Replaces this process by the family program PROGRAM.FAMILY, found in the
 * folder of this program's own file (build/bin/, or build/try/bin/ under
 * make try), with the same argv. Returns only when that fails, with
 * EXIT_FAILURE after a message on stderr naming the program it tried. */
int family_exec(const char *program, const char *family, char **argv);

#endif
