"""Dates, times and numbers in the reader's language (Babel's CLDR data, shipped with the package).

Every date a screen, the record or the fact sheet shows goes through here, so that a French record reads
"30 nov. 2026" and a Chinese one "2026年11月30日". Times are shown in UTC on the record (it says so) and in
the server's zone on screen, always on a 24-hour clock: an auditor comparing a record with the audit log
should not have to convert "3:12 PM".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal

# The CLDR locale of each guidance language. English is the UN's (British) English: day before month.
LOCALES = {"en": "en_GB", "fr": "fr_FR", "es": "es_ES", "zh": "zh_Hans_CN"}
NOTHING = "—"


def locale_of(language: str) -> str:
    """The CLDR locale for a guidance language; an unknown language is formatted as English."""
    return LOCALES.get(language, LOCALES["en"])


def date_text(value: date | None, language: str) -> str:
    """A calendar date, month in words (never ambiguous between day-month and month-day)."""
    if value is None:
        return NOTHING
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, "medium", locale=locale_of(language))


def time_text(value: datetime, language: str, seconds: bool = False) -> str:
    """A time of day on a 24-hour clock, in ``value``'s own zone."""
    return format_time(value, "HH:mm:ss" if seconds else "HH:mm", locale=locale_of(language))


def utc_text(value: datetime | None, language: str, seconds: bool = False) -> str:
    """A moment in UTC, as the record states times: date, time and "UTC". A naive time is taken as UTC."""
    if value is None:
        return NOTHING
    at = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return f"{date_text(at.date(), language)} {time_text(at, language, seconds)} UTC"


def local_text(value: datetime | None, language: str, seconds: bool = False) -> str:
    """A moment in the server's zone (the screens: the officer's working day), date and time."""
    if value is None:
        return NOTHING
    at = value.astimezone() if value.tzinfo is not None else value
    return f"{date_text(at.date(), language)} {time_text(at, language, seconds)}"


def number_text(value: int | float | Decimal | None, language: str) -> str:
    """A quantity or an amount with the language's grouping and decimal signs (1 234,5 in French)."""
    if value is None:
        return NOTHING
    return format_decimal(value, locale=locale_of(language))


def amount_text(value: float | Decimal | None, language: str) -> str:
    """A money amount with two decimals, grouped as the language groups (the currency is shown beside it)."""
    if value is None:
        return NOTHING
    return format_decimal(value, format="#,##0.00", locale=locale_of(language))


def plural_key(key: str, count: int, language: str, keys: Iterable[str]) -> str:
    """``key_one`` where the language says "one" of ``count`` (1 in English and Spanish; 0 and 1 in French) and
    ``keys`` has it; ``key`` otherwise (Chinese has no plural)."""
    one = f"{key}_one"
    return one if one in keys and Locale.parse(locale_of(language)).plural_form(count) == "one" else key
