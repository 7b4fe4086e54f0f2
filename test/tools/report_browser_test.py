#!/usr/bin/python3
"""Opens m8perf's HTML report in headless Chromium and checks what a reader sees.

  report_browser_test.py M8PERF WORKDIR         the test (ctest label "browser")
  report_browser_test.py --measure REPORT.html  load time of a report, printed

The test writes a small history of results files (a regression step, an
improvement, a noisy benchmark, a thread sweep, hostile benchmark names and
context values, a host change), runs `m8perf report` on them, and opens the
page through the DevTools protocol (--remote-debugging-pipe: JSON messages
over two pipes, no websocket) with the network emulated offline and a proxy
that goes nowhere. It fails (never skips) when Chromium is missing, and when:
  - the page logs a console error, throws, or reports a Content-Security-
    Policy violation;
  - the browser attempts any request other than the file itself;
  - the charts of an opened benchmark are not drawn (canvas pixels, and the
    same area of a real screenshot);
  - a hostile name or context value runs anything (it would set the title or
    a marker attribute, or add an <img>), or is not shown as the same text;
  - bad input does not give exit 2, one error line and no file.
Screenshots are left in WORKDIR for a person to look at. Standard library only.
"""

import base64
import json
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import time
import zlib

MARK = "document.title='pwned';document.documentElement.dataset.pwned='1'"
CRAFTED_SCRIPT = "BM_Hostile/<script>%s</script>" % MARK
CRAFTED_ATTRIBUTE = "BM_Hostile/\"><img src=x onerror=\"%s\">" % MARK
CRAFTED_REVISION = "<script>%s</script>" % MARK
CRAFTED_CONTEXT = "'\"><img src=x onerror=\"%s\">" % MARK
RUNS = 8


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


# ---- Results files ------------------------------------------------------------

def entry(name, rep, reps, real_time, counters):
    fields = {"name": name, "run_name": name, "run_type": "iteration",
              "repetitions": reps, "repetition_index": rep, "threads": 1,
              "iterations": 1000, "real_time": real_time,
              "cpu_time": real_time, "time_unit": "ns"}
    fields.update(counters)
    return fields


def write_history(directory):
    """RUNS results files, oldest first; returns their paths."""
    rng = random.Random(301)
    paths = []
    for run in range(RUNS):
        step = run >= 5
        benches = [
            # Change points: a 20% step up from run 5 on, and one down.
            ("Grid/Recall/cells:4096", 100.0 * (1.2 if step else 1.0), 0.004),
            ("Grid/Put/cells:4096", 200.0 * (0.8 if step else 1.0), 0.004),
            ("Grid/Noisy/cells:4096", 50.0, 0.08),
            # A 20% regression and a 20% improvement in the latest run only:
            # what the comparison with the previous run finds.
            ("Grid/Store/cells:4096", 80.0 * (1.2 if run == RUNS - 1 else 1.0), 0.004),
            ("Grid/Forget/cells:4096", 60.0 * (0.8 if run == RUNS - 1 else 1.0), 0.004),
            (CRAFTED_SCRIPT, 30.0, 0.004),
            (CRAFTED_ATTRIBUTE, 40.0, 0.004),
        ]
        entries = []
        reps = 9
        for name, centre, noise in benches:
            for rep in range(reps):
                t = centre * math.exp(rng.gauss(0, noise))
                entries.append(entry(name, rep, reps, t,
                                     {"items_per_second": 1e9 / t}))
        # A thread sweep: throughput per thread count.
        for threads, rate in ((1, 1.0e7), (2, 1.8e7), (4, 2.9e7), (8, 3.2e7)):
            name = "ConcurrentGrid/Recall/cells:4096/threads:%d" % threads
            for rep in range(reps):
                r = rate * math.exp(rng.gauss(0, 0.003))
                entries.append(entry(name, rep, reps, 1e9 * threads / r,
                                     {"items_per_second": r}))
        context = {
            "date": "2026-11-%02dT06:00:00+00:00" % (run + 1),
            "host_name": "vm2" if run == RUNS - 1 else "vm1",
            "executable": "./m8bench_grid", "num_cpus": 2, "mhz_per_cpu": 2096,
            "cpu_scaling_enabled": False, "caches": [],
            "load_avg": [0.1, 0.1, 0.1], "library_build_type": "release",
            "m8.build_type": "Release",
            "m8.git_revision": CRAFTED_REVISION if run == RUNS - 1
                              else "%07x" % (0xabc1230 + run),
            "m8.grid.brick_edge": "8" if run == RUNS - 1 else "1",
            "m8.hostile": CRAFTED_CONTEXT,
        }
        path = os.path.join(directory, "run_%d.json" % run)
        with open(path, "w") as out:
            json.dump({"context": context, "benchmarks": entries}, out)
        paths.append(path)
    return paths


def write_limits(directory):
    budgets = os.path.join(directory, "budgets.json")
    with open(budgets, "w") as out:
        json.dump({"budgets": [{"benchmark": "^Grid/Recall/", "metric": "real_time",
                                "max": "110ns"}]}, out)
    targets = os.path.join(directory, "targets.json")
    with open(targets, "w") as out:
        json.dump({"targets": [{"name": "Recall <= 0.5x Put",
                                "numerator": "Grid/Recall/cells:4096",
                                "denominator": "Grid/Put/cells:4096",
                                "metric": "real_time", "bound": "<= 0.5"}]}, out)
    return budgets, targets


# ---- Chromium over the DevTools pipe ----------------------------------------------

class Browser:
    """Headless Chromium driven through --remote-debugging-pipe."""

    def __init__(self, chromium, profile):
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def child_fds():
            # Chromium reads commands from fd 3 and answers on fd 4. Moved
            # out of the way first, so that neither dup2 clobbers the other.
            read_end = os.dup2(to_browser_r, 100, inheritable=False)
            write_end = os.dup2(from_browser_w, 101, inheritable=False)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        args = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--remote-debugging-pipe", "--user-data-dir=" + profile,
                "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--mute-audio",
                # Any request that got past the offline emulation would go to
                # a closed port.
                "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                "--window-size=1280,1400", "about:blank"]
        self._process = subprocess.Popen(
            args, close_fds=False, preexec_fn=child_fds,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events = []
        self.session = None

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:  # the browser may be gone already
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)

    def _read_message(self, deadline):
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("no answer from Chromium")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=True, timeout=30):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            self.events.append(reply)

    def attach(self):
        targets = self.send("Target.getTargets", session=False)["targetInfos"]
        page = [t for t in targets if t["type"] == "page"][0]
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": page["targetId"], "flatten": True},
                                 session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(domain + ".enable")
        self.send("Network.emulateNetworkConditions",
                  {"offline": True, "latency": 0, "downloadThroughput": 0,
                   "uploadThroughput": 0})
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": 1400, "deviceScaleFactor": 1,
                   "mobile": False})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate",
                           {"expression": expression, "returnByValue": True,
                            "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError("evaluate: %s" % result["exceptionDetails"])
        return result["result"].get("value")

    def wait_for(self, expression, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(expression):
                return True
            time.sleep(0.02)
        return False

    def screenshot(self, clip=None):
        params = {"format": "png"}
        if clip:
            params["clip"] = clip
        return base64.b64decode(self.send("Page.captureScreenshot", params)["data"])

    def console_errors(self):
        errors = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                errors.append(json.dumps(params["exceptionDetails"])[:300])
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                errors.append(json.dumps(params["args"])[:300])
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                errors.append(params["entry"]["text"][:300])
        return errors

    def requests(self):
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]


def find_chromium():
    for name in (os.environ.get("M8_CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    fail("chromium not found: the browser test needs it (tools/setup installs "
         "the Debian package 'chromium')")


# ---- PNG pixels --------------------------------------------------------------------

def png_pixels(data):
    """(width, height, rows of RGB(A) tuples) of an 8-bit RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), "unexpected PNG format"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])
        previous = line
    return width, height, rows


def inked_fraction(rows):
    """Share of pixels that differ from the most common colour."""
    counts = {}
    for r in rows:
        for p in r:
            counts[p] = counts.get(p, 0) + 1
    total = sum(counts.values())
    return 1 - max(counts.values()) / total, len(counts)


# ---- The page ------------------------------------------------------------------------

READY = "window.m8report && window.m8report.ready"
STATE = """(() => {
  const drawn = [...document.querySelectorAll('canvas[data-drawn]')];
  return {
    errors: window.m8report.errors, violations: window.m8report.violations,
    charts: window.m8report.charts, readyMs: window.m8report.readyMs,
    title: document.title, pwned: document.documentElement.dataset.pwned || null,
    images: document.querySelectorAll('img').length,
    scripts: document.scripts.length,
    sections: document.querySelectorAll('details.bench').length,
    names: [...document.querySelectorAll('details.bench > summary .name')].map(e => e.textContent),
    envText: [...document.querySelectorAll('details.run td')].map(e => e.textContent),
    revisions: [...document.querySelectorAll('details.run .rev')].map(e => e.textContent),
    attention: [...document.querySelectorAll('.tile')].map(t => t.textContent),
    canvases: drawn.map(c => {
      const r = c.getBoundingClientRect();
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let inked = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
      return {kind: c.dataset.kind, x: r.x + window.scrollX, y: r.y + window.scrollY,
              top: r.y, width: r.width, height: r.height,
              inked: inked / (c.width * c.height)};
    })
  };
})()"""


def check_tooltip(browser):
    """Hovers the latest point of the first trend chart; its tooltip must name
    the run, its revision and date, and the value."""
    point = browser.evaluate("""(() => {
      const canvas = document.querySelector('#b-0 canvas[data-kind=trend][data-drawn]');
      if (!canvas) return null;
      const chart = Chart.getChart(canvas);
      const points = chart.getDatasetMeta(2).data;
      const r = canvas.getBoundingClientRect();
      return {x: r.x + points[points.length - 1].x, y: r.y + points[points.length - 1].y};
    })()""")
    if point is None:
        return ["no drawn trend chart to hover"]
    browser.send("Input.dispatchMouseEvent",
                 {"type": "mouseMoved", "x": point["x"], "y": point["y"]})
    time.sleep(0.1)
    tip = browser.evaluate("""(() => {
      const t = Chart.getChart(document.querySelector('#b-0 canvas[data-kind=trend]')).tooltip;
      return {title: t.title || [], lines: (t.body || []).flatMap(b => b.lines)};
    })()""")
    text = "\n".join(tip["title"] + tip["lines"])
    wanted = ["run_%d.json" % (RUNS - 1), "revision " + CRAFTED_REVISION,
              "date 2026-11-%02dT06:00:00+00:00" % RUNS, "median 1"]
    missing = [w for w in wanted if w not in text]
    return ["tooltip %r lacks %s" % (text, missing)] if missing else []


def open_report(browser, path, fragment=""):
    url = "file://" + os.path.abspath(path) + fragment
    browser.send("Page.navigate", {"url": url})
    if not browser.wait_for(READY, timeout=60):
        fail("the page never finished building (errors: %s)" % browser.console_errors())


def check_page(browser, workdir):
    state = browser.evaluate(STATE)
    problems = []
    if state["errors"]:
        problems.append("page errors: %s" % state["errors"])
    if state["violations"]:
        problems.append("Content-Security-Policy violations: %s" % state["violations"])
    console = browser.console_errors()
    if console:
        problems.append("console errors: %s" % console)
    others = [u for u in browser.requests() if not u.startswith("file://")]
    if others:
        problems.append("requests beyond the file: %s" % others)
    if state["title"] == "pwned" or state["pwned"]:
        problems.append("a hostile name ran script")
    if state["images"] != 0:
        problems.append("%d <img> elements (a hostile name became markup)" % state["images"])
    if state["scripts"] != 3:
        problems.append("%d script elements, expected 3" % state["scripts"])
    for name in (CRAFTED_SCRIPT, CRAFTED_ATTRIBUTE):
        if name not in state["names"]:
            problems.append("hostile name not shown as text: %r" % name)
    return state, problems


def run_test(m8perf, workdir):
    chromium = find_chromium()
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    runs = write_history(workdir)
    budgets, targets = write_limits(workdir)
    report = os.path.join(workdir, "report.html")
    done = subprocess.run([m8perf, "report"] + runs +
                          ["--html", report, "--budgets", budgets,
                           "--targets", targets, "--title", "Browser test <b>bold</b>"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        fail("m8perf report exited %d: %s" % (done.returncode, done.stderr))

    # Bad input: exit 2, one line, and no page.
    truncated = os.path.join(workdir, "truncated.json")
    with open(runs[0]) as full, open(truncated, "w") as out:
        out.write(full.read()[:500])
    bad_page = os.path.join(workdir, "bad.html")
    bad = subprocess.run([m8perf, "report", runs[1], truncated, "--html", bad_page],
                         capture_output=True, text=True)
    if bad.returncode != 2 or not bad.stderr.startswith("m8perf: error: ") \
            or bad.stderr.count("\n") != 1 or "truncated.json" not in bad.stderr:
        fail("bad input: exit %d, stderr %r" % (bad.returncode, bad.stderr))
    if os.path.exists(bad_page) or any(f.startswith("bad.html") for f in os.listdir(workdir)):
        fail("bad input left a file behind")

    browser = Browser(chromium, os.path.join(workdir, "profile"))
    problems = []
    try:
        browser.attach()
        # The first page: what needs attention.
        open_report(browser, report)
        with open(os.path.join(workdir, "report-top.png"), "wb") as out:
            out.write(browser.screenshot())
        attention = browser.evaluate(
            "[...document.querySelectorAll('.tile')].map(t => t.textContent)")
        # One benchmark each regressed and improved against the previous run,
        # is noisy, breaches its budget and misses its target; the steps at
        # run 5 are change points (the detector may find the latest run's
        # steps too).
        for expected in ("1benchmarks regressed", "1benchmarks improved",
                         "1noisy benchmarks", "1budgets breached", "1targets missed"):
            if expected not in attention:
                problems.append("attention tiles %s lack %r" % (attention, expected))
        steps = [t for t in attention if t.endswith("change points in the trend")]
        if not steps or int(steps[0].split("change")[0]) < 2:
            problems.append("attention tiles %s: fewer than 2 change points" % attention)
        # Sections through their links: the benchmark with a change point
        # (index 0 in the latest run's order), the hostile names (5, 6) and a
        # thread sweep (7); each draws when scrolled into view.
        open_report(browser, report, "#b-0")
        if not browser.wait_for("window.m8report.charts >= 2", timeout=30):
            problems.append("the first benchmark's charts were not drawn")
        problems += check_tooltip(browser)
        with open(os.path.join(workdir, "report-benchmark.png"), "wb") as out:
            out.write(browser.screenshot())
        for index, charts in ((5, 4), (6, 6), (7, 9)):
            browser.evaluate("location.hash = '#b-%d'" % index)
            if not browser.wait_for("window.m8report.charts >= %d" % charts, timeout=30):
                problems.append("section %d: charts not drawn" % index)
        time.sleep(0.2)
        with open(os.path.join(workdir, "report-scaling.png"), "wb") as out:
            out.write(browser.screenshot())
        browser.evaluate(
            "document.querySelectorAll('details.run').forEach(d => { d.open = true; })")
        browser.wait_for("document.querySelectorAll('details.run .env').length === %d" % RUNS)
        state, found = check_page(browser, workdir)
        problems += found
        if CRAFTED_CONTEXT not in state["envText"]:
            problems.append("hostile context value not shown as text")
        if CRAFTED_REVISION not in state["revisions"]:
            problems.append("hostile revision not shown as text")
        kinds = sorted({c["kind"] for c in state["canvases"]})
        if kinds != ["dist", "scale", "trend"]:
            problems.append("charts drawn: %s" % kinds)
        for canvas in state["canvases"]:
            if canvas["inked"] < 0.005:
                problems.append("%s chart is blank (%.4f inked)" % (canvas["kind"], canvas["inked"]))
        # The pixels on screen: a drawn chart's area in a real screenshot.
        browser.evaluate("location.hash = '#b-0'")
        time.sleep(0.1)
        state = browser.evaluate(STATE)
        visible = [c for c in state["canvases"]
                   if c["top"] >= 0 and c["top"] + c["height"] <= 1400 and c["width"] > 50]
        if not visible:
            problems.append("no drawn chart in view")
        else:
            c = visible[0]
            clip = {"x": c["x"], "y": c["y"], "width": c["width"], "height": c["height"],
                    "scale": 0.5}
            _, _, rows = png_pixels(browser.screenshot(clip))
            inked, colours = inked_fraction(rows)
            if inked < 0.01 or colours < 3:
                problems.append("the %s chart's area on screen is empty (%.3f inked, %d colours)"
                                % (c["kind"], inked, colours))
    finally:
        browser.close()
        shutil.rmtree(os.path.join(workdir, "profile"), ignore_errors=True)
    if problems:
        fail("; ".join(problems))
    print("report_browser_test: ok (%d charts drawn, page built in %s ms)"
          % (state["charts"], state["readyMs"]))


def measure(path):
    """Prints how long the page takes to load and to draw a section's charts,
    as the page's own clock (performance.now(), from navigation start) says."""
    profile = "/tmp/m8-report-measure-%d" % os.getpid()
    browser = Browser(find_chromium(), profile)
    try:
        browser.attach()
        open_report(browser, path)
        browser.wait_for("performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
        load = browser.evaluate(
            "[window.m8report.readyMs, performance.getEntriesByType('navigation')[0].loadEventEnd,"
            " window.m8report.benchmarks]")
        middle = load[2] // 2
        before = browser.evaluate("performance.now()")
        browser.evaluate("location.hash = '#b-%d'" % middle)
        browser.wait_for("window.m8report.charts >= 2")
        after = browser.evaluate("performance.now()")
        errors = browser.evaluate("[window.m8report.errors, window.m8report.violations]")
        print("%s: %.1f MB, %d benchmarks; script done %d ms and load event %d ms after "
              "navigation start; opening benchmark %d and drawing its charts %d ms; "
              "errors %s" % (path, os.path.getsize(path) / 1e6, load[2], load[0], load[1],
                             middle, after - before, errors))
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        measure(sys.argv[2])
    elif len(sys.argv) == 3:
        run_test(sys.argv[1], sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
