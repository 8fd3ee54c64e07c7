#!/usr/bin/env bash
# A plan parsed on a thread of its own (ahead.c) gives the bytes of a plan
# parsed on the loading thread: findings, errors, exit status.
#   parse-thread.sh PLANCHECK GEN_PLAN SOURCE_DIR WORK_DIR
#
# PLANCHECK_PARSE_THREAD_MIN sets the size from which a file gets the
# thread (default 4 MiB): 1 gives every file one, 0 none. Compared, with
# the thread and without:
#   - every input of the YAML test suite (syntax errors at every stage of
#     a parse, aliases, anchors, odd scalars) and every YAML file of the
#     e2e cases and plans/, checked as a plan: the text report, standard
#     error and exit status;
#   - a 12-province plan (over 4 MiB, so the default gives it the thread)
#     in all six formats;
#   - that plan cut short in the middle of a scalar (a syntax error
#     a few MiB in), and with a scalar over the length limit at its end.
set -u
abs() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }
plancheck=$(abs "$1") || exit 1
gen_plan=$(abs "$2") || exit 1
src=$(cd "$3" && pwd) || exit 1
work=$4

fail=0
rm -rf "$work"
mkdir -p "$work" || exit 1
cd "$work" || exit 1

# run NAME ARGS...: both ways, then compare.
run() {
	local name=$1
	shift
	PLANCHECK_PARSE_THREAD_MIN=0 "$plancheck" "$@" >"$name.0.out" \
		2>"$name.0.err"
	echo $? >"$name.0.status"
	PLANCHECK_PARSE_THREAD_MIN=1 "$plancheck" "$@" >"$name.1.out" \
		2>"$name.1.err"
	echo $? >"$name.1.status"
	local part
	for part in out err status; do
		if ! cmp -s "$name.0.$part" "$name.1.$part"; then
			echo "FAIL $name: standard $part differs with the parser thread"
			diff "$name.0.$part" "$name.1.$part" | head -10
			fail=1
		fi
	done
}

n=0
for dir in "$src"/tests/yaml-suite/cases/*/; do
	[ -f "$dir/in.yaml" ] || continue
	run "suite-$(basename "$dir")" check --as-of 2020-01-01 --color never \
		"$dir/in.yaml"
	n=$((n + 1))
done
for f in "$src"/tests/e2e/cases/*/*.yaml "$src"/plans/*.yaml; do
	[ -f "$f" ] || continue
	name=$(basename "$(dirname "$f")")-$(basename "$f" .yaml)
	run "e2e-$name" check --as-of 2020-01-01 --color never "$f"
	n=$((n + 1))
done

# A plan over the default threshold: the default run uses the thread.
"$gen_plan" -q -p 12 -s 3 big.yaml || exit 1
cp "$src/tests/bench/bench-rules.yaml" rules.yaml || exit 1
size=$(stat -c %s big.yaml)
if [ "$size" -lt $((4 * 1024 * 1024)) ]; then
	echo "FAIL big.yaml is $size bytes, under the 4 MiB threshold"
	fail=1
fi
for fmt in text json sarif junit github csv; do
	run "big-$fmt" check -r rules.yaml --format "$fmt" big.yaml
	PLANCHECK_PARSE_THREAD_MIN= "$plancheck" check -r rules.yaml \
		--format "$fmt" big.yaml >"big-$fmt.default.out" 2>&1
	if ! cmp -s "big-$fmt.0.out" "big-$fmt.default.out"; then
		echo "FAIL big-$fmt: the default run differs from the serial one"
		fail=1
	fi
	n=$((n + 1))
done

# Cut in the middle of a quoted name, about 3 MiB in.
head -c $((3 * 1024 * 1024)) big.yaml >cut.yaml
printf '\n    name: "unterminated\n' >>cut.yaml
run cut check -r rules.yaml cut.yaml
grep -q 'cut.yaml:[0-9]*:[0-9]*' cut.0.err ||
	{ echo "FAIL cut: no position in the error"; fail=1; }

# A scalar over the length limit (1 MiB) at the very end.
cp big.yaml long.yaml
{ printf 'x-long: '; head -c 1200000 /dev/zero | tr '\0' 'x'; echo; } >>long.yaml
run long check -r rules.yaml long.yaml
grep -q 'long.yaml:[0-9]*:[0-9]*' long.0.err ||
	{ echo "FAIL long: no position in the error"; fail=1; }

echo "parse-thread: $n inputs compared"
if [ $fail -ne 0 ]; then
	echo "0 passed, 1 failed"
	exit 1
fi
echo "1 passed, 0 failed"
