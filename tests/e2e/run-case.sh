#!/usr/bin/env bash
# Run one end-to-end golden case.
#   run-case.sh PLANCHECK CASE_DIR
#
# The case folder holds its inputs and:
#   args            the arguments, one per line (no shell expansion)
#   expected.out    standard output, exactly
#   expected.err    standard error, exactly (compared only when present)
#   status          the exit status
#   expected-files/ files the run must create, with their contents; when
#                   absent, the run must create no file at all
#   timeout         seconds the run may take (default 20)
#   env             VAR=VALUE lines added to the environment
#
# PLANCHECK_WRAPPER, when set, is a command the program runs under (e.g.
# "valgrind -q --error-exitcode=99 --leak-check=full"); its words are split
# on spaces.
#
# plancheck runs in a scratch copy of the folder, so the paths in its output
# are the relative ones from `args`. On a mismatch the script prints a
# unified diff and fails. With UPDATE=1 it rewrites the expected files from
# what the program printed instead: review them before committing.
set -u
if [ $# -lt 2 ] || [ ! -d "$2" ]; then
	echo "usage: run-case.sh PLANCHECK CASE_DIR (no such folder: ${2-})" >&2
	exit 2
fi
plancheck=$1
case_dir=${2%/}
# the program runs from the scratch folder: make both paths absolute
case $plancheck in
*/*) plancheck=$(cd "$(dirname "$plancheck")" && pwd)/$(basename "$plancheck") ;;
*) plancheck=$(command -v "$plancheck") ;;
esac
case_dir=$(cd "$case_dir" && pwd) || exit 2
name=$(basename "$case_dir")

work=$(mktemp -d)
trap 'chmod -R u+rwX "$work" 2>/dev/null; rm -rf "$work"' EXIT
mkdir "$work/case"
cp -R "$case_dir/." "$work/case/"

args=()
if [ -s "$case_dir/args" ]; then
	mapfile -t args <"$case_dir/args"
fi
envs=()
if [ -f "$case_dir/env" ]; then
	mapfile -t envs <"$case_dir/env"
fi
limit=20
if [ -f "$case_dir/timeout" ]; then
	limit=$(tr -d ' \n' <"$case_dir/timeout")
fi
if [ -n "${PLANCHECK_WRAPPER:-}" ]; then
	limit=$((limit * 10))   # a memory checker runs the program far slower
fi

(cd "$work/case" && find . -type f | sort) >"$work/before"
(
	cd "$work/case" || exit 125
	exec env -u NO_COLOR TZ=UTC "${envs[@]}" \
		timeout "$limit" ${PLANCHECK_WRAPPER:-} "$plancheck" "${args[@]}"
) >"$work/stdout" 2>"$work/stderr"
status=$?
(cd "$work/case" && find . -type f | sort) >"$work/after"
comm -13 "$work/before" "$work/after" | sed 's|^\./||' >"$work/created"

if [ "${UPDATE:-}" = 1 ]; then
	cp "$work/stdout" "$case_dir/expected.out"
	if [ -f "$case_dir/expected.err" ] || [ -s "$work/stderr" ]; then
		cp "$work/stderr" "$case_dir/expected.err"
	fi
	echo "$status" >"$case_dir/status"
	rm -rf "$case_dir/expected-files"
	if [ -s "$work/created" ]; then
		while IFS= read -r f; do
			mkdir -p "$case_dir/expected-files/$(dirname "$f")"
			cp "$work/case/$f" "$case_dir/expected-files/$f"
		done <"$work/created"
	fi
	echo "updated $name (status $status)"
	exit 0
fi

fail=0
compare() { # compare LABEL EXPECTED ACTUAL
	if ! cmp -s "$2" "$3"; then
		echo "$name: $1 differs:"
		diff -u --label "expected $1" --label "actual $1" "$2" "$3"
		fail=1
	fi
}

if [ -f "$case_dir/expected.out" ]; then
	compare stdout "$case_dir/expected.out" "$work/stdout"
else
	echo "$name: expected.out is missing (run with UPDATE=1 to create it)"
	fail=1
fi
if [ -f "$case_dir/expected.err" ]; then
	compare stderr "$case_dir/expected.err" "$work/stderr"
fi
want=$(tr -d ' \n' <"$case_dir/status" 2>/dev/null)
if [ "$want" != "$status" ]; then
	echo "$name: exit status $status, expected ${want:-(no status file)}"
	if [ ! -f "$case_dir/expected.err" ]; then
		echo "standard error was:"
		head -40 "$work/stderr"
	fi
	fail=1
fi
if [ -d "$case_dir/expected-files" ]; then
	(cd "$case_dir/expected-files" && find . -type f | sed 's|^\./||' | sort) \
		>"$work/want-files"
else
	: >"$work/want-files"
fi
if ! cmp -s "$work/want-files" "$work/created"; then
	echo "$name: files created differ:"
	diff -u --label "expected files" --label "created files" \
		"$work/want-files" "$work/created"
	fail=1
else
	while IFS= read -r f; do
		compare "file $f" "$case_dir/expected-files/$f" "$work/case/$f"
	done <"$work/created"
fi

if [ $fail -ne 0 ]; then
	echo "FAIL $name"
	exit 1
fi
echo "ok $name"
