"""Text that Streamlit renders as Markdown must show exactly as typed: officers' text and guidance alike."""

from __future__ import annotations

_MARKDOWN = "\\`*_{}[]()<>#+-.!|$~:"


def md(text: str) -> str:
    """Escape every character Markdown (and Streamlit's LaTeX, colour and emoji shortcodes) could act on."""
    return "".join("\\" + ch if ch in _MARKDOWN else ch for ch in text)


def shorten(value: object, limit: int = 120) -> str:
    """A value for a table cell: text, cut visibly when long."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"
