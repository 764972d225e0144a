"""Parity between the languages of the guidance: every language says everything English says, in the same
shape (issue 11).

For each language folder beside ``en/``, file by file: the same files; the same keys, nested the same way;
lists of the same length; no empty value where English has text; the same ``{placeholders}`` in each string;
and identical ids (an ``id`` is what saved answers and the code refer to, never translated); and a version of the
translation's own that names the English release it translates (``2026.12-fr.1`` for ``2026.12-en.2``). Each problem
names the language, the file, the line and the key. ``check-guidance`` runs it; so do the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from wizard.guidance import GUIDANCE_ROOT, _Located, _parse

REFERENCE = "en"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
NOT_TRANSLATED_KEYS = frozenset({"id", "rows_where", "options_from", "rows_from", "type", "flowchart_step",
                                 "required", "ask_reasons", "ask_evidence", "order", "cross_cutting",
                                 "references", "see_also", "url", "year", "kind"})
"""Keys whose values are ids, types, numbers or addresses: the same in every language."""


def languages(root: Path | None = None) -> list[str]:
    """The languages with guidance, English first."""
    root = root or GUIDANCE_ROOT
    found = sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "meta.yaml").is_file())
    return sorted(found, key=lambda lang: (lang != REFERENCE, lang))


def _files(base: Path) -> list[Path]:
    return sorted(p.relative_to(base) for p in base.rglob("*.yaml"))


def _load(path: Path, root: Path) -> tuple[Any, _Located]:
    node, data = _parse(path.read_text(encoding="utf-8"))
    return data, _Located(path.relative_to(root.parent), node)


def problems(root: Path | None = None) -> list[str]:
    """Every parity problem between English and each other language; empty when they agree."""
    root = root or GUIDANCE_ROOT
    out: list[str] = []
    base = root / REFERENCE
    reference_files = _files(base)
    for lang in languages(root)[1:]:
        other = root / lang
        theirs = _files(other)
        for missing in sorted(set(reference_files) - set(theirs)):
            out.append(f"{lang}: guidance/{lang}/{missing}: missing (guidance/{REFERENCE}/{missing} has it)")
        for extra in sorted(set(theirs) - set(reference_files)):
            out.append(f"{lang}: guidance/{lang}/{extra}: no such file in guidance/{REFERENCE}")
        for rel in sorted(set(reference_files) & set(theirs)):
            try:
                ours, _ = _load(base / rel, root)
                data, where = _load(other / rel, root)
            except Exception as err:  # unreadable YAML: load_guidance names the line; parity cannot go on
                out.append(f"{lang}: guidance/{lang}/{rel}: cannot be compared ({err})")
                continue
            out += [f"{lang}: {where.path}, line {where.line_of(path)}, key {_key(path)}: {what}"
                    for path, what in _compare(ours, data, ())]
            if (str(rel) == "meta.yaml" and isinstance(ours, dict) and isinstance(data, dict)
                    and (what := _version_problem(str(ours.get("version", "")), str(data.get("version", "")), lang))):
                out.append(f"{lang}: {where.path}, line {where.line_of(('version',))}, key version: {what}")
    return out


def _version_problem(reference: str, theirs: str, lang: str) -> str | None:
    """A translation has versions of its own, tied to the English release it translates: English
    ``2026.12-en.2`` is translated as ``2026.12-<lang>.<n>``."""
    release = reference.rsplit(f"-{REFERENCE}.", 1)[0]
    if re.fullmatch(rf"{re.escape(release)}-{re.escape(lang)}\.\d+", theirs):
        return None
    return (f"{theirs!r} is not a version of this translation of {REFERENCE} {reference!r}: it should read "
            f"'{release}-{lang}.<n>'")


def _key(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path) or "(top)"


def _compare(ours: Any, theirs: Any, path: tuple[Any, ...], verbatim: bool = False,
             is_id: Callable[[tuple[Any, ...]], bool] | None = None) -> Iterator[tuple[tuple[Any, ...], str]]:
    """``verbatim``: inside a list of ids (``order``, ``references``): every element is an id too. ``is_id``:
    instead of the guidance's key names, which values are ids, numbers or settings (a training scenario's)."""
    last = path[-1] if path else None
    # ui.yaml's strings are all text, whatever their names (``flowchart_step`` there is a label).
    verbatim = verbatim or (isinstance(last, str) and last in NOT_TRANSLATED_KEYS and path[0] != "strings")
    if isinstance(ours, dict):
        if not isinstance(theirs, dict):
            yield path, f"should be a mapping, as in {REFERENCE}"
            return
        for k in ours:
            if k not in theirs:
                yield (*path, k), f"missing (present in {REFERENCE})"
        for k in theirs:
            if k not in ours:
                yield (*path, k), f"not in {REFERENCE}"
        for k in ours:
            if k in theirs:
                yield from _compare(ours[k], theirs[k], (*path, k), is_id=is_id)
        return
    if isinstance(ours, list):
        if not isinstance(theirs, list):
            yield path, f"should be a list, as in {REFERENCE}"
            return
        if len(ours) != len(theirs):
            yield path, f"{len(theirs)} entries where {REFERENCE} has {len(ours)}"
        for i, (x, y) in enumerate(zip(ours, theirs, strict=False)):
            yield from _compare(x, y, (*path, i), verbatim and not isinstance(x, dict), is_id)
        return
    if is_id(path) if is_id is not None else verbatim:
        if ours != theirs:
            yield path, f"{theirs!r} where {REFERENCE} has {ours!r}: ids and settings are not translated"
        return
    if isinstance(ours, str):
        if not isinstance(theirs, str) or not theirs.strip():
            if ours.strip():
                yield path, "empty: every text is translated"
            return
        mine, yours = set(_PLACEHOLDER.findall(ours)), set(_PLACEHOLDER.findall(theirs))
        if mine != yours:
            yield path, (f"placeholders {{{', '.join(sorted(yours)) or ''}}} where {REFERENCE} has "
                         f"{{{', '.join(sorted(mine))}}}")
        return
    if ours != theirs:
        yield path, f"{theirs!r} where {REFERENCE} has {ours!r}"
