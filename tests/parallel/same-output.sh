#!/usr/bin/env bash
# plancheck check -j N writes the same bytes as -j 1.
#   same-output.sh PLANCHECK GEN_PLAN SOURCE_DIR WORK_DIR
#
# Forty plans of very different sizes (national-scale ones from gen-plan,
# copies of plans/long-an.yaml and plans/tour.yaml under other ids and
# dates, small ones written here), in an order where a big plan is often
# followed by small ones, so parallel workers finish out of order. Each run
# writes all six formats at once (text to standard output, the others to
# files); every file, standard output, standard error and the exit status
# must be those of -j 1, for -j 2, -j 4, -j 64 and the default. Each format
# is then written alone to standard output with -j 4 and compared with the
# -j 1 file. Last, five operands that cannot be judged are mixed in (a
# missing file, a YAML syntax error, two plans naming a broken rule pack,
# a rule pack given as a plan): exit 2, nothing written, and standard error
# the same, message for message, in argument order.
set -u
# the runs happen in WORK_DIR: make the other paths absolute
abs() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }
plancheck=$(abs "$1") || exit 1
gen_plan=$(abs "$2") || exit 1
src=$(cd "$3" && pwd) || exit 1
work=$4

fail=0
formats=(text json sarif junit github csv)

rm -rf "$work"
mkdir -p "$work/plans" "$work/rules" || exit 1
cd "$work" || exit 1

# ---- the plans ----

cp "$src/rules/vn-2018.yaml" "$src/rules/tour.yaml" \
	"$src/tests/bench/bench-rules.yaml" rules/ || exit 1

# gen-plan: six one-province plans (about 400 KB each), each naming the
# benchmark pack.
for seed in 1 2 3 4 5 6; do
	"$gen_plan" -q -p 1 -s "$seed" "gen-$seed.yaml" || exit 1
	sed 's|^x-generator:.*|&\nrules: [../rules/bench-rules.yaml]|' \
		"gen-$seed.yaml" >"plans/gen-$seed.yaml" || exit 1
	rm "gen-$seed.yaml"
done

# long-an.yaml judged at three dates, under three ids.
n=0
for as_of in 2019-06-30 2020-06-30 2021-06-30; do
	n=$((n + 1))
	sed -e "s/^  id: long-an-de-an-02\$/  id: long-an-$n/" \
	    -e "s/^  as_of: 2020-06-30\$/  as_of: $as_of/" \
		"$src/plans/long-an.yaml" >"plans/long-an-$n.yaml" || exit 1
done

# the tour at eleven dates
for n in $(seq 1 11); do
	sed -e "s/^  id: tour\$/  id: tour-$n/" \
	    -e "s/^  as_of: 2020-06-30\$/  as_of: 2020-$(printf %02d "$n")-15/" \
		"$src/plans/tour.yaml" >"plans/tour-$n.yaml" || exit 1
done

# twenty small plans: a deadline, a pattern on unit ids
cat >rules/small.yaml <<'EOF'
plancheck: rules/1
id: small
name: Small plans
rules:
  - id: t-deadline
    kind: deadline
    task: t
    message: "{unit.id}: {task.id} overdue by {days} days"
  - id: upper-id
    kind: pattern
    target: units
    field: id
    matches: '^[A-Z]'
    severity: warning
    message: "{unit.id}: ids start upper case"
EOF
for n in $(seq 1 20); do
	{
		printf 'plancheck: plan/1\nplan:\n  id: small-%d\n' "$n"
		printf '  name: Small plan %d\n  as_of: 2020-02-%02d\n' "$n" "$n"
		printf 'rules: [../rules/small.yaml]\nunits:\n'
		for k in $(seq 1 $((n % 7 + 1))); do
			if [ $(((n + k) % 3)) -eq 0 ]; then id=u$n-$k; else id=U$n-$k; fi
			printf '  - id: %s\n    name: Unit %s\n' "$id" "$id"
			printf '    level: district\n'
		done
		printf 'tasks:\n  - id: t\n    name: Task\n'
		printf '    applies_to: { level: district }\n'
		printf '    due: 2020-01-%02d\n' $((n + 5))
	} >"plans/small-$n.yaml"
done

mapfile -t sorted < <(cd plans && ls | LC_ALL=C sort)
if [ "${#sorted[@]}" -ne 40 ]; then
	echo "expected 40 plans, wrote ${#sorted[@]}"
	exit 1
fi
# a fixed shuffle: position i takes plan (7 i) mod 40
plans=()
for i in $(seq 0 39); do
	plans+=("plans/${sorted[$((i * 7 % 40))]}")
done

# ---- runs ----

# run NAME JOBS_ARGS... -- PLANS...: all six formats at once, into NAME/
run() {
	local name=$1 args=() outs=()
	shift
	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	shift
	mkdir -p "$name"
	outs=(-f text)
	for f in "${formats[@]:1}"; do
		outs+=(-f "$f" -o "$name/out.$f")
	done
	"$plancheck" check "${args[@]}" "${outs[@]}" "$@" \
		>"$name/out.text" 2>"$name/stderr"
	echo $? >"$name/status"
}

# same REFERENCE NAME: every file of REFERENCE/ is in NAME/, byte for byte
same() {
	local f
	for f in "$1"/*; do
		f=${f##*/}
		if ! cmp -s "$1/$f" "$2/$f"; then
			echo "FAIL: $2/$f differs from $1/$f"
			diff -u "$1/$f" "$2/$f" 2>&1 | head -20
			fail=1
		fi
	done
	if [ "$(ls "$1" | wc -l)" -ne "$(ls "$2" | wc -l)" ]; then
		echo "FAIL: $2 has other files than $1: $(ls "$2")"
		fail=1
	fi
}

run j1 -j 1 -- "${plans[@]}"
if [ "$(cat j1/status)" != 1 ] || [ -s j1/stderr ]; then
	echo "FAIL: -j 1 on forty plans: exit $(cat j1/status), expected 1:"
	head -20 j1/stderr
	exit 1
fi
for f in "${formats[@]}"; do
	if [ ! -s "j1/out.$f" ]; then
		echo "FAIL: -j 1 wrote no $f"
		fail=1
	fi
done
# the run covers every plan: each one's file name is in the JSON
for p in "${plans[@]}"; do
	if ! grep -q "\"file\": \"$p\"" j1/out.json; then
		echo "FAIL: $p is missing from the JSON output"
		fail=1
	fi
done

for jobs in 2 4 64; do
	run "j$jobs" -j "$jobs" -- "${plans[@]}"
	same j1 "j$jobs"
done
run jdefault -- "${plans[@]}"
same j1 jdefault
run jlong --jobs=4 -- "${plans[@]}"
same j1 jlong

# each format alone, to standard output
for f in "${formats[@]}"; do
	"$plancheck" check -j4 -f "$f" "${plans[@]}" >"alone.$f" 2>alone.err
	status=$?
	if [ "$status" != 1 ] || [ -s alone.err ] ||
	   ! cmp -s "j1/out.$f" "alone.$f"; then
		echo "FAIL: check -j4 -f $f (exit $status) differs from -j 1"
		diff -u "j1/out.$f" "alone.$f" | head -20
		cat alone.err
		fail=1
	fi
done

# ---- some plans cannot be judged ----

cat >rules/broken.yaml <<'EOF'
plancheck: rules/1
id: broken
name: Broken pack
rules:
  - id: bad-regex
    kind: pattern
    target: units
    field: id
    matches: '^[A-Z'
EOF
for n in 1 2; do
	sed "s|^rules: .*|rules: [../rules/broken.yaml, ../rules/small.yaml]|" \
		"plans/small-$n.yaml" >"plans/broken-pack-$n.yaml"
done
printf 'plancheck: plan/1\nplan: {id: syntax, as_of: 2020-01-01\nunits: []\n' \
	>plans/syntax.yaml
bad=("${plans[@]:0:5}" plans/missing.yaml "${plans[@]:5:7}"
     plans/syntax.yaml "${plans[@]:12:8}" plans/broken-pack-1.yaml
     "${plans[@]:20:5}" rules/tour.yaml "${plans[@]:25:8}"
     plans/broken-pack-2.yaml "${plans[@]:33}")

run bad1 -j 1 -- "${bad[@]}"
if [ "$(cat bad1/status)" != 2 ] || [ -s bad1/out.text ] ||
   [ "$(ls bad1)" != "$(printf 'out.text\nstatus\nstderr')" ] ||
   ! grep -q '^plancheck: 5 of 45 plans could not be checked' bad1/stderr ||
   [ "$(grep -c 'broken.yaml:9:14: error' bad1/stderr)" != 1 ]; then
	echo "FAIL: -j 1 with five bad operands: exit $(cat bad1/status):"
	ls bad1
	cat bad1/stderr
	fail=1
fi
for jobs in 3 4 64; do
	run "bad$jobs" -j "$jobs" -- "${bad[@]}"
	same bad1 "bad$jobs"
done

if [ $fail -ne 0 ]; then
	echo "FAIL"
	exit 1
fi
echo "ok: -j 2, 4, 64 and the default write what -j 1 writes, in six formats"
