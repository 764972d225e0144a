"""A model path (``case.items.0.category``) and its values in the words the screens use.

The audit log, the conflict box and the download names speak to officers: a field is named as its screen names
it ("Case › Items › Item 1 › ATT category"), a value as the option the officer picked ("Authorise with
conditions", not ``authorise_with_conditions``). Paths stay available to experts, never in front.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from wizard.guidance_schema import Guidance, Option, Question, Screen
from wizard.model import INSUFFICIENT
from wizard.tables import form_label

SEP = " › "


def _screen_of_kind(g: Guidance, kind: str) -> Screen | None:
    return next((s for s in g.screens if s.kind == kind), None)


def _title(screen: Screen) -> str:
    return screen.short_title or screen.title


def _question(screen: Screen, qid: str) -> Question | None:
    return next((q for q in screen.questions if q.id == qid), None)


def _index(part: str) -> int | None:
    return int(part) + 1 if part.isdigit() else None


def _parts(g: Guidance, path: str) -> list[str] | None:
    """The screen's words for ``path``, outermost first; None for a path this module does not know."""
    p = path.split(".")
    head = p[0]
    if head in ("case", "officer", "training"):
        screen = _screen_of_kind(g, "case")
        if screen is None:
            return None
        if head != "case":
            return [_title(screen), screen.field(head).label]
        if len(p) < 2:
            return [_title(screen)]
        if p[1] != "items":
            return [_title(screen), screen.field(p[1]).label]
        out = [_title(screen), screen.field("items").label]
        if len(p) > 2 and _index(p[2]):
            out.append(g.t("item_n", n=_index(p[2])))
        if len(p) > 3:
            out.append(screen.field(f"item_{p[3]}").label)
        return out
    if head == "article6":
        screen = _screen_of_kind(g, "article6")
        if screen is None:
            return None
        out = [_title(screen)] + ([screen.field(p[1]).label] if len(p) > 1 else [])
        if len(p) > 2 and p[2] == "reasons":
            out.append(screen.field("reasons").label)
        return out
    if head == "answers" and len(p) >= 3:
        try:
            screen = g.screen(p[1])
        except KeyError:
            return None
        q = _question(screen, p[2])
        out = [_title(screen), q.label if q else p[2]]
        if len(p) > 3:
            extra = {"reasons": g.t("reasons"), "evidence": g.t("evidence_cited"),
                     "insufficient": g.t("insufficient_information")}
            if p[3] in extra:
                out.append(extra[p[3]])
        if len(p) > 4 and q is not None and p[3] == "value":
            out.append(g.t("row_n", n=_index(p[4])) if _index(p[4]) else form_label(g, p[4]))
            if len(p) > 5:
                col = next((c for c in q.columns if c.id == p[5]), None)
                out.append(col.label if col else p[5])
        return out
    if head in ("evidence", "gaps", "consultations"):
        screen = _screen_of_kind(g, "evidence")
        if screen is None:
            return None
        heading = {"evidence": "sources", "gaps": "gaps", "consultations": "consultations"}[head]
        out = [_title(screen), screen.field(heading).label]
        if len(p) > 1 and _index(p[1]):
            n = _index(p[1])
            out.append({"evidence": g.t("row_n", n=n), "gaps": g.t("gap_n", n=n),
                        "consultations": g.t("consultation_n", n=n)}[head])
        if len(p) > 2:
            name = "gap_description" if head == "gaps" and p[2] == "description" else p[2]
            out.append(screen.field(name).label)
        return out
    if head in ("determination", "signoff"):
        screen = _screen_of_kind(g, "determination")
        if screen is None:
            return None
        return [_title(screen)] + ([screen.field(p[1]).label] if len(p) > 1 else [])
    return None


def where(g: Guidance, path: str | None) -> str:
    """E.g. "Case › Items › Item 1 › ATT category"; an unknown path is shown as it is."""
    if not path:
        return ""
    parts = _parts(g, path)
    return SEP.join(parts) if parts else path


def _choices(g: Guidance, path: str) -> dict[str, str]:
    """The option labels a value at ``path`` is chosen from (empty when it is typed)."""
    p = path.split(".")
    yes_no = {"yes": g.t("yes"), "no": g.t("no")}
    cats = g.catalogues
    if p[0] == "article6":
        return cats.knowledge_readings if p[-1] == "p3_reading" else yes_no
    if p[0] == "determination":
        return {"outcome": cats.outcomes}.get(p[-1], yes_no if p[-1] in ("overriding_risk", "gbv_ground") else {})
    if p[0] == "case" and p[-1] == "category":
        return cats.item_categories
    if p[0] == "evidence" and len(p) > 2:
        return {"type": cats.source_types, "reliability": cats.reliabilities}.get(p[2], {})
    if p[0] == "consultations" and len(p) > 2 and p[2] == "kind":
        return cats.consultation_kinds
    if p[0] == "answers" and len(p) >= 4:
        try:
            q = g.screen(p[1]).question(p[2])
        except KeyError:
            return {}
        if p[3] == "choice" or (p[3] == "value" and len(p) == 4):
            return _labels(g, q.options, None)
        if p[3] == "value" and len(p) > 5:
            col = next((c for c in q.columns if c.id == p[5]), None)
            return _labels(g, col.options, col.options_from) if col else {}
    return {}


def _labels(g: Guidance, options: tuple[Option, ...], options_from: str | None) -> dict[str, str]:
    if options_from == "gbv_forms":
        return {f.id: f.label for f in g.catalogues.gbv_forms}
    return {o.id: o.label for o in options}


def value(g: Guidance, path: str | None, v: Any) -> str:
    """A stored value as the screen shows it: option labels, Yes/No, "—" for nothing."""
    if v is None or v == "" or v == [] or v == {}:
        return g.t("none_option")
    if v == INSUFFICIENT:
        return g.t("insufficient_information")
    if isinstance(v, bool):
        return g.t("yes") if v else g.t("no")
    choices = _choices(g, path or "")
    if isinstance(v, list):
        return g.t("comma_separator").join(value(g, path, x) if not isinstance(x, str) else choices.get(x, x)
                                           for x in v)
    if isinstance(v, dict):  # a row or an item added or removed: its filled fields, as the screen names them
        shown = []
        for k, x in v.items():
            if k == "row" or x in (None, "", [], {}):
                continue
            sub = f"{path}.{k}" if path else k
            name = (_parts(g, sub) or [k])[-1]
            shown.append(g.t("label_value", label=name, value=value(g, sub, x)))
        return g.t("list_separator").join(shown) or g.t("none_option")
    if isinstance(v, str):
        return choices.get(v, v)
    return str(v)


# --- download names -----------------------------------------------------------------------------------------------


def file_safe(text: str, limit: int = 60) -> str:
    """``text`` as part of a file name on any system: letters, digits, dot, dash and underscore only."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-._")
    return safe[:limit].rstrip("-._")


def record_file_name(g: Guidance, reference: str, fallback: str, revision: int, status: str,
                     when: datetime | None) -> str:
    """E.g. ``EXP-2026-0417-rev1-draft-20261130T151203Z.pdf``: two saved states never share a name."""
    stamp = (when or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return g.t("record_file_name", ref=file_safe(reference) or file_safe(fallback) or "record", n=revision,
               status=status, time=stamp)


_FIELD_PATH = re.compile(
    r"\b(?:answers|case|article6|determination|evidence|gaps|consultations|signoff)(?:\.[\w-]+)+(?=:)")


def in_words(g: Guidance, message: str) -> str:
    """A message with each field path ("answers.mitigation.measures: ...") named as the screens name it."""
    return _FIELD_PATH.sub(lambda m: where(g, m.group(0)), message)
