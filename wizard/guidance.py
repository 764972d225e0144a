"""Load and validate the guidance text (``guidance/<lang>/``) into typed objects.

Every question, option, help text and source hint lives in YAML that policy staff edit. The files are read
with ``yaml.safe_load`` semantics and validated with pydantic; any error names the file, the line and the key,
so that a reviewer who broke a file can mend it without reading Python.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from wizard import contract, flow
from wizard.guidance_schema import (
    Catalogues,
    GlossaryFile,
    Guidance,
    GuidanceError,
    Meta,
    ReferencesFile,
    Screen,
    UiFile,
)

GUIDANCE_ROOT = Path(__file__).resolve().parent.parent / "guidance"

# ---------------------------------------------------------------------------------------------------------
# Reading YAML with positions, so that validation errors can point at a line.


class _Located:
    def __init__(self, path: Path, node: yaml.Node | None):
        self.path = path
        self.node = node

    def line_of(self, loc: tuple[Any, ...]) -> int:
        """The 1-based line of the deepest node on ``loc`` that exists in the file."""
        node = self.node
        line = node.start_mark.line + 1 if node is not None else 1
        for key in loc:
            if isinstance(node, yaml.MappingNode):
                nxt = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
                if nxt is None:
                    break
                line = next(k for k, v in node.value if v is nxt).start_mark.line + 1
                node = nxt
                if not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
                    line = node.start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                break
        return line


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _parse(text: str) -> tuple[Any, Any]:
    """The node tree (for line numbers) and the data, from one parse: libyaml's when PyYAML has it (about ten
    times faster); a file it refuses is parsed again in Python, whose messages the errors below are made for."""
    if _FAST_LOADER is not None:
        loader = _FAST_LOADER(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                return node, loader.construct_document(node)
        except yaml.YAMLError:
            pass
        finally:
            loader.dispose()
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _read_yaml(path: Path, root: Path) -> tuple[Any, _Located]:
    rel = path.relative_to(root.parent) if root.parent in path.parents else path
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise GuidanceError([f"{rel}: cannot be read: {err}"]) from None
    try:
        node, data = _parse(text)
    except yaml.MarkedYAMLError as err:
        # For an unclosed quote or bracket the problem is found at the end of the file; the line where the
        # construct opens is the one a reviewer needs.
        scanning = (err.context or "").startswith("while scanning")
        mark = (err.context_mark if scanning else None) or err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        detail = f"{err.problem}" + (f" ({err.context} at line {err.context_mark.line + 1})"
                                     if err.context and err.context_mark else "")
        if not scanning and (opened := _runaway_quote(text)) is not None:
            # Inside a block mapping an unclosed quote runs on until the next quote, and the parser only
            # fails further down; the reviewer needs the line where the quote opens.
            line, detail = opened, f"a quoted text opened on this line is not closed (the parser then found: {detail})"
        raise GuidanceError([f"{rel}, line {line}: not valid YAML: {detail}"]) from None
    except yaml.YAMLError as err:
        raise GuidanceError([f"{rel}: not valid YAML: {err}"]) from None
    problems = list(_key_problems(node, rel))
    if problems:
        raise GuidanceError(problems)
    return data, _Located(rel, node)


_STR_TAG = "tag:yaml.org,2002:str"
_LOOKS_LIKE_KEY = re.compile(r"^\s*(- )?[A-Za-z_][\w-]*:(\s|$)")


def _runaway_quote(text: str) -> int | None:
    """The 1-based line of the first quoted scalar that swallowed lines looking like keys, if any."""
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if not isinstance(token, yaml.ScalarToken) or token.style not in ('"', "'"):
                continue
            if token.start_mark.line == token.end_mark.line:
                continue
            swallowed = text[token.start_mark.index:token.end_mark.index].splitlines()[1:]
            if any(_LOOKS_LIKE_KEY.match(line) for line in swallowed):
                return token.start_mark.line + 1
    except yaml.YAMLError:
        pass
    return None


def _key_problems(node: yaml.Node | None, rel: Path, path: str = "") -> Iterator[str]:
    """Keys that YAML would silently misread: repeated keys (the last wins) and unquoted yes/no/on/off/numbers."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
            line = key.start_mark.line + 1
            where = f"{path}.{name}" if path else name
            if key.tag != _STR_TAG:
                yield (f"{rel}, line {line}, key {where}: the key {name!r} is not read as text "
                       f"(YAML takes it as {key.tag.rsplit(':', 1)[-1]}); put it in quotes")
            if name in seen:
                yield (f"{rel}, line {line}, key {where}: the key appears twice in the same mapping "
                       f"(first at line {seen[name]}); the first text would be lost")
            seen.setdefault(name, line)
            yield from _key_problems(value, rel, where)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _key_problems(item, rel, f"{path}.{i}" if path else str(i))


def _validate(model: type[BaseModel], data: Any, where: _Located) -> Any:
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as err:
        problems = []
        for e in err.errors():
            loc = tuple(e["loc"])
            key = ".".join(str(p) for p in loc) or "(top level)"
            msg = "unknown key" if e["type"] == "extra_forbidden" else e["msg"]
            problems.append(f"{where.path}, line {where.line_of(loc)}, key {key}: {msg}")
        raise GuidanceError(problems) from None


_GUIDANCE_JSON = TypeAdapter(Guidance)


def _digest(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


_disk_cache: Path | None = None


def use_disk_cache(folder: Path | None) -> None:
    """Keep each parsed guidance in ``folder`` by its content digest (the command line: one process per
    command would otherwise parse and check every file each time). The files are safe to delete."""
    global _disk_cache
    _disk_cache = folder


def _guidance_files(base: Path) -> list[Path]:
    names = ("meta.yaml", "catalogues.yaml", "glossary.yaml", "ui.yaml", "references.yaml")
    return [*(base / n for n in names), *sorted((base / "screens").glob("*.yaml"))]


def _from_disk_cache(language: str, root: Path) -> tuple[Guidance | None, Path | None]:
    """The guidance cached for these exact files, if any; else None and where to keep it once parsed."""
    if _disk_cache is None:
        return None, None
    try:
        digest = _digest(_guidance_files(root / language))
    except OSError:
        return None, None  # a missing file: the full load says which
    path = _disk_cache / f"guidance-{language}-{digest[:32]}-{_code_version()}.json"
    try:
        cached = _GUIDANCE_JSON.validate_json(path.read_bytes())
    except (OSError, ValueError):  # not there yet, or damaged: parsed again and written anew
        return None, path
    return (cached if cached.digest == digest else None), path


@cache
def _code_version() -> str:
    """What the checks of a guidance depend on besides its files: this loader, the schema and the contract
    (and what the contract reads). A cache entry made by other code is never used: a newer check might refuse
    what an older one let through."""
    here = Path(__file__).parent
    h = hashlib.sha256()
    for name in ("guidance.py", "guidance_schema.py", "contract.py", "rules.py", "completeness.py", "flow.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:12]


def _to_disk_cache(path: Path, guidance: Guidance) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_bytes(_GUIDANCE_JSON.dump_json(guidance))
        os.replace(tmp, path)  # never half a file under the real name
    except OSError:
        pass  # a read-only folder only costs the next command a parse


def load_guidance(language: str = "en", root: Path | None = None) -> Guidance:
    """Read, validate and cross-check one language's guidance; raises GuidanceError listing every problem."""
    root = root or GUIDANCE_ROOT
    cached, keep_at = _from_disk_cache(language, root)
    if cached is not None:
        return cached
    guidance = _load_guidance(language, root)
    if keep_at is not None:
        _to_disk_cache(keep_at, guidance)
    return guidance


def _load_guidance(language: str, root: Path) -> Guidance:
    base = root / language
    if not base.is_dir():
        raise GuidanceError([f"{base}: no guidance folder for language {language!r}"])
    problems: list[str] = []

    def load(model: type[BaseModel], path: Path) -> Any:
        try:
            data, where = _read_yaml(path, root)
            return _validate(model, data, where), where
        except GuidanceError as err:
            problems.extend(err.problems)
            return None, None

    needed = [base / "meta.yaml", base / "catalogues.yaml", base / "glossary.yaml", base / "ui.yaml",
              base / "references.yaml"]
    for p in needed:
        if not p.is_file():
            problems.append(f"{p.relative_to(root.parent)}: missing file")
    if problems:
        raise GuidanceError(problems)

    meta, meta_at = load(Meta, base / "meta.yaml")
    catalogues, catalogues_at = load(Catalogues, base / "catalogues.yaml")
    glossary_doc, glossary_at = load(GlossaryFile, base / "glossary.yaml")
    references_doc, references_at = load(ReferencesFile, base / "references.yaml")
    ui_doc, ui_at = load(UiFile, base / "ui.yaml")
    screen_files = sorted((base / "screens").glob("*.yaml"))
    screens: dict[str, tuple[Screen, _Located]] = {}
    for path in screen_files:
        screen, where = load(Screen, path)
        if screen is None:
            continue
        if screen.id in screens:
            problems.append(f"{where.path}, line {where.line_of(('id',))}, key id: "
                            f"screen id {screen.id!r} is also used in {screens[screen.id][1].path}")
        screens[screen.id] = (screen, where)
    if problems:
        raise GuidanceError(problems)

    # Cross-file checks: the order names real screens, each once; references resolve.
    for i, sid in enumerate(meta.order):
        if sid not in screens:
            problems.append(f"{meta_at.path}, line {meta_at.line_of(('order', i))}, key order.{i}: "
                            f"unknown screen {sid!r} (screens: {', '.join(sorted(screens))})")
    if len(set(meta.order)) != len(meta.order):
        problems.append(f"{meta_at.path}, line {meta_at.line_of(('order',))}, key order: a screen appears twice")
    for sid, (_screen, where) in screens.items():
        if sid not in meta.order:
            problems.append(f"{where.path}, line {where.line_of(('id',))}, key id: screen {sid!r} is not in "
                            "meta.yaml's order")
    advice_ids = {a.id for a in meta.cross_cutting}
    for screen, where in screens.values():
        for i, aid in enumerate(screen.cross_cutting):
            if aid not in advice_ids:
                problems.append(f"{where.path}, line {where.line_of(('cross_cutting', i))}, key "
                                f"cross_cutting.{i}: unknown advice {aid!r}")
        for qi, q in enumerate(screen.questions):
            if q.rows_where and not _rows_where_resolves(q.rows_where, screen.id, screens, meta.order):
                problems.append(f"{where.path}, line {where.line_of(('questions', qi, 'rows_where'))}, key "
                                f"questions.{qi}.rows_where: must name a table column on an earlier screen as "
                                f"SCREEN.QUESTION.COLUMN, got {q.rows_where!r}")
    problems += _catalogue_gaps(catalogues, catalogues_at)
    problems += _reference_gaps(references_doc, references_at, screens, meta, meta_at, catalogues, catalogues_at,
                                glossary_doc, glossary_at)
    if problems:
        raise GuidanceError(problems)

    ordered = tuple(screens[sid][0] for sid in meta.order)
    files = [*needed, *screen_files]
    guidance = Guidance(language=language, version=meta.version, digest=_digest(files), meta=meta,
                        screens=ordered, catalogues=catalogues, glossary=glossary_doc.terms, ui=ui_doc.strings,
                        references=references_doc.references)
    # The ids the code relies on: a renamed or retyped one would silently change what the rules find.
    located = {sid: where for sid, (_s, where) in screens.items()}
    problems = [_locate(b, located, meta_at, ui_at) for b in contract.check(guidance, flow.contract_needs())]
    if problems:
        raise GuidanceError(problems)
    return guidance


def _locate(breach: contract.Breach, screens: dict[str, _Located], meta: _Located, ui: _Located) -> str:
    where = ui if breach.file == "ui" else meta if breach.screen_id is None else screens[breach.screen_id]
    key = ".".join(str(p) for p in breach.loc)
    return f"{where.path}, line {where.line_of(breach.loc)}, key {key}: {breach.message}"


def _catalogue_gaps(catalogues: Catalogues, where: _Located) -> list[str]:
    """Every value the model can hold needs a label, or the UI and the record would show raw ids."""
    from wizard import model

    needed = {"item_categories": model.ITEM_CATEGORIES, "outcomes": model.OUTCOMES,
              "source_types": model.SOURCE_TYPES, "reliabilities": model.RELIABILITIES,
              "consultation_kinds": model.CONSULTATION_KINDS, "legal_bases": model.OUTCOMES,
              "knowledge_readings": model.KNOWLEDGE_READINGS,
              "answers": ("yes", "no", model.INSUFFICIENT, "not_answered")}
    problems = []
    for key, ids in needed.items():
        missing = [i for i in ids if i not in getattr(catalogues, key)]
        if missing:
            problems.append(f"{where.path}, line {where.line_of((key,))}, key {key}: no label for "
                            f"{', '.join(missing)}")
    return problems


def _reference_gaps(refs: ReferencesFile, refs_at: _Located, screens: dict[str, tuple[Screen, _Located]],
                    meta: Meta, meta_at: _Located, catalogues: Catalogues, catalogues_at: _Located,
                    glossary: GlossaryFile, glossary_at: _Located) -> list[str]:
    """Every cited reference id names a work in references.yaml, and each work is listed once."""
    known: dict[str, int] = {}
    problems = []
    for i, r in enumerate(refs.references):
        if r.id in known:
            problems.append(f"{refs_at.path}, line {refs_at.line_of(('references', i, 'id'))}, key "
                            f"references.{i}.id: the id {r.id!r} is also used by reference {known[r.id]}")
        known.setdefault(r.id, i)
    citing: list[tuple[_Located, tuple[str | int, ...], tuple[str, ...]]] = [
        (where, (), screen.references) for screen, where in screens.values()]
    citing += [(meta_at, ("cross_cutting", i), a.references) for i, a in enumerate(meta.cross_cutting)]
    citing += [(catalogues_at, ("gbv_forms", i), f.references) for i, f in enumerate(catalogues.gbv_forms)]
    citing += [(glossary_at, ("terms", i), t.references) for i, t in enumerate(glossary.terms)]
    for where, loc, ids in citing:
        for j, rid in enumerate(ids):
            if rid not in known:
                key = ".".join(str(p) for p in (*loc, "references", j))
                problems.append(f"{where.path}, line {where.line_of((*loc, 'references', j))}, key {key}: "
                                f"unknown reference {rid!r} (references.yaml lists {', '.join(known)})")
    return problems


def _rows_where_resolves(ref: str, screen_id: str, screens: dict[str, tuple[Screen, _Located]],
                         order: tuple[str, ...]) -> bool:
    parts = ref.split(".")
    if len(parts) != 3 or parts[0] not in screens or parts[0] not in order or screen_id not in order:
        return False
    if order.index(parts[0]) >= order.index(screen_id):
        return False
    target = screens[parts[0]][0]
    try:
        question = target.question(parts[1])
    except KeyError:
        return False
    return question.type == "table" and any(c.id == parts[2] for c in question.columns)


@cache
def cached_guidance(language: str = "en") -> Guidance:
    """Guidance parsed once per process; the app calls this on every rerun."""
    return load_guidance(language)
