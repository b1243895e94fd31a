#!/bin/sh
# build-is-yours.sh: prints, for the Makefile to stop on, the command that
# mends it when build/ holds something the user running make cannot write;
# prints nothing when all of it is theirs.
#
# The usual cause is one `sudo make` (make deps asks for root to install
# packages, and a student answers by running everything as root): the
# folders it made are root's, and every later make, make check or make try
# failed deep inside with "mkdir: cannot create directory 'build/grade':
# Permission denied" and a shell's complaint about a lock file, which says
# nothing about the cause. Root can write anything, so it is not asked.
# The self-test's own scratch folders (build/selftest) are left out.
set -u
[ -d build ] && [ "$(id -u)" -ne 0 ] || exit 0
theirs=$(find build -path build/selftest -prune -o ! -type l ! -writable -print -quit 2>/dev/null)
[ -n "$theirs" ] || exit 0
owner=$(stat -c %U "$theirs" 2>/dev/null || echo "another user")
echo "$theirs is not yours to write (it is $owner's: a sudo make?): give build/ back with  sudo chown -R $(id -un): build  and make again"
