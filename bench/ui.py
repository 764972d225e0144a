"""Median time of one wizard interaction (AppTest: change an answer + rerun, which also autosaves), against
the same interaction on a minimal one-widget Streamlit page.

    python bench/ui.py [--runs 40] [--screen prevention]

Prints both medians (with the spread) and their ratio. Runs against a fresh SQLite store in a temp folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MINIMAL_PAGE = textwrap.dedent("""
    import streamlit as st
    st.radio("Answer", ["yes", "no"], key="answer", horizontal=True)
""")


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


def bench_wizard(runs: int, screen: str) -> tuple[list[float], int]:
    from streamlit.testing.v1 import AppTest

    from wizard.guidance import load_guidance
    from wizard.model import Assessment
    from wizard.store import Store

    g = load_guidance("en")
    store = Store(os.environ["WIZARD_DATABASE_URL"])
    stored = store.create(Assessment(guidance_version=g.stamp, officer="bench"), "bench")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=30)
    at.query_params["aid"] = stored.assessment.id
    at.query_params["screen"] = screen
    at.run()
    at.switch_page("wizard/ui/pages/assessment.py").run()
    question = next(q for q in g.screen(screen).questions if q.type == "choice")
    key = f"w:{stored.assessment.id}:0:{screen}:{question.id}:value"
    samples = _time_clicks(at, key, runs)
    saves = store.get(stored.assessment.id).version
    return samples, saves


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
    parser.add_argument("--screen", default="prevention", help="a step screen with a choice question")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WIZARD_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite"
        os.chdir(ROOT)
        wizard, saves = bench_wizard(args.runs, args.screen)
        minimal = bench_minimal(args.runs, Path(tmp))
    ratio = statistics.median(wizard) / statistics.median(minimal)
    print(f"runs per case: {args.runs} (after 3 warm-up runs)")
    print(f"wizard interaction ({args.screen} screen, answer + autosave + rerun): {_fmt(wizard)}")
    print(f"minimal one-widget page (radio + rerun):                     {_fmt(minimal)}")
    print(f"ratio wizard / minimal: {ratio:.1f}x   (saves recorded by the store: {saves - 1})")


if __name__ == "__main__":
    main()
