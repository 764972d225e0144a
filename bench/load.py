"""Two app servers on one PostgreSQL under load (issue 14): loopback only, bounded in time, stops by itself.

    python bench/load.py --url postgresql+psycopg://wizard:wizard@127.0.0.1:5432/wizard_load
                         [--seconds 600] [--officers 50] [--shared 30] [--browsers 2] [--pace 1.0,3.0]

It starts two ``streamlit run`` servers on the same (empty or existing) PostgreSQL database, drives one real
Chromium session per server that edits an assessment through the page, and runs ``--officers`` simulated
officers, each in its own process, saving through the store at a human pace (a pause drawn from ``--pace``
seconds between saves), several of them on the same assessments (``--shared`` of them), so that conflicts
happen and are resolved as the app resolves them: reload, apply the edit again, save.

At the end it checks every acknowledged save against the event log (each must be there, with its version, its
field and its value) and prints: saves acknowledged, saves lost (the aim is 0), conflicts raised and resolved,
and the save latency's median and 95th percentile (the aim: p95 under 50 ms). Exit code 1 if a save was lost.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, Server, free_port  # noqa: E402
from wizard.model import Assessment  # noqa: E402
from wizard.store import Conflict, Store  # noqa: E402

FIELD = "case.end_use"


@dataclass
class PgServer(Server):
    url_override: str = ""

    @property
    def database_url(self) -> str:  # the servers share the database under test
        return self.url_override


def officer(url: str, number: int, ids: list[str], deadline: float, pace: tuple[float, float],
            out: mp.Queue) -> None:
    """One simulated officer: saves one field again and again, reloading and saving again on a conflict."""
    rng = random.Random(number)
    store = Store(url)
    acks, latencies, conflicts = [], [], 0
    n = 0
    try:
        while time.time() < deadline:
            aid = ids[number % len(ids)]
            value = f"officer {number}, save {n}"
            stored = store.get(aid)
            t0 = time.perf_counter()
            while True:
                a = stored.assessment.model_copy(deep=True)
                a.case.end_use = value
                try:
                    stored = store.save(a, stored.version, f"officer {number}")
                    break
                except Conflict:  # someone saved first: take their version and apply this edit to it
                    conflicts += 1
                    stored = store.get(aid)
            latencies.append((time.perf_counter() - t0) * 1000)
            acks.append((aid, stored.version, value))
            n += 1
            time.sleep(rng.uniform(*pace))
    finally:
        store.close()
        out.put({"acks": acks, "latencies": latencies, "conflicts": conflicts})


def browser_session(server: Server, aid: str, deadline: float, out: list[dict]) -> None:
    """A real Chromium session editing one assessment's exporter through the page, a field a second apart."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB").new_page()
        page.goto(f"{server.url}/assess?aid={aid}&screen=case&by=Browser%20{server.port}")
        box = page.get_by_role("textbox", name="Exporter", exact=True)
        box.wait_for(timeout=30_000)
        n = 0
        while time.time() < deadline:
            value = f"browser on {server.port}, save {n}"
            box.fill(value)
            box.press("Tab")
            out.append({"aid": aid, "value": value})
            page.wait_for_timeout(1000)
            n += 1
        browser.close()


def run(url: str, seconds: float, officers: int, shared: int, browsers: int, pace: tuple[float, float]) -> dict:
    store = Store(url)
    ids = []
    for i in range(shared + browsers):
        a = Assessment(id=f"load-{int(time.time())}-{i}")
        a.case.reference = f"LOAD-{i:04d}"
        ids.append(store.create(a, "load script").assessment.id)
    shared_ids, browser_ids = ids[:shared], ids[shared:]
    with tempfile.TemporaryDirectory() as tmp:
        servers = [PgServer(Path(tmp) / f"server{n}", port=free_port(), url_override=url) for n in range(2)]
        for s in servers:
            s._start(60.0)
        try:
            deadline = time.time() + seconds
            out: mp.Queue = mp.Queue()
            procs = [mp.Process(target=officer, args=(url, n, shared_ids, deadline, pace, out))
                     for n in range(officers)]
            for p in procs:
                p.start()
            typed: list[dict] = []
            import threading

            threads = [threading.Thread(target=browser_session, args=(servers[n % 2], browser_ids[n], deadline,
                                                                      typed)) for n in range(browsers)]
            for t in threads:
                t.start()
            results = [out.get(timeout=seconds + 120) for _ in procs]
            for p in procs:
                p.join(30)
            for t in threads:
                t.join(seconds + 60)
        finally:
            for s in servers:
                s.stop()
    acks = [a for r in results for a in r["acks"]]
    latencies = sorted(x for r in results for x in r["latencies"])
    conflicts = sum(r["conflicts"] for r in results)
    # Every acknowledged save is in the log: its assessment, its version, its field, its value.
    logged = set()
    for aid in shared_ids:
        for e in store.events(aid):
            if e.path == FIELD:
                logged.add((aid, e.version, json.dumps(e.new)))
    lost = [a for a in acks if (a[0], a[1], json.dumps(a[2])) not in logged]
    # The browsers' last values reached the store (each field is saved on leaving it).
    browser_last = {}
    for t in typed:
        browser_last[t["aid"]] = t["value"]
    browser_lost = [aid for aid, value in browser_last.items()
                    if value not in {e.new for e in store.events(aid) if e.path == "case.exporter"}]
    store.close()
    return {
        "seconds": seconds, "officers": officers, "shared_assessments": shared, "browsers": browsers,
        "saves_acknowledged": len(acks), "saves_lost": len(lost), "browser_saves": len(typed),
        "browser_last_values_lost": len(browser_lost), "conflicts_raised": conflicts,
        "conflicts_resolved": conflicts,  # each conflict was resolved: its save was acknowledged afterwards
        "latency_ms_p50": statistics.median(latencies) if latencies else 0.0,
        "latency_ms_p95": latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))] if latencies
        else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True, help="the PostgreSQL database both servers use")
    p.add_argument("--seconds", type=float, default=600)
    p.add_argument("--officers", type=int, default=50)
    p.add_argument("--shared", type=int, default=30, help="assessments the officers share (fewer: more conflicts)")
    p.add_argument("--browsers", type=int, default=2)
    p.add_argument("--pace", default="1.0,3.0", help="seconds between one officer's saves: low,high")
    args = p.parse_args(argv)
    low, high = (float(x) for x in args.pace.split(","))
    r = run(args.url, args.seconds, args.officers, args.shared, args.browsers, (low, high))
    print(f"{r['officers']} officers and {r['browsers']} browsers on two servers, one PostgreSQL, "
          f"{r['seconds']:.0f} s")
    print(f"  saves acknowledged        {r['saves_acknowledged']}")
    print(f"  saves lost                {r['saves_lost']}   (aim: 0)")
    print(f"  browser saves             {r['browser_saves']}, last values lost: {r['browser_last_values_lost']}")
    print(f"  conflicts raised/resolved {r['conflicts_raised']}/{r['conflicts_resolved']}")
    print(f"  save latency              p50 {r['latency_ms_p50']:.1f} ms, p95 {r['latency_ms_p95']:.1f} ms "
          f"(aim: p95 under 50 ms)")
    return 1 if r["saves_lost"] or r["browser_last_values_lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
