/*
 * mpirun.h: running this very program under mpirun, for a flag such as
 * chapter 10's --np P, so that a student need not type the launcher's
 * command line.
 *
 * mpirun sits between the ranks and the terminal, and on its own it hides
 * two things a program's user relies on. It writes the ranks' standard
 * output itself and drops a failure to write it: `--np 4 > runs.csv` on a
 * full disk ended with status 0 and a short file. And after a rank has
 * said in one line why it stopped, it adds a page, boxed in dashes, that
 * says nothing more. So mpirun's output and errors come here through
 * pipes:
 *   - standard output is copied as it comes, and a failure to write it is
 *     one line and status 1, as in a run without mpirun; a reader that
 *     went away (`| head`) ends the job and this program by SIGPIPE,
 *     quietly, as it would any program in a pipeline;
 *   - standard error is copied line by line, the lines of mpirun's pages
 *     held back and printed at the end only when no line of the program's
 *     own explains the failure (a failure of mpirun's own, or a crash:
 *     any exit status but 0, 1 and 2).
 * SIGTERM and SIGHUP are passed on to mpirun, which ends the ranks; SIGINT
 * from the terminal reaches mpirun by itself, through the process group.
 */
#ifndef MPIRUN_H
#define MPIRUN_H

#include <stddef.h>

/* Runs this program (/proc/self/exe) with argv[1..argc-1] under
 * `mpirun -np np` (with --oversubscribe, so that np may exceed the cores;
 * as root, --allow-run-as-root; --stdin none, since the program reads no
 * input and mpirun would swallow a script's). Returns the exit status to
 * end with: mpirun's, which is a rank's own, or 1 after a line naming
 * program when mpirun cannot be run or standard output cannot be
 * written. */
int mpirun_relaunch(const char *program, int argc, char **argv, size_t np);

#endif
