#!/usr/bin/python3
"""Validate plancheck's CI output formats.

    validate.py PLANCHECK SOURCE_DIR

Runs the built plancheck in every format (json, sarif, junit, github, csv)
on the example plan (plans/long-an.yaml; tests/ci/data when it is absent),
on the plans in tests/ci/data (one by one and as a directory operand), and
on every end-to-end case under tests/e2e/cases that checks plans, and for
each run:

  - runs it twice and compares the bytes;
  - validates SARIF against the official SARIF 2.1.0 schema and checks what
    GitHub code scanning needs (rules with help, ruleIndex, relative URIs
    under %SRCROOT%, regions, unique partialFingerprints, suppressions for
    waived findings, the exit code in invocations);
  - validates JUnit XML with `xmllint --schema` against junit-10.xsd;
  - parses the GitHub workflow commands and the CSV back and compares them
    with the JSON findings, field by field.

It also checks that several outputs written by one run equal the same
outputs written one by one, that a directory operand equals its plan files
listed in order, and runs the plancheck commands of github-workflow.yml and
gitlab-ci.yml in a copy of the repository and validates what they write.

The schemas are in tests/ci/schemas (see the README there). Needs
python3-jsonschema and xmllint (libxml2-utils); exits 77 (skipped) when one
is missing.
"""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

try:
    import jsonschema
except ImportError:
    print("skipped: python3-jsonschema is not installed "
          "(apt-get install python3-jsonschema)")
    sys.exit(77)

if shutil.which("xmllint") is None:
    print("skipped: xmllint is not installed (apt-get install libxml2-utils)")
    sys.exit(77)

FORMATS = ("json", "sarif", "junit", "github", "csv")
FORMAT_OPTIONS = ("-f", "--format", "-o", "--output")

plancheck = os.path.abspath(sys.argv[1])
source = os.path.abspath(sys.argv[2])
here = os.path.join(source, "tests", "ci")
schemas = os.path.join(here, "schemas")
with open(os.path.join(schemas, "sarif-schema-2.1.0.json"),
          encoding="utf-8") as f:
    sarif_validator = jsonschema.Draft4Validator(json.load(f))

failures = []
checked = 0


def fail(subject, message):
    failures.append("%s: %s" % (subject, message))
    print("FAIL %s: %s" % (subject, message), file=sys.stderr)


def run(args, cwd):
    """Run plancheck; (status, stdout bytes, stderr text)."""
    env = dict(os.environ, TZ="UTC")
    env.pop("NO_COLOR", None)
    p = subprocess.run([plancheck] + args, cwd=cwd, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def expected_uri(file_name, cwd):
    """The relative path SARIF and GitHub should give for file_name."""
    path = os.path.normpath(os.path.join(cwd, file_name))
    return os.path.relpath(path, cwd)


def sarif_level(severity):
    return {"error": "error", "warning": "warning"}.get(severity, "note")


# ---- the checks, one per format --------------------------------------

def check_sarif(subject, data, status, findings, cwd):
    try:
        doc = json.loads(data.decode("utf-8"))
    except ValueError as e:
        fail(subject, "SARIF is not JSON: %s" % e)
        return
    errors = sorted(sarif_validator.iter_errors(doc), key=str)
    for e in errors[:5]:
        fail(subject, "SARIF schema: %s at %s" % (e.message, list(e.path)))
    if errors:
        return
    if doc.get("version") != "2.1.0" or "$schema" not in doc:
        fail(subject, "SARIF: $schema or version 2.1.0 missing")
    run0 = doc["runs"][0]
    driver = run0["tool"]["driver"]
    for key in ("name", "version", "informationUri", "rules"):
        if key not in driver:
            fail(subject, "SARIF: tool.driver.%s missing" % key)
            return
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    if len(set(ids)) != len(ids):
        fail(subject, "SARIF: duplicate rule ids")
    for r in rules:
        for path in (("name",), ("shortDescription", "text"),
                     ("fullDescription", "text"), ("help", "text"),
                     ("help", "markdown"), ("defaultConfiguration", "level")):
            node = r
            for key in path:
                node = node.get(key) if isinstance(node, dict) else None
            if not node:
                fail(subject, "SARIF: rule %s lacks %s" %
                     (r["id"], ".".join(path)))
        basis = r.get("properties", {}).get("basis")
        if basis and basis not in r["help"]["text"]:
            fail(subject, "SARIF: rule %s help lacks its legal basis" %
                 r["id"])
    inv = run0.get("invocations", [{}])[0]
    if inv.get("exitCode") != status:
        fail(subject, "SARIF: exitCode %r, plancheck exited %d" %
             (inv.get("exitCode"), status))
    if inv.get("executionSuccessful") is not (status != 2):
        fail(subject, "SARIF: executionSuccessful is wrong")
    if "%SRCROOT%" not in run0.get("originalUriBaseIds", {}):
        fail(subject, "SARIF: originalUriBaseIds lacks %SRCROOT%")
    results = run0.get("results", [])
    if len(results) != len(findings):
        fail(subject, "SARIF: %d results for %d findings" %
             (len(results), len(findings)))
        return
    prints = set()
    for res, fnd in zip(results, findings):
        where = "%s:%s" % (fnd["file"], fnd["line"])
        if res["ruleId"] != fnd["rule"]:
            fail(subject, "SARIF %s: ruleId %s, JSON %s" %
                 (where, res["ruleId"], fnd["rule"]))
        if rules[res["ruleIndex"]]["id"] != res["ruleId"]:
            fail(subject, "SARIF %s: ruleIndex points at another rule" %
                 where)
        if res["level"] != sarif_level(fnd["severity"]):
            fail(subject, "SARIF %s: level %s for a %s" %
                 (where, res["level"], fnd["severity"]))
        if res["message"]["text"] != fnd["message"]:
            fail(subject, "SARIF %s: message differs" % where)
        loc = res["locations"][0]["physicalLocation"]
        art, region = loc["artifactLocation"], loc["region"]
        if (art.get("uriBaseId") != "%SRCROOT%" or
                art["uri"] != expected_uri(fnd["file"], cwd)):
            fail(subject, "SARIF %s: uri %s (base %s)" %
                 (where, art["uri"], art.get("uriBaseId")))
        if (region["startLine"], region["startColumn"]) != \
                (fnd["line"], fnd["column"]):
            fail(subject, "SARIF %s: region starts at %d:%d" %
                 (where, region["startLine"], region["startColumn"]))
        if region["endLine"] != region["startLine"] or \
                region["endColumn"] <= region["startColumn"]:
            fail(subject, "SARIF %s: bad region end" % where)
        related = res.get("relatedLocations", [])
        if len(related) != len(fnd.get("related", [])):
            fail(subject, "SARIF %s: %d related locations, JSON %d" %
                 (where, len(related), len(fnd.get("related", []))))
        fp = res.get("partialFingerprints", {}).get("plancheck/v1")
        if not fp or fp in prints:
            fail(subject, "SARIF %s: fingerprint missing or repeated" %
                 where)
        prints.add(fp)
        sup = res.get("suppressions")
        if bool(sup) != bool(fnd["waived"]):
            fail(subject, "SARIF %s: suppressions do not match waived" %
                 where)
        if sup:
            reason = fnd.get("waiver", {}).get("reason")
            if sup[0]["kind"] != "external" or \
                    sup[0]["status"] != "accepted" or \
                    (reason and reason not in sup[0]["justification"]):
                fail(subject, "SARIF %s: bad suppression" % where)


def check_junit(subject, data, findings, plans, tmp):
    path = os.path.join(tmp, "out.xml")
    with open(path, "wb") as f:
        f.write(data)
    p = subprocess.run(["xmllint", "--noout", "--schema",
                        os.path.join(schemas, "junit-10.xsd"), path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        fail(subject, "JUnit schema: " +
             p.stdout.decode("utf-8", "replace").strip()[:2000])
        return
    root = ET.fromstring(data)
    suites = root.findall("testsuite")
    if [s.get("file") for s in suites] != [p["file"] for p in plans]:
        fail(subject, "JUnit: one test suite per plan expected")
        return
    failing = set()
    for fnd in findings:
        if not fnd["waived"] and fnd["severity"] in ("error", "warning"):
            failing.add((fnd["rule"], "%s:%d: %s" %
                         (fnd["file"], fnd["line"], fnd["message"])))
    seen = set()
    total = 0
    for suite in suites:
        cases = suite.findall("testcase")
        fails = [c for c in cases if c.find("failure") is not None]
        skips = [c for c in cases if c.find("skipped") is not None]
        total += len(fails)
        if int(suite.get("tests")) != len(cases) or \
                int(suite.get("failures")) != len(fails) or \
                int(suite.get("skipped")) != len(skips):
            fail(subject, "JUnit: counts of suite %s are wrong" %
                 suite.get("name"))
        for case in fails:
            for line in case.find("failure").text.split("\n"):
                if line:
                    seen.add((case.get("name"), line))
    # Messages may hold line breaks: compare the first line of each.
    want = {(r, t.split("\n")[0]) for r, t in failing}
    if not want <= seen:
        fail(subject, "JUnit: failures lack %s" % sorted(want - seen)[:3])
    if int(root.get("failures")) != total:
        fail(subject, "JUnit: testsuites failures count is wrong")


GH_LINE = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def gh_unescape(text):
    return (text.replace("%0D", "\r").replace("%0A", "\n")
            .replace("%3A", ":").replace("%2C", ",").replace("%25", "%"))


def check_github(subject, data, findings, cwd):
    lines = data.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != len(findings):
        fail(subject, "github: %d commands for %d findings" %
             (len(lines), len(findings)))
        return
    for line, fnd in zip(lines, findings):
        m = GH_LINE.match(line)
        if not m:
            fail(subject, "github: not a workflow command: %s" % line[:200])
            continue
        kind, props, message = m.groups()
        want = "notice" if fnd["waived"] or fnd["severity"] == "info" \
            else fnd["severity"]
        if kind != want:
            fail(subject, "github: ::%s for a %s finding" %
                 (kind, fnd["severity"]))
        values = {}
        for prop in props.split(","):
            key, _, value = prop.partition("=")
            values[key] = gh_unescape(value)
        if values.get("file") != expected_uri(fnd["file"], cwd) or \
                values.get("line") != str(fnd["line"]) or \
                values.get("col") != str(fnd["column"]) or \
                values.get("title") != fnd["rule"]:
            fail(subject, "github: properties differ: %s" % props)
        if "\r" in message or "\n" in message:
            fail(subject, "github: unescaped line break")
        if not gh_unescape(message).startswith(fnd["message"]):
            fail(subject, "github: message differs: %s" % message[:200])


CSV_HEADER = ["file", "line", "column", "severity", "rule", "target_type",
              "target_id", "message", "basis", "waived"]


def check_csv(subject, data, findings):
    text = data.decode("utf-8")
    if text.startswith("\ufeff"):
        fail(subject, "csv: a byte order mark without --csv-bom")
    quoted = False
    for i, c in enumerate(text):
        if c == '"':
            quoted = not quoted
        elif c == "\n" and not quoted and text[i - 1:i] != "\r":
            fail(subject, "csv: a record not ended by CRLF")
            break
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or rows[0] != CSV_HEADER:
        fail(subject, "csv: bad header %r" % (rows[:1],))
        return
    rows = rows[1:]
    if len(rows) != len(findings):
        fail(subject, "csv: %d rows for %d findings" %
             (len(rows), len(findings)))
        return
    for row, fnd in zip(rows, findings):
        want = [fnd["file"], str(fnd["line"]), str(fnd["column"]),
                fnd["severity"], fnd["rule"], fnd["target"]["type"],
                fnd["target"]["id"], fnd["message"], fnd["basis"],
                "true" if fnd["waived"] else "false"]
        if row != want:
            fail(subject, "csv: row differs: %r != %r" % (row, want))


# ---- subjects -------------------------------------------------------

def strip_format_options(args):
    out, i = [], 0
    while i < len(args):
        a = args[i]
        if a in FORMAT_OPTIONS:
            i += 2
            continue
        if a.startswith(("--format=", "--output=")) or \
                (a[:2] in ("-f", "-o") and len(a) > 2):
            i += 1
            continue
        out.append(a)
        i += 1
    return out


def check_subject(subject, args, cwd, tmp):
    """Check plancheck ARGS (without -f/-o) in every format."""
    global checked
    outputs = {}
    for fmt in FORMATS:
        status, out, err = run(args + ["-f", fmt], cwd)
        status2, out2, _ = run(args + ["-f", fmt], cwd)
        if status not in (0, 1):
            fail(subject, "-f %s exited %d: %s" % (fmt, status, err[:500]))
            return None
        if (status, out) != (status2, out2):
            fail(subject, "-f %s: two runs differ" % fmt)
        outputs[fmt] = (status, out)
    status, data = outputs["json"]
    doc = json.loads(data.decode("utf-8"))
    findings = doc["findings"]
    check_sarif(subject, outputs["sarif"][1], status, findings, cwd)
    check_junit(subject, outputs["junit"][1], findings, doc["plans"], tmp)
    check_github(subject, outputs["github"][1], findings, cwd)
    check_csv(subject, outputs["csv"][1], findings)
    if {s for s, _ in outputs.values()} != {status}:
        fail(subject, "exit status depends on the format")
    checked += 1
    return outputs


def check_many_outputs(subject, args, cwd, single):
    """-f text -f sarif -o F -f junit -o G ...: text on standard output,
    each file equal to the same format written alone."""
    status, text, _ = run(args, cwd)
    files = {fmt: os.path.join(cwd, "many-out." + fmt)
             for fmt in ("sarif", "junit", "csv")}
    many = ["-f", "text"]
    for fmt, path in files.items():
        many += ["-f", fmt, "-o", path]
    status2, text2, err = run(args + many, cwd)
    if (status2, text2) != (status, text):
        fail(subject, "several outputs: text on standard output differs "
             "(%s)" % err[:300])
    for fmt, path in files.items():
        with open(path, "rb") as f:
            if f.read() != single[fmt][1]:
                fail(subject, "several outputs: %s file differs" % fmt)
        os.unlink(path)


def copy_repo(dest):
    for name in ("plans", "rules"):
        src = os.path.join(source, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(dest, name))
    shutil.copytree(os.path.join(here, "data"),
                    os.path.join(dest, "tests", "ci", "data"))


def workflow_commands(name):
    """The plancheck command lines of a CI file (./build/plancheck ...)."""
    cmds = []
    with open(os.path.join(here, name), encoding="utf-8") as f:
        for line in f:
            m = re.search(r"\./build/plancheck (check .*)$", line.rstrip())
            if m and not line.lstrip().startswith("#"):
                cmds.append(m.group(1))
    return cmds


def check_workflow(name, repo, tmp, produced):
    cmds = workflow_commands(name)
    if not cmds:
        fail(name, "no ./build/plancheck command found")
    for cmd in cmds:
        p = subprocess.run("%s %s" % (plancheck, cmd), shell=True, cwd=repo,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=dict(os.environ, TZ="UTC"), timeout=300)
        if p.returncode not in (0, 1):
            fail(name, "`%s` exited %d: %s" % (cmd, p.returncode,
                                               p.stderr.decode()[:500]))
            continue
        status, data, _ = run(strip_format_options(cmd.split())
                              + ["-f", "json"], repo)
        doc = json.loads(data.decode("utf-8"))
        for fmt, path in produced.items():
            full = os.path.join(repo, path)
            if not os.path.exists(full):
                fail(name, "`%s` did not write %s" % (cmd, path))
                continue
            with open(full, "rb") as f:
                out = f.read()
            if fmt == "sarif":
                check_sarif(name, out, p.returncode, doc["findings"], repo)
            elif fmt == "junit":
                check_junit(name, out, doc["findings"], doc["plans"], tmp)
            elif fmt == "csv":
                check_csv(name, out, doc["findings"])
            os.unlink(full)
        if "-f github" in cmd:
            lines = [l for l in p.stdout.decode().split("\n")
                     if l.startswith("::")]
            check_github(name, "\n".join(lines).encode() +
                         (b"\n" if lines else b""), doc["findings"], repo)


def e2e_cases():
    base = os.path.join(source, "tests", "e2e", "cases")
    if not os.path.isdir(base):
        return
    for name in sorted(os.listdir(base)):
        case = os.path.join(base, name)
        try:
            with open(os.path.join(case, "args"), encoding="utf-8") as f:
                args = f.read().split("\n")
            with open(os.path.join(case, "status")) as f:
                status = int(f.read().strip())
        except (OSError, ValueError):
            continue
        while args and args[-1] == "":
            args.pop()
        if not args or args[0] != "check" or status not in (0, 1):
            continue
        if any(a in ("-h", "--help") for a in args):
            continue
        if os.path.exists(os.path.join(case, "env")):
            continue
        yield name, case, strip_format_options(args)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        repo = os.path.join(tmp, "repo")
        os.mkdir(repo)
        copy_repo(repo)
        data = os.path.join("tests", "ci", "data")

        # The example plan, or the small one when it is absent.
        example = os.path.join("plans", "long-an.yaml")
        if not os.path.exists(os.path.join(repo, example)):
            example = os.path.join(data, "plan-tricky.yaml")
        single = check_subject(example, ["check", example], repo, tmp)
        if single:
            check_many_outputs(example, ["check", example], repo, single)

        # The small plans, one by one and together.
        plans = [os.path.join(data, "plan-b.yaml"),
                 os.path.join(data, "plan-tricky.yaml"),
                 os.path.join(data, "sub", "plan-c.yml")]
        for plan in plans:
            check_subject(plan, ["check", plan], repo, tmp)
        together = check_subject("the data plans", ["check"] + plans, repo,
                                 tmp)
        # --root: paths relative to another directory.
        status, out, err = run(["check", "--root", data, "-f", "sarif",
                                os.path.join(data, "plan-tricky.yaml")],
                               repo)
        doc = json.loads(out.decode("utf-8"))
        uri = doc["runs"][0]["results"][0]["locations"][0][
            "physicalLocation"]["artifactLocation"]["uri"]
        if uri != "plan-tricky.yaml":
            fail("--root", "uri %s, not relative to the root" % uri)

        # A directory operand: the plans below it (not the rule pack, not
        # other YAML), in path order - the same as naming them.
        dir_outputs = check_subject("directory operand", ["check", data],
                                    repo, tmp)
        if together and dir_outputs:
            for fmt in FORMATS:
                if dir_outputs[fmt] != together[fmt]:
                    fail("directory operand", "-f %s differs from naming "
                         "the plans" % fmt)

        # --csv-bom
        status, out, err = run(["check", "--csv-bom", "-f", "csv", plans[1]],
                               repo)
        if not out.startswith(b"\xef\xbb\xbffile,line,"):
            fail("--csv-bom", "no byte order mark before the header")

        # The end-to-end cases that check plans.
        for name, case, args in e2e_cases():
            work = os.path.join(tmp, "e2e-" + name)
            shutil.copytree(case, work)
            check_subject("e2e/" + name, args, work, tmp)

        # The ready-made CI configurations, run as they are written.
        check_workflow("github-workflow.yml", repo, tmp,
                       {"sarif": "plancheck.sarif"})
        check_workflow("gitlab-ci.yml", repo, tmp,
                       {"junit": "plancheck-junit.xml",
                        "csv": "plancheck.csv"})

    if failures:
        print("%d problem(s) in the CI formats" % len(failures),
              file=sys.stderr)
        return 1
    print("CI formats: %d runs checked in %d formats, all valid" %
          (checked, len(FORMATS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
