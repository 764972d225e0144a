"""The flowchart on screen (wizard/ui/flowchart_view.py): the SVG read back as XML, box by box.

What an officer must be able to see: the five steps in the wizard's order, each with both numberings (its
place in the wizard and the flowchart's step number), the two swapped steps marked, an arrow between
neighbours, the current step highlighted and finished steps marked; and typed or translated text never
breaks the drawing (it is XML-escaped) nor makes it fetch anything.
"""

from __future__ import annotations

import base64
import dataclasses
import xml.etree.ElementTree as ET

import pytest

from wizard import flow
from wizard.guidance_schema import Guidance
from wizard.ui import flowchart_view

NS = {"s": "http://www.w3.org/2000/svg"}
WIZARD_ORDER = ["prevalence", "seriousness", "prevention", "mitigation", "overriding_risk"]
FLOWCHART_NUMBER = {"prevalence": 1, "seriousness": 2, "prevention": 3, "mitigation": 5, "overriding_risk": 4}


def _boxes(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    return {g.get("data-step"): g for g in root.iterfind("s:g[@class='step']", NS)}


def _text(box: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in box.iterfind("s:text", NS))


def _rect(box: ET.Element) -> ET.Element:
    rect = box.find("s:rect", NS)
    assert rect is not None
    return rect


@pytest.mark.parametrize("compact", [False, True], ids=["row", "compact"])
def test_the_five_steps_in_wizard_order_with_both_numberings(guidance: Guidance, compact: bool) -> None:
    svg = flowchart_view.svg(guidance, current=None, done=set(), compact=compact)
    boxes = _boxes(svg)
    assert list(boxes) == WIZARD_ORDER == [p.screen.id for p in flow.step_positions(guidance)]
    for k, (sid, box) in enumerate(boxes.items(), start=1):
        s = guidance.screen(sid)
        text = _text(box)
        assert f"{k} of 5" in text, text
        assert f"flowchart step {FLOWCHART_NUMBER[sid]}" in text, text
        assert (s.short_title or s.title) in text, text
    # The swapped pair is marked, in words and in its outline; the others are not.
    for sid, box in boxes.items():
        moved = sid in ("mitigation", "overriding_risk")
        assert ("order swapped" in _text(box)) is moved, sid
        assert (_rect(box).get("stroke-dasharray") is not None) is moved, sid
    # A box follows a box by an arrow (four arrows for five boxes), and rows never overlap.
    root = ET.fromstring(svg)
    assert len(root.findall("s:polygon[@class='arrow']", NS)) == 4
    axis = "y" if compact else "x"
    starts = [float(_rect(b).get(axis)) for b in boxes.values()]
    assert starts == sorted(starts) and len(set(starts)) == 5


@pytest.mark.parametrize("compact", [False, True], ids=["row", "compact"])
def test_current_step_highlighted_and_finished_steps_marked(guidance: Guidance, compact: bool) -> None:
    done = {"prevalence", "seriousness", "mitigation", "case"}  # a screen that is no step is ignored
    boxes = _boxes(flowchart_view.svg(guidance, current="overriding_risk", done=done, compact=compact))
    current = guidance.t("flowchart_view_current_mark" if compact else "flowchart_view_current")
    finished = guidance.t("flowchart_view_done_mark" if compact else "flowchart_view_done")
    for sid, box in boxes.items():
        rect = _rect(box)
        if sid == "overriding_risk":
            assert rect.get("stroke") == flowchart_view.CURRENT_EDGE and rect.get("stroke-width") == "3"
            assert current in _text(box)
        else:
            assert rect.get("stroke") != flowchart_view.CURRENT_EDGE and rect.get("stroke-width") != "3", sid
            assert current not in _text(box), sid
        assert (finished in _text(box)) is (sid in done), sid

    # Nothing current (the guidance page), or a screen that is not a step (the case screen): no highlight.
    for where in (None, "case"):
        plain = _boxes(flowchart_view.svg(guidance, current=where, done=set(), compact=compact))
        assert all(_rect(b).get("stroke") != flowchart_view.CURRENT_EDGE for b in plain.values())
        assert all(current not in _text(b) and finished not in _text(b) for b in plain.values())


def test_the_diagram_in_words(guidance: Guidance) -> None:
    """The image's alternative text (and the SVG's title): the same order, numbers and marks, for a reader
    that cannot see the picture."""
    words = flowchart_view.alt(guidance, current="mitigation", done={"prevalence"})
    places = [words.index(f"{k} of 5") for k in range(1, 6)]
    assert places == sorted(places)
    assert "4 of 5, Mitigation, flowchart step 5 (⇄ order swapped) (▶ you are here)" in words
    assert "1 of 5, Prevalence, flowchart step 1 (✓ done)" in words
    assert "5 of 5, Overriding risk, flowchart step 4 (⇄ order swapped)." in words
    root = ET.fromstring(flowchart_view.svg(guidance, current="mitigation", done={"prevalence"}))
    assert root.findtext("s:title", namespaces=NS) == words == root.get("aria-label")


HOSTILE = 'Risk <b>&amp; "x" </svg><script>alert(1)</script> & 中文'


@pytest.mark.parametrize("compact", [False, True], ids=["row", "compact"])
def test_titles_are_escaped_and_nothing_is_fetched(guidance: Guidance, compact: bool) -> None:
    screens = tuple(s.model_copy(update={"short_title": HOSTILE}) if s.id == "mitigation" else s
                    for s in guidance.screens)
    ui = {**guidance.ui, "flowchart_view_place": "<{index}> & {total}"}
    g = dataclasses.replace(guidance, screens=screens, ui=ui)
    svg = flowchart_view.svg(g, current="mitigation", done={"prevalence"}, compact=compact)

    root = ET.fromstring(svg)  # still well-formed: the title did not close the document or open elements
    assert root.find(".//s:script", NS) is None and root.find(".//s:b", NS) is None
    assert "<script" not in svg and "<b>" not in svg
    box = _boxes(svg)["mitigation"]
    text = _text(box)
    assert "<4> & 5" in text
    assert "Risk <b>&amp;" in text  # shown as typed (a long title is cut with "…", never broken)
    assert HOSTILE in (root.get("aria-label") or "")
    # Self-contained: no link, no external image, font or style sheet (the namespace is a name, not a fetch).
    assert svg.count("http") == 1 and 'xmlns="http://www.w3.org/2000/svg"' in svg
    for needle in ("href", "url(", "@import", "<image", "<foreignObject", "<style"):
        assert needle not in svg


def test_shown_as_an_image_with_a_caption() -> None:
    """On a page: one image (a data: URI, no HTML), the alternative text, and the caption on the order."""
    from streamlit.testing.v1 import AppTest

    def page() -> None:
        from wizard.guidance import load_guidance
        from wizard.ui import flowchart_view

        flowchart_view.show(load_guidance("en"), current="prevention", done={"prevalence"}, compact=True)

    at = AppTest.from_function(page, default_timeout=10).run()
    assert not at.exception
    images = at.get("image")
    assert len(images) == 1
    image = images[0].proto.imgs[0]
    assert image.url.startswith("data:image/svg+xml;base64,"), image.url[:40]
    svg = base64.b64decode(image.url.split(",", 1)[1]).decode("utf-8")
    assert list(_boxes(svg)) == WIZARD_ORDER
    assert image.alt.startswith("Diagram of the five steps") and "3 of 5, Prevention" in image.alt
    captions = [c.value for c in at.caption]
    assert any("mitigation (flowchart step 5) comes before overriding risk (flowchart step 4)" in c
               for c in captions), captions
