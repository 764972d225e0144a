"""Fonts for the PDF record, and per-character font fallback.

ReportLab draws a character the font lacks as nothing at all, so a name typed in Chinese could vanish from a
legal record without a trace. Every piece of text therefore goes through ``runs()``: each character is drawn in
the first vendored font that has it (DejaVu Sans for Latin, Greek, Cyrillic and symbols; WenQuanYi Micro Hei
for Chinese), and a character that no font has is drawn as a visible marker ``[U+XXXX]`` in red and listed in
the record's "characters that could not be shown" section. The replacement rules (documented in the record):

- line breaks (CR, LF, CRLF, U+2028/2029, VT, FF, NEL) start a new line; every other kind of white space
  (tab, no-break space, ideographic space, ...) is drawn as an ordinary space;
- control, format, private-use, surrogate and unassigned code points (for example U+200B ZERO WIDTH SPACE,
  U+00AD SOFT HYPHEN) have no visible shape of their own, so they are drawn as ``[U+XXXX]`` too;
- any other character missing from both fonts is drawn as ``[U+XXXX]``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"

SANS = "RecordSans"
SANS_BOLD = "RecordSans-Bold"
CJK = "RecordCJK"  # WenQuanYi Micro Hei has no bold face; bold CJK text is drawn regular
REPLACEMENT_COLOUR = "#B00020"

_FILES = {
    SANS: ("DejaVuSans.ttf", 0),
    SANS_BOLD: ("DejaVuSans-Bold.ttf", 0),
    CJK: ("wqy-microhei.ttc", 0),
}

Weight = Literal["regular", "bold"]

_LINE_BREAKS = re.compile("\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")
_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f]")
_NO_SHAPE = {"Cc", "Cf", "Co", "Cs", "Cn"}


@dataclass(frozen=True)
class _Coverage:
    regular: frozenset[int]
    bold: frozenset[int]

    @property
    def cjk(self) -> frozenset[int]:
        """The Chinese font's characters: it is loaded (about 70 ms, a 5 MB file) only when text needs it."""
        return _cjk_charset()


_lock = threading.Lock()
_coverage: _Coverage | None = None


def _logical(cp: int) -> str:
    """What a drawn glyph stands for, for text extraction and search.

    Arabic is drawn in its contextual presentation forms (record_text.visual); a reader that copies or
    searches the text wants the letters themselves (a lam-alef ligature stands for both, in reading order:
    extraction turns a right-to-left run around glyph by glyph, not letter by letter).
    """
    ch = chr(cp)
    if 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF:
        return unicodedata.normalize("NFKC", ch)
    return ch


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, except that code points above U+FFFF are written as UTF-16 (surrogate
    pairs), as the PDF specification requires.

    ReportLab 5.1 writes them as odd-length hex ("<1F600>"), so viewers and text extraction lose every emoji
    and every supplementary-plane CJK character. For the BMP the output is byte-for-byte ReportLab's, so
    installing this for the whole process changes nothing else.
    """
    def hex16(cp: int) -> str:
        return _logical(cp).encode("utf-16-be", "surrogatepass").hex().upper()

    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{hex16(v)}>" for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


class _MeasuredTTFont(TTFont):
    """A TTFont that remembers the widths it has measured.

    ReportLab measures the same words many times while tables find their row heights and split across pages,
    and its TrueType width function is pure Python; a per-font memo roughly halves the build time of a long
    record. Widths depend only on the text and the size, so the memo cannot change the output.
    """

    def __init__(self, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)
        self._widths: dict[tuple[str, float], float] = {}

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:
        key = (text, size)
        width = self._widths.get(key)
        if width is None:
            width = super().stringWidth(text, size, encoding)
            if len(self._widths) < 200_000:  # bounded: a process renders many records
                self._widths[key] = width
        return width


def _register(name: str) -> frozenset[int]:
    filename, index = _FILES[name]
    font = _MeasuredTTFont(name, str(FONT_DIR / filename), subfontIndex=index)
    pdfmetrics.registerFont(font)
    return frozenset(cp for cp, glyph in font.face.charToGlyph.items() if glyph)


def register_fonts() -> None:
    """Register the Latin fonts once per process; the Chinese one waits for the first text that needs it."""
    global _coverage
    if _coverage is not None:
        return
    with _lock:
        if _coverage is not None:
            return
        ttfonts.makeToUnicodeCMap = _to_unicode_cmap
        regular, bold = _register(SANS), _register(SANS_BOLD)
        pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD)
        _coverage = _Coverage(regular, bold)


_cjk: frozenset[int] | None = None


def _cjk_charset() -> frozenset[int]:
    global _cjk
    if _cjk is None:
        with _lock:
            if _cjk is None:
                charset = _register(CJK)
                pdfmetrics.registerFontFamily(CJK, normal=CJK, bold=CJK, italic=CJK, boldItalic=CJK)
                _cjk = charset
    return _cjk


def cjk_loaded() -> bool:
    """Whether this process has loaded the Chinese font (tests: a Latin-only record does not)."""
    return _cjk is not None


def _cov() -> _Coverage:
    register_fonts()
    assert _coverage is not None
    return _coverage


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def replacement(ch: str) -> str:
    return f"[U+{ord(ch):04X}]"


# A run: (font name or None for a replacement marker or a line break, text). Line breaks are ("\n", "\n").
Run = tuple[str | None, str]


@lru_cache(maxsize=4096)
def runs(text: str, weight: Weight = "regular") -> tuple[Run, ...]:
    """Split text into runs drawn in one font each; see the module docstring for the rules."""
    cov = _cov()
    primary, primary_set = (SANS_BOLD, cov.bold) if weight == "bold" else (SANS, cov.regular)
    text = _LINE_BREAKS.sub("\n", text)
    out: list[Run] = []
    font: str | None = primary
    buf: list[str] = []

    def flush() -> None:
        if buf:
            out.append((font, "".join(buf)))
            buf.clear()

    if text.isascii() and text.isprintable():  # fast path: all of ASCII is in DejaVu Sans
        return ((primary, text),) if text else ()
    for ch in text:
        cp = ord(ch)
        if ch == "\n":
            flush()
            out.append(("\n", "\n"))
            continue
        if ch.isspace():
            ch, cp = " ", 32
        elif unicodedata.category(ch) in _NO_SHAPE:
            flush()
            out.append((None, replacement(ch)))
            continue
        if cp in primary_set:
            want: str | None = primary
        elif cp in cov.cjk:
            want = CJK
        else:
            flush()
            out.append((None, replacement(ch)))
            continue
        if want != font:
            flush()
            font = want
        buf.append(ch)
    flush()
    return tuple(out)


def displayed_text(text: str) -> str:
    """The text as the record shows it (line breaks as "\\n", replacements spelt out): what tests look for."""
    return "".join(t for _f, t in runs(text))


def unshowable(text: str) -> str:
    """The distinct characters of ``text`` drawn as a ``[U+XXXX]`` marker, in order of first appearance."""
    seen: dict[str, None] = {}
    if text.isascii() and text.isprintable():
        return ""
    for font, t in runs(text):
        if font is None:
            seen[chr(int(t[3:-1], 16))] = None
    return "".join(seen)


def describe_char(ch: str) -> str:
    """E.g. "U+200B ZERO WIDTH SPACE" for the list of characters that could not be shown."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, '(no name)')}"


def font_for_string(text: str, weight: Weight = "regular") -> str:
    """One font for a whole string drawn outside a paragraph (flowchart labels, page furniture)."""
    cov = _cov()
    primary_set = cov.bold if weight == "bold" else cov.regular
    if all(ord(c) in primary_set or c.isspace() for c in text):
        return SANS_BOLD if weight == "bold" else SANS
    _cjk_charset()  # the fallback must be registered before it is drawn
    return CJK
