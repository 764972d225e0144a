"""Short labels broken into a few lines that fit a box: the flowchart's step titles, on screen (SVG) and in the
record (ReportLab). Each caller measures text its own way; the breaking is the same."""

from __future__ import annotations

from collections.abc import Callable


def wrap(text: str, width: float, measure: Callable[[str], float], max_lines: int) -> list[str]:
    """``text`` in at most ``max_lines`` lines no wider than ``width``, by words (by characters for text
    without spaces, such as Chinese); what does not fit ends the last line with "…"."""
    spaced = " " in text
    words = text.split(" ") if spaced else list(text)
    joiner = " " if spaced else ""
    lines: list[str] = []
    cur = ""
    for w in words:
        trial = f"{cur}{joiner}{w}" if cur else w
        if measure(trial) <= width or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], joiner.join(lines[max_lines - 1:])]
    if lines and measure(lines[-1]) > width:
        last = lines[-1]
        while len(last) > 1 and measure(last + "…") > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines
