"""The short version of bench/load.py (issue 14): two app servers on one PostgreSQL, two browsers editing
through them, and twenty simulated officers saving at a brisk pace on shared assessments for thirty seconds (the
suite must stay under four minutes; the script itself runs ten). Nothing acknowledged may be missing from the
log; conflicts happen and are resolved. (Speed is measured by the script itself, not asserted here.)"""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("tests.browser_support")

from tests.browser_support import require_browser  # noqa: E402

require_browser()

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.xdist_group("browser")]


def test_two_servers_and_twenty_officers_lose_nothing():
    import importlib.util
    import sys

    from tests.conftest import postgres_url, reset_postgres

    url = postgres_url()
    reset_postgres(url)
    spec = importlib.util.spec_from_file_location("bench_load", "bench/load.py")
    load = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = load  # its dataclass and the officers' processes look it up by name
    spec.loader.exec_module(load)
    r = load.run(url, seconds=30, officers=20, shared=6, browsers=2, pace=(0.3, 1.0))
    assert r["saves_acknowledged"] > 150
    assert r["saves_lost"] == 0 and r["browser_last_values_lost"] == 0, r
    assert r["browser_saves"] > 10
    assert r["conflicts_raised"] > 0 and r["conflicts_raised"] == r["conflicts_resolved"], r
