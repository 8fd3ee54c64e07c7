#!/usr/bin/env bash
# Feed every input of the YAML test suite (none is a plan) to
# `plancheck check`. Each run must end with exit status 1 (findings) or
# 2 (could not judge), print a message that names the file, and finish
# in under a second of CPU time (user + system: wall time would measure the
# machine's load, not plancheck). Sanitizer and valgrind failures use other
# statuses, so they fail this test too.
#   sweep.sh PLANCHECK CASES_DIR [GLOB [WRAPPER...]]
# GLOB picks the case folders (default: all), so CTest can run parts at once.
set -u
plancheck=$1
cases=$2
glob=${3:-*}
shift $(( $# < 3 ? $# : 3 ))
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:exitcode=99:detect_leaks=1
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-}:halt_on_error=1:exitcode=98
limit_ms=${SWEEP_LIMIT_MS:-1000}
fail=0 n=0 ones=0 twos=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for dir in "$cases"/$glob/; do
	[ -d "$dir" ] || continue
	name=$(basename "$dir")
	n=$((n + 1))
	TIMEFORMAT='%3U %3S'
	{ time (cd "$dir" && timeout 10 "$@" "$plancheck" check --as-of 2020-01-01 \
		--color never in.yaml >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/status"); } 2>"$tmp/time"
	status=$(cat "$tmp/status")
	read -r user sys <"$tmp/time"
	ms=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')
	case $status in
	1) ones=$((ones + 1)); grep -q '^in.yaml:[0-9]*:[0-9]*: ' "$tmp/out" ||
		{ echo "FAIL $name: status 1 but no finding with file:line:col"; fail=1; } ;;
	2) twos=$((twos + 1)); grep -q '^in.yaml' "$tmp/err" ||
		{ echo "FAIL $name: status 2 but the message does not name the file:"; cat "$tmp/err"; fail=1; } ;;
	*) echo "FAIL $name: exit status $status"; head -20 "$tmp/err"; fail=1 ;;
	esac
	if [ -z "$*" ] && [ "$ms" -gt "$limit_ms" ]; then
		echo "FAIL $name: took ${ms} ms"
		fail=1
	fi
done
echo "yaml-suite: $n inputs, $ones with findings (status 1), $twos refused (status 2)"
if [ $fail -ne 0 ]; then
	echo "0 passed, 1 failed"
	exit 1
fi
