"""Guidance versions: the changelog, a snapshot of each version's text, and what changed since an assessment.

Every assessment is stamped with the guidance version it was made under. So that an officer (or a reviewer
years later) can see what the guidance said then, each released version's text is kept as a snapshot,
``guidance/versions/<version>.json``: for each screen (and the glossary, catalogues, advice and references) a
map from an item's address (``purpose``, ``indicators.3``, ``questions.measures.label``) to its text. A snapshot
is read from the YAML files as they are, without the schema, so that a snapshot of any version can be compared
with any other. ``python -m wizard.guidance_versions`` writes the current version's snapshot; a test fails while
it is missing or out of date, and ``check-guidance`` fails while the changelog has no entry for the version.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from wizard.guidance import GUIDANCE_ROOT
from wizard.guidance_schema import Guidance

CHANGELOG_NAME = "CHANGELOG.md"
SNAPSHOTS = "versions"
# Keys that hold ids, switches or references rather than text a reader sees.
NOT_TEXT = {"id", "kind", "type", "required", "rows_from", "rows_where", "ask_reasons", "ask_evidence",
            "flowchart_step", "cross_cutting", "see_also", "references", "options_from", "language", "order",
            "year"}

Sections = dict[str, dict[str, str]]


def version_of(stamp: str) -> str:
    """The declared version in a stamp such as ``2026.11-en.1 (b6acd87cee7a)``."""
    return stamp.split(" (", 1)[0].strip()


# --- snapshots -----------------------------------------------------------------------------------------------


def _flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """Address -> text for every string below ``data``; list elements with an id are addressed by it."""
    out: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if key in NOT_TEXT:
                continue
            out.update(_flatten(value, f"{prefix}{key}."))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            name = value.get("id") if isinstance(value, dict) and isinstance(value.get("id"), str) else str(i + 1)
            out.update(_flatten(value, f"{prefix}{name}."))
    elif isinstance(data, str) and data.strip():
        out[prefix.rstrip(".")] = data.strip()
    return out


def read_sections(language_dir: Path) -> Sections:
    """The text of one language folder, section by section: ``screen:<id>``, glossary, catalogues, meta, references."""
    sections: Sections = {}
    for path in sorted(language_dir.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if path.parent.name == "screens":
            sections[f"screen:{data.get('id', path.stem)}"] = _flatten(data)
        elif path.stem != "ui":  # interface strings are not guidance
            sections[path.stem] = _flatten(data)
    return sections


def snapshot(guidance: Guidance, root: Path = GUIDANCE_ROOT) -> dict[str, Any]:
    return {"version": guidance.version, "language": guidance.language,
            "sections": read_sections(root / guidance.language)}


def snapshot_path(version: str, root: Path = GUIDANCE_ROOT) -> Path:
    return root / SNAPSHOTS / f"{version}.json"


def rendered(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def load_snapshot(version: str, root: Path = GUIDANCE_ROOT) -> dict[str, Any] | None:
    if not re.fullmatch(r"[\w.-]+", version):  # a stamp from an imported file is not a path
        return None
    path = snapshot_path(version, root)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


# Every step of an assessment made under older guidance asks what changed, on every rerun: the released
# versions' text (never rewritten) and the current text (fixed by its digest) are read from disk once.
_SNAPSHOTS: dict[tuple[str, Path], dict[str, Any] | None] = {}
_CURRENT: dict[tuple[Path, str, str], Sections] = {}


def _released(version: str, root: Path) -> dict[str, Any] | None:
    key = (version, root)
    if key not in _SNAPSHOTS:
        _SNAPSHOTS[key] = load_snapshot(version, root)
    return _SNAPSHOTS[key]


def _current(guidance: Guidance, root: Path) -> Sections:
    key = (root, guidance.language, guidance.digest)
    if key not in _CURRENT:
        _CURRENT[key] = read_sections(root / guidance.language)
    return _CURRENT[key]


# --- what changed --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextChange:
    address: str  # e.g. "indicators.3" or "questions.measures.label"
    old: str | None  # None: added since
    new: str | None  # None: removed since

    @property
    def kind(self) -> Literal["added", "removed", "changed"]:
        return "added" if self.old is None else "removed" if self.new is None else "changed"

    def words(self) -> list[tuple[Literal["same", "removed", "added"], str]]:
        """The difference word by word, for showing deletions and insertions inline."""
        old, new = (self.old or "").split(" "), (self.new or "").split(" ")
        out: list[tuple[Literal["same", "removed", "added"], str]] = []
        for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
            if op == "equal":
                out.append(("same", " ".join(old[a1:a2])))
                continue
            if a2 > a1:
                out.append(("removed", " ".join(old[a1:a2])))
            if b2 > b1:
                out.append(("added", " ".join(new[b1:b2])))
        return out


def diff_sections(old: dict[str, str], new: dict[str, str]) -> list[TextChange]:
    """Changed, added and removed items, in the order of the newer text (removed ones where they stood)."""
    changes = [TextChange(k, old.get(k), v) for k, v in new.items() if old.get(k) != v]
    changes += [TextChange(k, v, None) for k, v in old.items() if k not in new]
    return changes


@dataclass(frozen=True)
class SinceAssessment:
    """What changed in one section's guidance between an assessment's version and the current one."""

    then: str  # the assessment's version
    now: str
    on_record: bool  # False: the older version's text is not kept, so no difference can be shown
    changes: tuple[TextChange, ...] = ()


def language_of(version: str) -> str | None:
    """The language a version belongs to: ``2026.12-fr.1`` -> ``fr`` (None for a version of another form)."""
    found = re.search(r"-([a-z]{2})\.\d+$", version)
    return found.group(1) if found else None


def same_language(stamp: str, guidance: Guidance, root: Path = GUIDANCE_ROOT) -> Guidance:
    """What an assessment's stamp is compared with: the current guidance in the language it was made in.

    Each language has versions of its own (``2026.12-en.2``, ``2026.12-fr.1``): an assessment made in English
    and opened in French has not met "changed guidance", only another language, unless its English changed.
    """
    lang = language_of(version_of(stamp))
    if not lang or lang == guidance.language:
        return guidance
    from wizard.guidance import cached_guidance, load_guidance
    from wizard.guidance_schema import GuidanceError

    try:
        return cached_guidance(lang) if root == GUIDANCE_ROOT else load_guidance(lang, root)
    except GuidanceError:  # that language's guidance is gone or broken: compare with what is shown
        return guidance


def is_current(stamp: str, guidance: Guidance, root: Path = GUIDANCE_ROOT) -> bool:
    """Whether an assessment was made under the current guidance (of its own language); True without a stamp."""
    then = version_of(stamp)
    return not then or then == same_language(stamp, guidance, root).version


def changes_since(stamp: str, guidance: Guidance, section: str, root: Path = GUIDANCE_ROOT) -> SinceAssessment | None:
    """None when the assessment was made under the current version of its language (or has no stamp). The
    changes are those of the assessment's language, whatever language the screen is shown in."""
    then = version_of(stamp)
    guidance = same_language(stamp, guidance, root)
    if not then or then == guidance.version:
        return None
    old = _released(then, root)
    if old is None:
        return SinceAssessment(then, guidance.version, on_record=False)
    current = _current(guidance, root)
    return SinceAssessment(then, guidance.version, True,
                           tuple(diff_sections(old["sections"].get(section, {}), current.get(section, {}))))


# --- the changelog -------------------------------------------------------------------------------------------


def changelog_versions(root: Path = GUIDANCE_ROOT) -> list[str]:
    """The versions with an entry (a heading ``## <version>``) in guidance/CHANGELOG.md, newest first."""
    path = root / CHANGELOG_NAME
    if not path.is_file():
        return []
    return re.findall(r"^## +([\w.-]+)", path.read_text(encoding="utf-8"), flags=re.M)


def release_problems(guidance: Guidance, root: Path = GUIDANCE_ROOT) -> list[str]:
    """What a release of this version still lacks: its changelog entry and its snapshot."""
    problems = []
    changelog = root / CHANGELOG_NAME
    if guidance.version not in changelog_versions(root):
        problems.append(f"{changelog.relative_to(root.parent)}: no entry for version {guidance.version} "
                        f"(add a heading '## {guidance.version}' saying what changed)")
    path = snapshot_path(guidance.version, root)
    if not path.is_file() or path.read_text(encoding="utf-8") != rendered(snapshot(guidance, root)):
        problems.append(f"{path.relative_to(root.parent)}: missing or out of date for version {guidance.version} "
                        "(text changed without a new version? write it with python -m wizard.guidance_versions)")
    return problems


if __name__ == "__main__":
    from wizard.guidance import load_guidance

    g = load_guidance(sys.argv[1] if len(sys.argv) > 1 else "en")
    target = snapshot_path(g.version)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(rendered(snapshot(g)), encoding="utf-8")
    print(f"wrote {target.relative_to(GUIDANCE_ROOT.parent)}")
