"""Median time of one wizard interaction as a whole-page run (AppTest: change an answer + rerun, which also
autosaves), against the same interaction on a minimal one-widget Streamlit page.

    python bench/ui.py [--runs 40] [--screen prevention] [--full]

``--full`` opens examples/complete-assessment.json (as a draft) instead of an empty assessment: every table
full, as an officer's screen is near the end. Prints both medians (with the spread) and their ratio. Runs
against a fresh SQLite store in a temp folder.

AppTest reruns the whole script on an interaction: that is the cost of a whole-page run (what Next, Back and an
answer that changes the page cost). ``--fragment`` times what the browser does instead for an answer in a
table's card: the interaction names the card's fragment (as the browser's message does), so Streamlit runs the
callback (which saves) and then only that card and the header (wizard/ui/fragments.py). bench/ui_browser.py
times both in a real browser.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import textwrap
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MINIMAL_PAGE = textwrap.dedent("""
    import streamlit as st
    st.radio("Answer", ["yes", "no"], key="answer", horizontal=True)
""")


@contextmanager
def _fragment_runs(at, fragment_key: str):
    """AppTest interactions that arrive as the browser sends them from inside the fragment ``fragment_key``."""
    import streamlit.testing.v1.local_script_runner as lsr
    from streamlit.runtime.scriptrunner import RerunData

    ids = at._fragment_storage.resolve_target(fragment_key)  # registered by the last whole-page run

    def rerun_data(**kwargs):
        # Both the request and the runner's initial request: two merged requests with no fragment in one of
        # them would make a whole-page run.
        return RerunData(**kwargs, fragment_id_queue=list(ids))

    lsr.RerunData = rerun_data
    try:
        yield
    finally:
        lsr.RerunData = RerunData


def _time_clicks(at, radio_key: str, runs: int) -> list[float]:
    values = at.radio(key=radio_key).options
    samples = []
    for i in range(runs + 3):
        value = values[i % 2]
        t0 = time.perf_counter()
        at.radio(key=radio_key).set_value(value).run()
        elapsed = time.perf_counter() - t0
        if at.exception:
            raise SystemExit(f"the page raised: {at.exception}")
        if i >= 3:  # the first few runs warm caches
            samples.append(elapsed)
    return samples


def bench_wizard(runs: int, screen: str, full: bool, fragment: bool) -> tuple[list[float], int, list[float]]:
    from streamlit.testing.v1 import AppTest

    from wizard.formats import read_document
    from wizard.guidance import load_guidance
    from wizard.model import Assessment
    from wizard.store import Store

    g = load_guidance("en")
    store = Store(os.environ["WIZARD_DATABASE_URL"])
    if full:
        a = read_document((ROOT / "examples" / "complete-assessment.json").read_bytes())
        a = a.model_copy(update={"status": "draft", "finalised_at": None})
    else:
        a = Assessment(guidance_version=g.stamp, officer="bench")
    stored = store.create(a, "bench")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=30)
    at.query_params["aid"] = stored.assessment.id
    at.query_params["screen"] = screen
    at.run()
    at.switch_page("wizard/ui/pages/assessment.py").run()
    key = _choice_key(g, stored.assessment.id, screen, in_table=fragment)
    card = ":".join([*key.split(":")[:-1], "fragment"])  # the card's fragment key (wizard/ui/inputs.py)
    with _fragment_runs(at, card) if fragment else nullcontext():
        samples = _time_clicks(at, key, runs)
    saves = store.get(stored.assessment.id).version
    return samples, saves, _time_saves(store, stored.assessment.id, runs)


def _time_saves(store, aid: str, runs: int) -> list[float]:
    """The autosave alone (one store.save of the open assessment, as an answer makes): the floor of any answer."""
    from wizard.edits import Edit, apply

    samples = []
    for i in range(runs + 3):
        current = store.get(aid)
        draft = apply(current.assessment, Edit("case.exporter", f"Exporter {i}", current.assessment.case.exporter))
        t0 = time.perf_counter()
        store.save(draft, current.version, "bench")
        if i >= 3:
            samples.append(time.perf_counter() - t0)
    return samples


def _choice_key(g, aid: str, screen: str, in_table: bool) -> str:
    """A radio on ``screen``: its first choice question, or the first choice column of its first table."""
    for q in g.screen(screen).questions:
        if q.type == "choice" and not in_table:
            return f"w:{aid}:0:{screen}:{q.id}:value"
    q = next(q for q in g.screen(screen).questions if q.type == "table")
    col = next(c for c in q.columns if c.type == "choice")
    form = g.catalogues.gbv_forms[0].id
    return f"w:{aid}:0:{screen}:{q.id}:{form}:{col.id}"


def bench_minimal(runs: int, folder: Path) -> list[float]:
    from streamlit.testing.v1 import AppTest

    page = folder / "minimal.py"
    page.write_text(MINIMAL_PAGE)
    at = AppTest.from_file(str(page), default_timeout=30).run()
    return _time_clicks(at, "answer", runs)


def _fmt(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=10)
    return f"median {statistics.median(samples) * 1000:7.2f} ms  (p10 {q[0] * 1000:.2f}, p90 {q[-1] * 1000:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--screen", default="prevention", help="a step screen with a choice question or table")
    parser.add_argument("--full", action="store_true", help="a complete assessment, not an empty one")
    parser.add_argument("--fragment", action="store_true",
                        help="the answer reruns its card's fragment, as in the browser (a table screen)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WIZARD_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite"
        os.chdir(ROOT)
        wizard, saves, save_alone = bench_wizard(args.runs, args.screen, args.full, args.fragment)
        minimal = bench_minimal(args.runs, Path(tmp))
    ratio = statistics.median(wizard) / statistics.median(minimal)
    print(f"runs per case: {args.runs} (after 3 warm-up runs)")
    case = "complete" if args.full else "empty"
    run = "its card's fragment and the header" if args.fragment else "whole-page run"
    print(f"wizard interaction ({args.screen} screen, {case} assessment, answer + autosave + {run}): "
          f"{_fmt(wizard)}")
    print(f"  of which the autosave alone (store.save, same store):          {_fmt(save_alone)}")
    print(f"minimal one-widget page (radio + rerun):                     {_fmt(minimal)}")
    print(f"ratio wizard / minimal: {ratio:.1f}x   (saves recorded by the store: {saves - 1})")


if __name__ == "__main__":
    main()
