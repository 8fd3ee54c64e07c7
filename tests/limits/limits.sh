#!/usr/bin/env bash
# Hostile inputs against the default limits, with time and memory measured.
#   limits.sh PLANCHECK
#
# Each input is made here, in a scratch directory (a 300 MiB file, a 64 MiB
# scalar and the like cannot be committed), and run as
# `plancheck check ...` under GNU time. Each must end with its exit status
# and its own message, in little CPU time (MAX_CPU seconds, user + system)
# and little memory (MAX_RSS_KIB of maximum resident set size). A
# sanitizer build uses several times the memory and time of a plain one:
# there the memory is not judged and the time bound is ten times larger.
# PLANCHECK_SANITIZE=ON (set by CMake) says it is one; so does a binary
# linked with the AddressSanitizer runtime.
#
# One table row per input goes to standard output (README-section.md
# quotes the figures). Exit 0 when every input behaved, 1 otherwise, 77
# (skipped) without GNU time.
set -u
plancheck=$1
# the inputs are made and run from a scratch directory
case $plancheck in
*/*) plancheck=$(cd "$(dirname "$plancheck")" && pwd)/$(basename "$plancheck") ;;
*) plancheck=$(command -v "$plancheck") ;;
esac
gnu_time=${GNU_TIME:-/usr/bin/time}
MAX_RSS_KIB=65536
MAX_CPU=1.0

if ! "$gnu_time" -f %M true >/dev/null 2>&1; then
	echo "SKIP: GNU time ($gnu_time) is needed to measure memory"
	exit 77
fi

sanitized=no
if [ "${PLANCHECK_SANITIZE:-}" = ON ] ||
   { command -v ldd >/dev/null && ldd "$plancheck" 2>/dev/null | grep -q asan; } ||
   { command -v nm >/dev/null && nm "$plancheck" 2>/dev/null | grep -q __asan_init; }; then
	sanitized=yes
	MAX_CPU=10.0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/plancheck-limits.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

head='plancheck: plan/1
plan:
  id: hostile
  name: Hostile
  as_of: 2020-06-30
'
units='units:
  - id: A
    name: Unit A
    level: district
'

# ---- the inputs ----------------------------------------------------------

# 300 MiB, sparse: refused from its size, never read.
truncate -s 300M huge.yaml

{ printf '%s  x-deep: ' "$head"; head -c 100000 /dev/zero | tr '\0' '['
  printf '\n%s' "$units"; } >deep.yaml

# A 2 MiB quoted scalar: read whole (it is 2 MiB), then refused.
{ printf '%s  x-long: "' "$head"; head -c 2097152 /dev/zero | tr '\0' a
  printf '"\n%s' "$units"; } >scalar-2mib.yaml

# A 64 MiB plain scalar: stopped while it is read.
{ printf '%s  x-long: ' "$head"; head -c 67108864 /dev/zero | tr '\0' a
  printf '\n%s' "$units"; } >scalar-64mib.yaml

{ printf '%s' "$head"
  printf '  x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n'
  prev=a
  for c in b c d e f g h i; do
	printf '  x-%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n' \
		"$c" "$c" $prev $prev $prev $prev $prev $prev $prev $prev $prev
	prev=$c
  done
  printf '%s' "$units"; } >laughs.yaml

# One anchored list of 10,000 items aliased 10,000 times.
awk -v head="$head" -v units="$units" 'BEGIN {
	printf "%s  x-a: &a [", head
	for (i = 0; i < 10000; i++) printf "%sx", i ? "," : ""
	printf "]\n  x-b: ["
	for (i = 0; i < 10000; i++) printf "%s*a", i ? "," : ""
	printf "]\n%s", units }' >quadratic.yaml

# An anchor on a list of 1,500,000 items, never aliased.
awk -v head="$head" -v units="$units" 'BEGIN {
	printf "%s  x-a: &big [", head
	for (i = 0; i < 1500000; i++) printf "%s%d", i ? "," : "", i % 10
	printf "]\n%s", units }' >anchored.yaml

# Not hostile: 1,000,000 small items of x- data.
awk -v head="$head" -v units="$units" 'BEGIN {
	printf "%s  x-data: [", head
	for (i = 0; i < 1000000; i++) printf "%s%d", i ? "," : "", i % 10
	printf "]\n%s", units }' >flow.yaml

# 10,000 units named "aaa...ab", and `(a+)+$` in a selector and a pattern.
awk -v head="$head" 'BEGIN {
	printf "%sunits:\n", head
	for (i = 0; i < 10000; i++)
		printf "  - id: U%05d\n    name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n    level: district\n", i }' >redos-plan.yaml
cat >redos-rules.yaml <<'EOF'
plancheck: rules/1
id: redos
name: Catastrophic expressions
rules:
  - id: district-units
    kind: pattern
    target: units
    for: { name: { matches: '(a+)+$' } }
    field: id
    matches: '^U'
  - id: unit-name
    kind: pattern
    target: units
    field: name
    matches: '(a+)+$'
EOF

# 1,300 capture groups against a long subject, for the interpreter.
{ printf '%sunits:\n  - id: A\n    level: district\n    name: ' "$head"
  head -c 9000 /dev/zero | tr '\0' a; printf '!\n'; } >groups-plan.yaml
{ printf 'plancheck: rules/1\nid: groups\nname: Groups\nrules:\n'
  printf '  - id: groups\n    kind: pattern\n    target: units\n'
  printf "    field: name\n    matches: '^(?:a"
  awk 'BEGIN { for (i = 0; i < 1300; i++) printf "()" }'
  printf ")+\$'\n"; } >groups-rules.yaml

# One position held by 200,000 people, then 20,000 positions of 17
# holders each: every list of more than 16 holders is checked for a
# person written twice through a table, which must cost no more than the
# list, however long the first one was.
awk -v head="$head" 'BEGIN {
	printf "%stitles: [{ id: t, name: T }]\npeople:\n", head
	for (i = 0; i < 200000; i++) printf "  - { id: P%06d }\n", i
	printf "units:\n  - id: A\n    level: district\n    positions:\n"
	printf "      - { title: t, holders: ["
	for (i = 0; i < 200000; i++) printf "%sP%06d", i ? "," : "", i
	printf "] }\n"
	for (k = 0; k < 20000; k++) {
		printf "      - { title: t, holders: ["
		for (i = 0; i < 17; i++)
			printf "%sP%06d", i ? "," : "", (k * 17 + i) % 200000
		printf "] }\n"
	} }' >holders.yaml

printf '%s%s' "$head" "$units" >plan.yaml
{ printf 'plancheck: rules/1\nid: long\nname: Long\nrules:\n'
  printf '  - id: long\n    kind: pattern\n    target: units\n'
  printf "    field: name\n    matches: '"
  head -c 5000 /dev/zero | tr '\0' a
  printf "'\n"; } >long-regex.yaml

# ---- running them --------------------------------------------------------

failures=0
printf '| input | size | exit | CPU s (user+sys) | wall s | max RSS MiB |\n'
printf '|---|---|---|---|---|---|\n'

# run NAME STATUS MESSAGE FILE [ARGS...]: plancheck check ARGS... must end
# with STATUS and print MESSAGE (fixed text) to standard error, or, for
# status 0 and 1, to standard output.
run() {
	local name=$1 want=$2 message=$3 file=$4 status cpu wall rss size
	shift 4
	timeout 120 "$gnu_time" -o time.txt -f '%e %U %S %M' \
		"$plancheck" check "$@" >out.txt 2>err.txt
	status=$?
	# GNU time puts "Command exited with non-zero status N" first.
	read -r wall user sys rss < <(tail -n 1 time.txt)
	case "$wall $user $sys $rss" in
	*[!0-9.\ ]* | *" ")
		echo "FAIL $name: cannot read GNU time's figures" >&2
		cat time.txt >&2
		failures=$((failures + 1))
		return
		;;
	esac
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	size=$(du -k --apparent-size "$file" | awk '{
		if ($1 >= 1024) printf "%.0f MiB", $1 / 1024
		else printf "%d KiB", $1 }')
	printf '| %s | %s | %s | %s | %s | %.1f |\n' "$name" "$size" "$status" \
		"$cpu" "$wall" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
	if [ "$status" != "$want" ]; then
		echo "FAIL $name: exit status $status, expected $want" >&2
		sed 's/^/  /' err.txt | head -c 2000 >&2
		failures=$((failures + 1))
		return
	fi
	if ! grep -qF -- "$message" err.txt out.txt; then
		echo "FAIL $name: no message '$message'" >&2
		head -c 2000 err.txt >&2
		failures=$((failures + 1))
	fi
	if ! awk -v c="$cpu" -v m="$MAX_CPU" 'BEGIN { exit !(c < m) }'; then
		echo "FAIL $name: $cpu s of CPU, not under $MAX_CPU" >&2
		failures=$((failures + 1))
	fi
	if [ "$sanitized" = no ] && [ "$rss" -ge "$MAX_RSS_KIB" ]; then
		echo "FAIL $name: max RSS $rss KiB, not under $MAX_RSS_KIB" >&2
		failures=$((failures + 1))
	fi
}

run "300 MiB file (sparse)" 2 \
	"file is 314572800 bytes, over the limit of 268435456 bytes (raise it with --max-file-size)" \
	huge.yaml huge.yaml
run "100,000 [ characters" 2 \
	"nesting deeper than the limit of 64 levels" deep.yaml deep.yaml
run "2 MiB scalar" 2 \
	"a scalar of 2097152 bytes is over the limit of 1048576 bytes" \
	scalar-2mib.yaml scalar-2mib.yaml
run "64 MiB scalar" 2 \
	"more than 8388608 characters from here without the end of a YAML node" \
	scalar-64mib.yaml scalar-64mib.yaml
run "billion laughs (9 levels of 9 aliases)" 2 \
	"aliases expand to more than 1000000 YAML events" laughs.yaml laughs.yaml
run "10,000-item list aliased 10,000 times" 2 \
	"aliases expand to more than 1000000 YAML events" \
	quadratic.yaml quadratic.yaml
run "anchored list of 1,500,000 items" 2 \
	"anchored nodes hold more than 1000000 YAML events" \
	anchored.yaml anchored.yaml
run "5,000-byte regular expression" 2 \
	"is 5000 bytes, over the limit of 4096 bytes" \
	long-regex.yaml -r long-regex.yaml plan.yaml
run "(a+)+\$ on 10,000 units, selector and pattern" 1 \
	"summary: 2 errors" redos-plan.yaml -r redos-rules.yaml redos-plan.yaml
if [ "$(grep -c 'could not judge' out.txt)" != 2 ]; then
	echo "FAIL (a+)+\$: expected one finding per rule" >&2
	failures=$((failures + 1))
fi
run "a position of 200,000 holders, then 20,000 of 17" 0 \
	"summary: 0 errors" holders.yaml holders.yaml
# Without the JIT (PLANCHECK_NO_JIT=1, as under valgrind), PCRE2's
# interpreter keeps a frame of every capture group per level.
export PLANCHECK_NO_JIT=1
run "1,300 groups on 9,000 characters, no JIT" 1 \
	"could not judge unit A" groups-plan.yaml -r groups-rules.yaml \
	groups-plan.yaml
unset PLANCHECK_NO_JIT
# Not hostile, so not held to the hostile inputs' time.
max_cpu=$MAX_CPU
MAX_CPU=$(awk -v m="$MAX_CPU" 'BEGIN { print m * 5 }')
run "1,000,000-item flow sequence (loads)" 0 \
	"summary: 0 errors" flow.yaml flow.yaml
MAX_CPU=$max_cpu

if [ "$sanitized" = yes ]; then
	echo "(sanitizer build: memory not judged, CPU bound $MAX_CPU s)"
fi
if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed" >&2
	exit 1
fi
exit 0
