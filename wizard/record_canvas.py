"""The record's page furniture (header, footer, "page X of Y", watermark) and the embedded assessment file.

"Page X of Y" needs the page count before any page is written, so the canvas keeps each page's drawing
state and paints the furniture onto all pages in ``save()`` (the usual two-pass ReportLab recipe).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDate, PDFDictionary, PDFName, PDFStream, PDFString, PDFZCompress
from reportlab.pdfgen import canvas

from wizard import record_pdfa
from wizard.record_fonts import font_for_string
from wizard.record_text import RULE, para

ATTACHMENT_NAME = "assessment.json"
MARGIN_X = 18 * mm
HEADER_Y = 12 * mm  # distance of the header's baseline area from the top edge
FOOTER_Y = 9 * mm
MARKING_TOP = 6 * mm  # the protective marking's line, from the top edge
MARKING_BOTTOM = 3.5 * mm  # and from the bottom edge
WATERMARK_COLOUR = "#7B241C"
WATERMARK_ALPHA = 0.22


@dataclass(frozen=True)
class Furniture:
    header_left: str
    marking: str  # the protective marking: centred at the top and the bottom of every page
    status: str  # "DRAFT", "TRAINING · DRAFT" ...: at the header's right, in words; "" for a final record
    footer_left: str
    page_label: str  # with {page} and {pages}
    watermark: str  # "" for none
    attachment: bytes
    attachment_description: str
    created: datetime  # the assessment's own times: the document's dates (record_pdfa)
    modified: datetime
    language: str


class PagedCanvas(canvas.Canvas):
    """Keeps every page until their number is known, then draws each page's furniture ("page X of Y").

    Subclasses draw the furniture (``_draw_furniture``) and may add to the document once every page is out
    (``_finish``), from the ``furniture`` they are given.
    """

    def __init__(self, *args: Any, furniture: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._pages: list[dict[str, Any]] = []
        self._bookmark_queue: list[tuple[str, dict[str, Any]]] = []  # this page's link targets
        self._replaying = False
        self._outline_count, self._outline_level = 0, -1

    def add_outline_entry(self, title: str, level: int, y: float) -> None:
        """An outline entry for a heading drawn at height ``y`` of this page. Its destination is a bookmark,
        made when the page is written (``bookmarkPage``); the entries come in drawing order, page by page."""
        self._outline_count += 1
        key = f"section-{self._outline_count}"
        self.bookmarkHorizontalAbsolute(key, y + 14)
        level = min(level, self._outline_level + 1)  # a level may not skip one
        self._outline_level = level
        self.addOutlineEntry(title, key, level=level, closed=level > 0)

    def bookmarkPage(self, key: str, **kwargs: Any) -> None:  # ReportLab's name
        """A link target (a paragraph's ``<a name>``): made when its page is written, so that it points at that
        page and not at the first (ReportLab binds it to the page being written)."""
        if self._replaying:
            super().bookmarkPage(key, **kwargs)
        else:
            self._bookmark_queue.append((key, kwargs))

    def showPage(self) -> None:  # ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._bookmark_queue = []
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._replaying = True
            for key, kwargs in self._bookmark_queue:
                super().bookmarkPage(key, **kwargs)
            self._draw_furniture(total)
            super().showPage()
        self._finish(total)
        super().save()

    def _draw_furniture(self, total: int) -> None:
        raise NotImplementedError

    def _finish(self, total: int) -> None:
        """After the last page, before the file is written."""


class RecordCanvas(PagedCanvas):
    def _finish(self, total: int) -> None:
        f = self._furniture
        spec = _embed_file(self, f.attachment, f.attachment_description, f.modified)
        record_pdfa.make_archival(self._doc, created=f.created, modified=f.modified, language=f.language,
                                  attachment_spec=spec)
        # A reader shows the record's title (not its file name) and opens the outline beside the pages.
        self.setViewerPreference("DisplayDocTitle", "true")
        self.showOutline()

    def _draw_furniture(self, total: int) -> None:
        f = self._furniture
        width, height = self._pagesize
        inner = width - 2 * MARGIN_X
        self.saveState()
        if f.watermark:
            self._draw_watermark(f.watermark, width, height)
        if f.marking:  # centred, top and bottom, as a protective marking is printed on official papers
            for y in (height - MARKING_TOP, MARKING_BOTTOM):
                mark = para(f.marking, "marking")
                _, h = mark.wrap(inner, 12 * mm)
                mark.drawOn(self, MARGIN_X, y - h + 8)
        left = para(f.header_left, "header")
        right = para(f.status, "header_right")
        _, hr = right.wrap(inner * 0.45, 30 * mm)
        right.drawOn(self, MARGIN_X + inner * 0.55, height - HEADER_Y - hr + 9)
        _, hl = left.wrap(inner * 0.53, 30 * mm)
        left.drawOn(self, MARGIN_X, height - HEADER_Y - hl + 9)
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN_X, height - HEADER_Y - max(hl, hr) + 6, width - MARGIN_X, height - HEADER_Y - max(hl, hr) + 6)
        self.line(MARGIN_X, FOOTER_Y + 9, width - MARGIN_X, FOOTER_Y + 9)
        foot = para(f.footer_left, "header")
        foot.wrap(inner * 0.75, 20 * mm)
        foot.drawOn(self, MARGIN_X, FOOTER_Y)
        page = para(f.page_label.format(page=self._pageNumber, pages=total), "header_right")
        page.wrap(inner * 0.25, 20 * mm)
        page.drawOn(self, MARGIN_X + inner * 0.75, FOOTER_Y)
        self.restoreState()

    def _draw_watermark(self, text: str, width: float, height: float) -> None:
        font = font_for_string(text, "bold")
        size = min(110.0, 1.3 * width / max(len(text), 1))
        self.saveState()
        # Dark enough to show on a greyscale printout (about 20% grey), light enough to read the text through.
        self.setFillColor(colors.HexColor(WATERMARK_COLOUR))
        self.setFillAlpha(WATERMARK_ALPHA)
        self.translate(width / 2, height / 2)
        self.rotate(50)
        self.setFont(font, size)
        self.drawCentredString(0, -size / 3, text)
        self.restoreState()


def _embed_file(canv: canvas.Canvas, data: bytes, description: str, modified: datetime) -> Any:
    """Attach ``data`` as the document-level embedded file assessment.json (PDF 1.7 EmbeddedFiles); return
    the reference to its file specification (PDF/A-3 lists it in the catalogue's /AF)."""
    doc = canv._doc
    stream = PDFStream(PDFDictionary({
        "Type": PDFName("EmbeddedFile"),
        "Subtype": "/application#2Fjson",  # "/" inside a name must be written #2F
        "Params": PDFDictionary({"Size": len(data), "ModDate": PDFDate(ts=record_pdfa.timestamp(modified))}),
    }), content=data, filters=[PDFZCompress])
    spec = PDFDictionary({
        "Type": PDFName("Filespec"),
        "F": PDFString(ATTACHMENT_NAME),
        "UF": PDFString(ATTACHMENT_NAME),
        "Desc": PDFString(description),
        "AFRelationship": PDFName("Source"),
        "EF": PDFDictionary({"F": doc.Reference(stream)}),
    })
    spec_ref = doc.Reference(spec)
    doc.Catalog.Names = PDFDictionary({
        "EmbeddedFiles": PDFDictionary({"Names": PDFArray([PDFString(ATTACHMENT_NAME), spec_ref])}),
    })
    return spec_ref
