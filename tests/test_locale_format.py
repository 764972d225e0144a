"""Dates, times and numbers in each language (issue 11), through Babel: what a reader of each record sees."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from wizard.locale_format import amount_text, date_text, local_text, number_text, utc_text

DAY = date(2026, 11, 30)
MOMENT = datetime(2026, 11, 30, 15, 12, 3, tzinfo=UTC)


@pytest.mark.parametrize(("lang", "day", "moment", "number", "amount"), [
    ("en", "30 Nov 2026", "30 Nov 2026 15:12 UTC", "1,234,567", "1,234,567.50"),
    ("fr", "30 nov. 2026", "30 nov. 2026 15:12 UTC", "1\u202f234\u202f567", "1\u202f234\u202f567,50"),
    ("es", "30 nov 2026", "30 nov 2026 15:12 UTC", "1.234.567", "1.234.567,50"),
    ("zh", "2026年11月30日", "2026年11月30日 15:12 UTC", "1,234,567", "1,234,567.50"),
])
def test_each_language_writes_dates_and_numbers_its_own_way(lang, day, moment, number, amount):
    assert date_text(DAY, lang) == day
    assert utc_text(MOMENT, lang) == moment
    assert number_text(1234567, lang) == number
    assert amount_text(1234567.5, lang) == amount


def test_a_moment_is_shown_in_utc_whatever_its_zone_and_a_naive_one_is_taken_as_utc():
    east = MOMENT.astimezone(timezone(timedelta(hours=8)))  # 23:12 in Beijing is 15:12 UTC
    assert utc_text(east, "en") == utc_text(MOMENT, "en") == utc_text(MOMENT.replace(tzinfo=None), "en")
    assert utc_text(MOMENT, "en", seconds=True) == "30 Nov 2026 15:12:03 UTC"


def test_nothing_is_a_dash_and_an_unknown_language_reads_as_english():
    assert date_text(None, "fr") == utc_text(None, "fr") == local_text(None, "fr") == number_text(None, "fr") == "—"
    assert date_text(DAY, "xx") == date_text(DAY, "en")


def test_a_24_hour_clock_in_every_language():
    evening = datetime(2026, 11, 30, 21, 5, tzinfo=UTC)
    for lang in ("en", "fr", "es", "zh"):
        assert "21:05" in utc_text(evening, lang), lang


def test_a_count_of_one_takes_the_singular_where_the_language_has_one():
    from wizard.guidance import load_guidance
    from wizard.locale_format import plural_key

    for lang, singular in (("en", [1]), ("es", [1]), ("fr", [0, 1]), ("zh", [])):
        g = load_guidance(lang)
        for n in (0, 1, 2, 10_000):
            key = plural_key("page_of", n, lang, g.ui)
            assert key == ("page_of_one" if n in singular else "page_of"), (lang, n)
    en = load_guidance("en")
    assert en.t("page_of_one", page=1, pages=1, total=1).endswith("· 1 assessment")
    assert plural_key("no_such_key", 1, "en", en.ui) == "no_such_key"  # no singular given: the key itself
