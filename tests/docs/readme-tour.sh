#!/usr/bin/env bash
# The README's five-minute tour must stay true: take its plan and rule pack
# from the README's yaml blocks, run the command it shows, and compare the
# output and exit status with the transcript printed there.
#   readme-tour.sh PLANCHECK README
set -euo pipefail
plancheck=$(realpath "$1")
readme=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# First yaml block: demo.yaml; second: demo-rules.yaml; the console block
# after "$ plancheck check demo.yaml" up to "$ echo $?": the output; the line
# after that: the status.
awk -v dir="$tmp" '
	/^```yaml$/ { n++; out = dir (n == 1 ? "/demo.yaml" : "/demo-rules.yaml"); inb = (n <= 2); next }
	/^```console$/ { incons = 1; next }
	/^```$/ { inb = 0; incons = 0; next }
	inb { print > out; next }
	incons && /^\$ plancheck check demo.yaml$/ { take = 1; next }
	incons && /^\$ echo \$\?$/ { take = 0; status = 1; next }
	incons && status == 1 { print > (dir "/status"); status = 2; next }
	incons && take { print > (dir "/expected") }
' "$readme"
cd "$tmp"
set +e
"$plancheck" check --color never demo.yaml >got
rc=$?
set -e
if ! diff -u expected got; then
	echo "README tour output differs from the README"
	exit 1
fi
if [ "$rc" != "$(cat status)" ]; then
	echo "README tour exit status $rc, README says $(cat status)"
	exit 1
fi
echo "README tour: output and exit status as printed"
