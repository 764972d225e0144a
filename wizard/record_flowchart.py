"""The flowchart figure: the five steps in the wizard's order, with both numberings.

Drawn from the guidance (screen order, titles and flowchart numbers), so the figure can never disagree with
the order the officer was asked the questions in.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from wizard.flow import step_positions
from wizard.guidance_schema import Guidance
from wizard.record_fonts import SANS, font_for_string
from wizard.record_labels import label
from wizard.text_wrap import wrap

BOX_FILL = colors.HexColor("#EEF1F4")
MOVED_FILL = colors.HexColor("#FFF1D6")  # the two steps whose order differs from their numbers
EDGE = colors.HexColor("#4A5968")
INK = colors.HexColor("#1A1A1A")


def _wrap(text: str, font: str, size: float, width: float, max_lines: int = 3) -> list[str]:
    return wrap(text, width, lambda t: stringWidth(t, font, size), max_lines)


def flowchart(guidance: Guidance, width: float) -> Drawing:
    steps = step_positions(guidance)
    n = max(len(steps), 1)
    gap = 14.0
    box_w = (width - gap * (n - 1)) / n
    box_h = 62.0
    height = box_h + 4
    d = Drawing(width, height)
    d.initialFontName = SANS  # else the renderer selects Helvetica, which is not embedded
    for i, pos in enumerate(steps):
        x = i * (box_w + gap)
        moved = pos.flowchart_step != pos.index
        d.add(Rect(x, 2, box_w, box_h, rx=4, ry=4, fillColor=MOVED_FILL if moved else BOX_FILL,
                   strokeColor=EDGE, strokeWidth=0.8 if not moved else 1.4))
        head = label(guidance, "flowchart_box", index=pos.index, total=pos.total)
        hf = font_for_string(head, "bold")
        d.add(String(x + box_w / 2, box_h - 10, head, fontName=hf, fontSize=8.5, textAnchor="middle",
                     fillColor=INK))
        title = pos.screen.short_title or pos.screen.title
        tf = font_for_string(title)
        for j, line in enumerate(_wrap(title, tf, 8, box_w - 6)):
            d.add(String(x + box_w / 2, box_h - 24 - 10 * j, line, fontName=tf, fontSize=8,
                         textAnchor="middle", fillColor=INK))
        num = label(guidance, "flowchart_number", n=pos.flowchart_step)
        if moved:  # in words as well as in colour: a greyscale copy shows which two steps swapped places
            num = f"{label(guidance, 'flowchart_moved_mark')} {num}"
        nf = font_for_string(num, "bold" if moved else "regular")
        d.add(String(x + box_w / 2, 8, num, fontName=nf, fontSize=7.5, textAnchor="middle",
                     fillColor=colors.HexColor("#8A4B00") if moved else EDGE))
        if i < n - 1:
            y = 2 + box_h / 2
            x0, x1 = x + box_w + 1.5, x + box_w + gap - 1.5
            d.add(Line(x0, y, x1 - 4, y, strokeColor=EDGE, strokeWidth=1))
            d.add(Polygon([x1 - 5, y + 3, x1, y, x1 - 5, y - 3], fillColor=EDGE, strokeColor=EDGE,
                          strokeWidth=0.5))
    return d
