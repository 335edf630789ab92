"""Headless-browser check of the built documentation site (run by .ci/run after the build).

Opens the home page, the gallery index and one API page in Chromium (headless, driven through
the DevTools protocol over ``--remote-debugging-pipe``, standard library only) and checks that
each renders: its title, its expected content (CSS selector counts), every ``<img>`` loaded
(complete, natural width > 0), no console error, no uncaught exception, no failed resource
load, and a non-blank screenshot. Usage::

    python docs/_ext/check_site.py docs/_build/html [--chromium chromium] [--screenshots DIR]

Exit status 0 when every check passes, 1 otherwise (each failure printed).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         "--window-size=1280,1600", "--remote-debugging-pipe"]
# page, text its title must contain, {CSS selector: minimum count}
PAGES = [
    ("index.html", "coildesign", {"nav.bd-links a, .bd-toc-item a, .navbar-nav a": 4, "article h1": 1}),
    ("auto_examples/index.html", "Example gallery",
     {".sphx-glr-thumbcontainer": 15, ".sphx-glr-thumbcontainer img": 15}),
    ("api/coildesign.rf.impedance.html", "coildesign.rf.impedance",
     {'[id="coildesign.rf.impedance.ac_resistance"]': 1, "dl.py.function": 5}),
]
PROBE = """JSON.stringify({
  title: document.title,
  images: document.images.length,
  broken: Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
  counts: Object.fromEntries(%s.map(s => [s, document.querySelectorAll(s).length]))
})"""


class Browser:
    """One headless Chromium driven over the DevTools pipe (fd 3: commands in, fd 4: replies out)."""

    def __init__(self, binary: str, profile: Path):
        r_in, self._w = os.pipe()
        self._r, w_out = os.pipe()

        def wire():  # runs in the child: the pipe ends on fds 3 and 4, inheritable
            a, b = os.dup(r_in), os.dup(w_out)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     preexec_fn=wire, close_fds=False, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        os.close(r_in)
        os.close(w_out)
        self._buf, self._id, self.events = b"", 0, []

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 60.0):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        reply = self.wait(lambda m: m.get("id") == self._id, timeout)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait(self, done, timeout: float = 60.0) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            while b"\0" in self._buf:
                raw, self._buf = self._buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" not in msg:
                    self.events.append(msg)
                if done(msg):
                    return msg
            ready, _, _ = select.select([self._r], [], [], 0.2)
            if ready:
                chunk = os.read(self._r, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self._buf += chunk
        raise TimeoutError("no answer from chromium")

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _problems(events: list[dict]) -> list[str]:
    out = []
    for e in events:
        p = e.get("params", {})
        if e.get("method") == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            out.append("console error: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"]))
        elif e.get("method") == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            out.append(f"uncaught exception: {d.get('exception', {}).get('description', d.get('text'))}")
        elif e.get("method") == "Log.entryAdded" and p["entry"]["level"] == "error":
            out.append(f"{p['entry'].get('source', 'log')} error: {p['entry']['text']} {p['entry'].get('url', '')}")
    return out


def _blank(png: Path) -> bool:
    import matplotlib.image

    pixels = matplotlib.image.imread(str(png))
    return float(pixels[..., :3].std()) < 1e-3


def check_page(browser: Browser, root: Path, page: str, title_text: str, selectors: dict[str, int],
               shots: Path) -> list[str]:
    """The failures found on one page (empty when it renders)."""
    path = (root / page).resolve()
    if not path.exists():
        return [f"{page}: not built"]
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for method in ("Runtime.enable", "Log.enable", "Page.enable"):
        browser.send(method, session=session)
    start = len(browser.events)
    browser.send("Page.navigate", {"url": path.as_uri()}, session=session)
    browser.wait(lambda m: m.get("method") == "Page.loadEventFired" and m.get("sessionId") == session)
    time.sleep(1.0)  # let the theme's scripts run
    expr = PROBE % json.dumps(list(selectors))
    info = json.loads(browser.send("Runtime.evaluate", {"expression": expr, "returnByValue": True},
                                   session=session)["result"]["value"])
    shot = shots / (page.replace("/", "_") + ".png")
    shot.write_bytes(base64.b64decode(browser.send("Page.captureScreenshot", {"format": "png"},
                                                   session=session)["data"]))
    events = [e for e in browser.events[start:] if e.get("sessionId") == session]
    browser.send("Target.closeTarget", {"targetId": target})
    failures = [f"{page}: {p}" for p in _problems(events)]
    if title_text not in info["title"]:
        failures.append(f"{page}: title {info['title']!r} does not contain {title_text!r}")
    failures += [f"{page}: image not loaded: {src}" for src in info["broken"]]
    for sel, minimum in selectors.items():
        if info["counts"][sel] < minimum:
            failures.append(f"{page}: {info['counts'][sel]} elements match {sel!r}, expected at least {minimum}")
    if _blank(shot):
        failures.append(f"{page}: the screenshot {shot} is blank")
    print(f"{page}: title {info['title']!r}, {info['images']} images ({len(info['broken'])} not loaded), "
          f"{info['counts']}, screenshot {shot.name} -> {'ok' if not failures else 'FAILED'}")
    return failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path, help="the built HTML folder (docs/_build/html)")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    ap.add_argument("--screenshots", type=Path, default=None, help="keep the screenshots here")
    args = ap.parse_args(argv)
    failures = []
    with tempfile.TemporaryDirectory(prefix="coildesign-site-check-") as tmp:
        shots = args.screenshots or Path(tmp)
        shots.mkdir(parents=True, exist_ok=True)
        browser = Browser(args.chromium, Path(tmp) / "profile")
        try:
            for page, title, selectors in PAGES:
                failures += check_page(browser, args.site, page, title, selectors, shots)
        finally:
            browser.close()
    for f in failures:
        print("FAILED:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
