#!/usr/bin/env python3
"""End-to-end tests of `plancheck stats` and `plancheck report`.

usage: run.py TEST PLANCHECK SOURCE_DIR [--update]

TEST is one of:
  golden       each case under cases/: `report -f md`, `stats`, `stats -f
               json` against the expected-* files (--update rewrites them),
               exit status 0, and the same bytes on a second run
  long-an      `stats --format json plans/long-an.yaml` gives the figures
               of the provincial report (shared/domain.md)
  scale        a generated plan of 6,000 communes: the report stays small,
               its charts aggregate (at most 25 bars, an "others" bar)
  tidy         `tidy -e -q` finds nothing wrong in any HTML report
  chromium     headless Chromium renders each HTML report: the charts are
               in the rendered DOM, a screenshot is a PNG, printing gives
               A4 pages
  screenshot   (not a test) rewrite report-long-an.png, the README image

Exit status 0 passed, 1 failed, 77 skipped (a tool is not installed).
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
SKIP = 77

# What each case produces: expected file -> plancheck arguments.
OUTPUTS = [
    ("expected-report.md", ["report", "-f", "md", "plan.yaml"]),
    ("expected-stats.txt", ["stats", "plan.yaml"]),
    ("expected-stats.json", ["stats", "-f", "json", "plan.yaml"]),
]

CHARTS_EVERY_REPORT = ["chart-severity"]
CHARTS_WITH_TASKS = ["chart-tasks", "chart-units"]


class Failure(Exception):
    pass


def run(cmd, cwd=None, timeout=300):
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def plancheck(binary, args, cwd):
    rc, out, err = run([binary] + args, cwd=cwd)
    if rc != 0:
        raise Failure("plancheck %s (in %s) exited %d:\n%s"
                      % (" ".join(args), cwd, rc, err.decode("utf-8", "replace")))
    return out


def cases():
    return sorted(d for d in os.listdir(CASES)
                  if os.path.isdir(os.path.join(CASES, d)))


def first_difference(want, got):
    w, g = want.splitlines(), got.splitlines()
    for i, (a, b) in enumerate(zip(w, g)):
        if a != b:
            return "line %d:\n  want: %s\n  got:  %s" % (i + 1, a, b)
    return "length: want %d lines, got %d" % (len(w), len(g))


def test_golden(binary, source, update):
    failures = 0
    for case in cases():
        cwd = os.path.join(CASES, case)
        for name, args in OUTPUTS:
            got = plancheck(binary, args, cwd)
            again = plancheck(binary, args, cwd)
            if got != again:
                raise Failure("%s: %s differs between two runs" % (case, name))
            path = os.path.join(cwd, name)
            if update:
                with open(path, "wb") as f:
                    f.write(got)
                print("wrote", os.path.relpath(path, source))
                continue
            with open(path, "rb") as f:
                want = f.read()
            if want != got:
                failures += 1
                print("FAIL %s/%s: %s" % (case, name, first_difference(
                    want.decode("utf-8", "replace"),
                    got.decode("utf-8", "replace"))))
            else:
                print("ok   %s/%s" % (case, name))
        if not update:
            json.loads(plancheck(binary, OUTPUTS[2][1], cwd))
    if failures:
        raise Failure("%d golden output(s) differ; if the change is meant, "
                      "rerun with --update and review the diff" % failures)


def by_key(rows, *keys):
    return {tuple(row[k] if not isinstance(row[k], list) else tuple(row[k])
                  for k in keys): row for row in rows}


def expect(what, got, want):
    if got != want:
        raise Failure("%s: got %r, want %r" % (what, got, want))
    print("ok   %s = %r" % (what, got))


def test_long_an(binary, source, update):
    out = plancheck(binary, ["stats", "--format", "json",
                             "plans/long-an.yaml"], source)
    stats = json.loads(out)
    expect("plan", stats["plan"], "long-an-de-an-02")
    units = by_key(stats["units"], "level")
    leaders = by_key(stats["leaders"], "level", "leadership")
    staff = by_key(stats["staff"], "kind")
    merged = by_key(stats["merged_titles"], "titles")
    tasks = by_key(stats["tasks"], "task")

    # The figures of the provincial report (shared/domain.md).
    expect("provincial-level focal units cut (department)",
           units[("department",)]["reduction"], 2)
    expect("division-level focal units cut", units[("division",)]["reduction"], 93)
    expect("division heads and deputies cut",
           leaders[("division", "head")]["reduction"]
           + leaders[("division", "deputy")]["reduction"], 209)
    expect("party staff cut", staff[("party",)]["reduction"], 54)
    expect("state staff cut", staff[("state",)]["reduction"], 155)
    expect("public-service staff cut", staff[("public-service",)]["reduction"], 1024)
    expect("public-service units at start", units[("public-service",)]["start"], 813)
    expect("public-service units cut", units[("public-service",)]["reduction"], 121)
    expect("public-service heads cut",
           leaders[("public-service", "head")]["reduction"], 121)
    expect("public-service deputies cut",
           leaders[("public-service", "deputy")]["reduction"], 108)
    expect("communes where the party secretary chairs the People's Committee",
           merged[(("party-secretary", "pc-chair"),)]["people"], 23)
    expect("districts done: propaganda head = political school director",
           (tasks[("merge-tuyen-giao-ttct",)]["done"],
            tasks[("merge-tuyen-giao-ttct",)]["owing"]), (15, 15))
    expect("districts done: mass mobilisation head = Front chair",
           (tasks[("merge-dan-van-mttq",)]["done"],
            tasks[("merge-dan-van-mttq",)]["owing"]), (7, 15))

    # Lists are sorted by their first keys.
    for name, keys in (("units", ("level",)), ("leaders", ("level", "leadership")),
                       ("staff", ("kind",)), ("merged_titles", ("titles",)),
                       ("tasks", ("task",))):
        order = [tuple(row[k] for k in keys) for row in stats[name]]
        if order != sorted(order):
            raise Failure("%s is not sorted by %s" % (name, ", ".join(keys)))

    text = plancheck(binary, ["stats", "plans/long-an.yaml"], source).decode()
    if not re.search(r"public-service +30,086 +29,062 +\S+ +1,024\n", text):
        raise Failure("the text output lacks the public-service staff row "
                      "with thousands separators:\n" + text)
    print("ok   text output has thousands separators")


def make_scale_plan(path, districts=60, communes=100):
    """A plan of districts * communes communes owing two tasks, many of them
    behind or overdue, and a quota rule that flags a quarter of them. The
    last commune of each district merges into the first."""
    lines = ["plancheck: plan/1",
             "plan: { id: quy-mo-lon, name: Quy mô lớn, start: 2020-01-01,"
             " end: 2021-12-31, as_of: 2021-03-01 }",
             "rules: [rules.yaml]",
             "units:",
             "  - { id: T, name: Tỉnh, level: province }"]
    n = 0
    for d in range(districts):
        lines.append("  - { id: D%03d, name: Huyện số %d, level: district,"
                     " parent: T }" % (d, d))
        for c in range(communes):
            n += 1
            head = ("  - { id: D%03d-X%03d, name: Xã số %d huyện %d,"
                    " level: commune, parent: D%03d" % (d, c, c, d, d))
            if c == communes - 1:
                lines.append(head + ", status: merged, into: D%03d-X000,"
                             " staff: { baseline: 20 } }" % d)
                continue
            state = n % 10
            merge = ("{ done: 2020-11-01 }" if state < 6 else
                     "{ percent: %d }" % (10 * state))
            report = "{ done: 2020-12-01 }" if n % 7 else "{ percent: 50 }"
            lines.append(head + ", staff: { baseline: 20, quota: %d },"
                         " progress: { hop-nhat: %s, bao-cao: %s } }"
                         % (18 + n % 4, merge, report))
    lines += ["tasks:",
              "  - { id: hop-nhat, name: Hợp nhất, applies_to: { level: commune },"
              " start: 2020-01-01, due: 2021-06-30 }",
              "  - { id: bao-cao, name: Báo cáo, applies_to: { level: commune },"
              " start: 2020-01-01, due: 2020-12-31 }"]
    with open(os.path.join(path, "plan.yaml"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(path, "rules.yaml"), "w", encoding="utf-8") as f:
        f.write("plancheck: rules/1\nid: scale\nname: Scale\nrules:\n"
                "  - { id: hop-nhat-deadline, kind: deadline, task: hop-nhat,"
                " behind_by: 10 }\n"
                "  - { id: bao-cao-deadline, kind: deadline, task: bao-cao }\n"
                "  - { id: commune-quota, kind: quota, for: { level: commune },"
                " measure: { staff: quota }, max: 19 }\n")
    return districts * communes


def chart_rows(html, chart_id):
    m = re.search(r'<svg [^>]*id="%s".*?</svg>' % re.escape(chart_id), html,
                  re.S)
    if not m:
        raise Failure("no chart %s in the report" % chart_id)
    return re.findall(r'<g class="row( others)?">', m.group(0))


def test_scale(binary, source, update):
    with tempfile.TemporaryDirectory() as tmp:
        total = make_scale_plan(tmp)
        start = time.monotonic()
        plancheck(binary, ["report", "-o", "report.html", "plan.yaml"], tmp)
        seconds = time.monotonic() - start
        with open(os.path.join(tmp, "report.html"), encoding="utf-8") as f:
            html = f.read()
        print("ok   report of %d communes in %.2f s, %d KiB"
              % (total, seconds, len(html) // 1024))
        rows = chart_rows(html, "chart-units")
        expect("bars in the per-unit chart", len(rows), 25)
        expect("the last bar aggregates the others", rows[-1], " others")
        if ">others (" not in html:
            raise Failure("the others bar has no label")
        rows = chart_rows(html, "chart-quota-commune-quota")
        expect("bars in the quota chart", len(rows), 25)
        if "The 25 largest misses of" not in html:
            raise Failure("the quota chart does not say it shows a part")
        if seconds > 20:
            raise Failure("the report took %.1f s" % seconds)
        md = plancheck(binary, ["report", "-f", "md", "plan.yaml"], tmp).decode()
        if "<svg" in md:
            raise Failure("Markdown has a chart")
        stats = json.loads(plancheck(binary, ["stats", "-f", "json", "plan.yaml"],
                                     tmp))
        communes = by_key(stats["units"], "level")[("commune",)]
        expect("communes at start, after", (communes["start"], communes["after"]),
               (total, total - 60))


def html_reports(binary, source, tmp):
    """Write the HTML report of every case and of the example plan into
    tmp; return their paths."""
    paths = []
    for case in cases():
        out = os.path.join(tmp, case + ".html")
        plancheck(binary, ["report", "-o", out, "plan.yaml"],
                  os.path.join(CASES, case))
        paths.append(out)
    out = os.path.join(tmp, "long-an.html")
    plancheck(binary, ["report", "-o", out, "plans/long-an.yaml"], source)
    paths.append(out)
    return paths


def test_tidy(binary, source, update):
    tidy = shutil.which("tidy")
    if not tidy:
        print("SKIP tidy is not installed (Debian package tidy)")
        return SKIP
    with tempfile.TemporaryDirectory() as tmp:
        for path in html_reports(binary, source, tmp):
            rc, out, err = run([tidy, "-e", "-q", path])
            if rc != 0:
                raise Failure("tidy -e -q %s exited %d:\n%s"
                              % (os.path.basename(path), rc,
                                 err.decode("utf-8", "replace")))
            print("ok   tidy: %s" % os.path.basename(path))
    return 0


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium(browser, tmp, *args):
    profile = tempfile.mkdtemp(dir=tmp)
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu",
           "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync",
           "--user-data-dir=" + profile] + list(args)
    rc, out, err = run(cmd, timeout=180)
    if rc != 0:
        raise Failure("%s exited %d:\n%s" % (" ".join(cmd), rc,
                                             err.decode("utf-8", "replace")))
    return out.decode("utf-8", "replace")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise Failure("%s is not a PNG" % path)
    return struct.unpack(">II", head[16:24])


def png_colours(path, colours):
    """How many pixels of each (r, g, b) colour an 8-bit RGB(A) PNG has."""
    with open(path, "rb") as f:
        data = f.read()
    pos, idat, width, height, kind = 8, b"", 0, 0, 0
    while pos < len(data):
        length, tag = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if tag == b"IHDR":
            width, height, depth, kind, _, _, interlace = struct.unpack(
                ">IIBBBBB", body)
            if depth != 8 or kind not in (2, 6) or interlace:
                return None
        elif tag == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    bpp = 4 if kind == 6 else 3
    stride = width * bpp
    prev = bytearray(stride)
    counts = dict.fromkeys(colours, 0)
    for y in range(height):
        base = y * (stride + 1)
        ftype, line = raw[base], bytearray(raw[base + 1:base + 1 + stride])
        if ftype == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif ftype == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif ftype == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif ftype == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        for colour in colours:
            counts[colour] += sum(1 for x in range(0, stride, bpp)
                                  if (line[x], line[x + 1], line[x + 2]) == colour)
        prev = line
    return counts


GREEN, RED = (0x2e, 0x7d, 0x32), (0xc6, 0x28, 0x28)


def test_chromium(binary, source, update):
    browser = chromium_binary()
    if not browser:
        print("SKIP chromium is not installed (Debian package chromium)")
        return SKIP
    with tempfile.TemporaryDirectory() as tmp:
        for path in html_reports(binary, source, tmp):
            name = os.path.basename(path)
            dom = chromium(browser, tmp, "--dump-dom", "file://" + path)
            if "<svg" not in dom:
                raise Failure("%s: no SVG in the rendered DOM" % name)
            want = list(CHARTS_EVERY_REPORT)
            if name != "empty.html":
                want += CHARTS_WITH_TASKS
            for chart in want:
                m = re.search(r'<svg [^>]*id="%s".*?</svg>' % chart, dom, re.S)
                if not m:
                    raise Failure("%s: chart %s is not in the rendered page"
                                  % (name, chart))
                if "<rect" not in m.group(0) or "<text" not in m.group(0):
                    raise Failure("%s: chart %s has no bars or no labels"
                                  % (name, chart))
            print("ok   chromium rendered %s with %s" % (name, ", ".join(want)))

        # The example plan's report, rendered: charts draw in their
        # colours, and the print stylesheet lays it out on A4 paper.
        page = os.path.join(tmp, "long-an.html")
        shot = os.path.join(tmp, "long-an.png")
        chromium(browser, tmp, "--hide-scrollbars", "--window-size=1000,2600",
                 "--screenshot=" + shot, "file://" + page)
        width, height = png_size(shot)
        expect("screenshot size", (width, height), (1000, 2600))
        counts = png_colours(shot, [GREEN, RED])
        if counts is not None:
            if counts[GREEN] < 2000 or counts[RED] < 2000:
                raise Failure("the screenshot shows too little of the charts: "
                              "%r" % counts)
            print("ok   screenshot has chart colours (%d green, %d red pixels)"
                  % (counts[GREEN], counts[RED]))
        pdf = os.path.join(tmp, "long-an.pdf")
        chromium(browser, tmp, "--no-pdf-header-footer",
                 "--print-to-pdf=" + pdf, "file://" + page)
        with open(pdf, "rb") as f:
            boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]",
                               f.read())
        if not boxes:
            raise Failure("the PDF has no page boxes")
        for w, h in boxes:
            # A4 is 595.3 x 841.9 points
            if abs(float(w) - 595.3) > 2 or abs(float(h) - 841.9) > 2:
                raise Failure("a printed page is %s x %s points, not A4"
                              % (w.decode(), h.decode()))
        print("ok   printed on %d A4 pages" % len(boxes))
    return 0


def screenshot(binary, source, update):
    browser = chromium_binary()
    if not browser:
        print("chromium is not installed (Debian package chromium)")
        return 1
    out = os.path.join(HERE, "report-long-an.png")
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "long-an.html")
        plancheck(binary, ["report", "-o", page, "plans/long-an.yaml"], source)
        chromium(browser, tmp, "--hide-scrollbars", "--window-size=1000,2200",
                 "--screenshot=" + out, "file://" + page)
    print("wrote", os.path.relpath(out, source))
    return 0


TESTS = {
    "golden": test_golden,
    "long-an": test_long_an,
    "scale": test_scale,
    "tidy": test_tidy,
    "chromium": test_chromium,
    "screenshot": screenshot,
}


def main(argv):
    if len(argv) < 4 or argv[1] not in TESTS:
        sys.stderr.write(__doc__)
        return 2
    binary, source = os.path.abspath(argv[2]), os.path.abspath(argv[3])
    update = "--update" in argv[4:]
    try:
        rc = TESTS[argv[1]](binary, source, update)
    except Failure as e:
        print("FAIL", e)
        return 1
    if rc == SKIP:
        return SKIP
    if rc:
        return rc
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
