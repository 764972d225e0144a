"""Click to settled page in a real browser: the wizard with a full assessment, against a minimal page.

    python bench/ui_browser.py [--runs 15] [--app-root PATH]

Starts two ``streamlit run`` servers on loopback (the wizard, on a fresh SQLite store holding
examples/complete-assessment.json as a draft, and a one-radio page), drives Debian Chromium with Playwright and
times, from the click to the moment the run is over and nothing on the page is stale:

- an answer on the heaviest screen (Prevalence: a radio in a form's card, marks unchanged);
- an answer on the Evidence screen (a source's reliability);
- Next from Prevalence to Seriousness, and Back (a whole new screen);
- the same radio click on the minimal page.

Prints medians with p10/p90 and each ratio to the minimal page. ``--app-root`` runs the wizard from another
checkout (e.g. a ``git worktree`` of an older commit) to measure before and after a change in the same run.
Needs /usr/bin/chromium and playwright (as the browser tests do). Bounded: every wait has a timeout.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 30_000
MINIMAL_PAGE = textwrap.dedent("""
    import streamlit as st
    st.radio("Answer", ["yes", "no"], key="answer", horizontal=True)
""")

# Every message the server sends, with the page's clock at its arrival (the app's WebSocket, wrapped before
# any script of the page runs). Read back after each click and decoded with Streamlit's own protobuf classes.
RECORD_JS = """(() => {
    const Native = window.WebSocket;
    window.__frames = [];
    window.WebSocket = function (...args) {
        const ws = new Native(...args);
        ws.binaryType = "arraybuffer";
        ws.addEventListener("message", (e) => {
            const bytes = new Uint8Array(e.data);
            let text = "";
            for (let i = 0; i < bytes.length; i += 0x8000) {
                text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
            }
            window.__frames.push([performance.now(), btoa(text)]);
        });
        return ws;
    };
    window.WebSocket.prototype = Native.prototype;
    Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();"""
# Settled: the run's "script finished" message is in (checked in Python), and no element of the previous run
# is still shown.
SETTLED_JS = """() => !document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]')"""


@dataclass
class Sample:
    settled: float  # click to settled page, ms
    server: float  # first message of the run to its "script finished", ms: the server's run, as streamed
    messages: int
    kilobytes: float


class Frames:
    """The page's record of server messages, decoded."""

    def __init__(self, page: Any):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.page = page
        self.parse = ForwardMsg.FromString
        page.add_init_script(RECORD_JS)

    def since(self, start: float) -> list[tuple[float, str, int]]:
        import base64

        raw = self.page.evaluate("(start) => window.__frames.filter((f) => f[0] >= start)", start)
        out = []
        for t, data in raw:
            payload = base64.b64decode(data)
            try:
                msg = self.parse(payload)
                kind = msg.WhichOneof("type") or "?"
                if kind == "script_finished" and msg.script_finished == msg.FINISHED_EARLY_FOR_RERUN:
                    kind = "script_stopped_for_rerun"  # another run follows: not the end of this click's work
            except Exception:  # not a ForwardMsg: counted, not judged
                kind = "?"
            out.append((t, kind, len(payload)))
        return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, root: Path, script: str, env: dict[str, str], log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(self.port),
               "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats",
               "false", "--server.fileWatcherType", "none"]
        with log.open("wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=root, env={**os.environ, **env}, stdout=out,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"streamlit exited early:\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    if resp.read().strip() == b"ok":
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise SystemExit("streamlit was not ready after 60 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def _seed(root: Path, database_url: str) -> str:
    """Store the example assessment as a draft with the wizard's own store; return its id."""
    code = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(root)!r})
        from pathlib import Path
        from wizard.formats import read_document
        from wizard.store import Store
        a = read_document(Path({str(root / 'examples' / 'complete-assessment.json')!r}).read_bytes())
        a = a.model_copy(update={{"status": "draft", "finalised_at": None}})
        print(Store({database_url!r}).create(a, "bench").assessment.id)
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def _time(page: Any, frames: Frames, act: Callable[[], None]) -> Sample:
    start = page.evaluate("() => performance.now()")
    act()
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        got = frames.since(start)
        finished = [t for t, kind, _ in got if kind == "script_finished"]
        if finished:
            break
        if time.monotonic() > deadline:
            raise SystemExit("no run finished within the timeout")
        page.wait_for_timeout(5)
    page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS)
    settled = page.evaluate("() => performance.now()")
    # Settled is when the page has drawn the finished run: never before its message arrived.
    return Sample(settled=max(settled, finished[0]) - start, server=finished[0] - got[0][0],
                  messages=len(got), kilobytes=sum(n for _, _, n in got) / 1024)


def _series(page: Any, frames: Frames, actions: list[Callable[[], None]], runs: int,
            warm: int = 2) -> list[Sample]:
    samples = []
    for i in range(runs + warm):
        sample = _time(page, frames, actions[i % len(actions)])
        page.wait_for_timeout(300)  # a pause, as between two answers: no run overlaps the next click
        if i >= warm:
            samples.append(sample)
    return samples


def _fmt(values: list[float]) -> str:
    q = statistics.quantiles(values, n=10)
    return f"{statistics.median(values):6.1f} ms (p10 {q[0]:.1f}, p90 {q[-1]:.1f})"


def _radio(page: Any, group: str, option: str) -> Callable[[], None]:
    def click() -> None:
        page.get_by_role("radiogroup", name=group).first.get_by_text(option, exact=True).click()
    return click


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--app-root", type=Path, default=ROOT, help="the checkout whose wizard is measured")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"needs {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    root = args.app_root.resolve()
    tmp = Path(tempfile.mkdtemp(prefix="bench-ui-browser-"))
    servers: list[Server] = []
    try:
        db = f"sqlite:///{tmp / 'wizard.sqlite'}"
        aid = _seed(root, db)
        wizard = Server(root, "streamlit_app.py", {"WIZARD_DATABASE_URL": db, "WIZARD_DATA_DIR": str(tmp)},
                        tmp / "wizard.log")
        servers.append(wizard)
        (tmp / "minimal").mkdir()
        (tmp / "minimal" / "minimal.py").write_text(MINIMAL_PAGE)
        minimal = Server(tmp / "minimal", "minimal.py", {}, tmp / "minimal.log")
        servers.append(minimal)

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            frames = Frames(page)

            page.goto(f"{minimal.url}/")
            page.get_by_role("radiogroup", name="Answer").wait_for()
            results = {"minimal page: radio": _series(page, frames, [_radio(page, "Answer", "no"),
                                                             _radio(page, "Answer", "yes")], args.runs)}

            page.goto(f"{wizard.url}/assess?aid={aid}&screen=prevalence&by=Bench")
            card = page.get_by_test_id("stExpander").filter(has_text="Sexual violence by security forces").first
            card.locator("summary").first.click()  # open the form's card
            group = "Arms involved?"
            page.get_by_role("radiogroup", name=group).first.wait_for()
            results["wizard, Prevalence: an answer"] = _series(
                page, frames, [_radio(page, group, "No"), _radio(page, group, "Yes")], args.runs)

            def next_then_back(name: str) -> Callable[[], None]:
                return lambda: page.get_by_role("button", name=name, exact=True).click()

            results["wizard, Prevalence <-> Seriousness: Next / Back"] = _series(
                page, frames, [next_then_back("Next →"), next_then_back("← Back")], max(4, args.runs // 2))

            page.goto(f"{wizard.url}/assess?aid={aid}&screen=evidence&by=Bench")
            card = page.get_by_test_id("stExpander").filter(has_text="S1 · ").first
            card.locator("summary").first.click()  # open the first source's card
            box = card.get_by_test_id("stSelectbox").filter(has_text="Reliability").first

            def reliability(option: str) -> Callable[[], None]:
                def pick() -> None:
                    box.click()
                    page.get_by_role("option", name=option, exact=True).click()
                return pick

            results["wizard, Evidence: a source's reliability"] = _series(
                page, frames, [reliability("Low"), reliability("High")], args.runs)
            browser.close()
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    base = {k: statistics.median(getattr(x, k) for x in results["minimal page: radio"]) for k in ("settled", "server")}
    print(f"app: {root}   runs per case: {args.runs} (after 2 warm-up runs; Next/Back: half as many)")
    print("settled: click to settled page; server: the run's first message to its 'script finished' (both in the"
          " page's clock); ratios to the minimal page")
    for name, samples in results.items():
        settled = [x.settled for x in samples]
        server = [x.server for x in samples]
        print(f"{name}\n    settled {_fmt(settled)} x{statistics.median(settled) / base['settled']:.1f}"
              f"   server {_fmt(server)} x{statistics.median(server) / base['server']:.1f}"
              f"   {statistics.median(x.messages for x in samples):.0f} messages,"
              f" {statistics.median(x.kilobytes for x in samples):.1f} KB")


if __name__ == "__main__":
    main()
