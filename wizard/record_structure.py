"""A PDF's content as a comparable tree, and the differences between two of them.

A record verifies when it is the file a fresh render gives, or says exactly what that file says. Comparing
text and drawing catches an edited page, but not what a reader does beyond the page: a changed title or
author, a script in the name tree, an action when a page opens, an outline, page labels, a rotation or a crop
box that hides part of the cover. So the whole document is read as a tree from its catalogue (/Root) and its
document information (/Info): dictionaries by key, arrays in order, streams by their decoded bytes. Two files
with the same tree say the same thing, however they are numbered, compressed or laid out on disk (a plain
re-save passes); any other difference is named by where it is.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

MAX_DIFFERENCES = 8
# How a stream is stored, not what it holds: a re-save may compress or re-encode it.
_STORAGE_KEYS = frozenset({"/Length", "/Filter", "/DecodeParms", "/DL"})


@dataclass(frozen=True)
class Ref:
    """An object met again (a page's /Parent, a shared font): named by where it was first met."""

    first_seen: str


def tree(reader: PdfReader) -> dict[str, Any]:
    """The document as nested plain values: {"/Info": ..., "/Root": ...}."""
    seen: dict[tuple[int, int], str] = {}
    trailer = reader.trailer
    info = _node(trailer.get("/Info"), "/Info", seen)
    root_ref = trailer.get("/Root")
    root = root_ref.get_object() if root_ref is not None else None
    if not isinstance(root, DictionaryObject):
        return {"/Info": info, "/Root": _node(root_ref, "/Root", seen)}
    if isinstance(root_ref, IndirectObject):
        seen[(root_ref.idnum, root_ref.generation)] = "/Root"
    # The page tree first: a page is then named by its place among the pages ("page 1"), not by the first
    # outline entry or link that happens to point at it.
    keys = sorted(root, key=lambda k: (k != "/Pages", k))
    return {"/Info": info, "/Root": {str(k): _node(root[k], f"/Root{k}", seen) for k in keys}}


def _node(obj: Any, path: str, seen: dict[tuple[int, int], str]) -> Any:
    if isinstance(obj, IndirectObject):
        key = (obj.idnum, obj.generation)
        if key in seen:
            return Ref(seen[key])
        seen[key] = path
        obj = obj.get_object()
    if isinstance(obj, StreamObject):
        entries = {k: _node(v, f"{path}{k}", seen) for k, v in sorted(obj.items()) if k not in _STORAGE_KEYS}
        return ("stream", entries, hashlib.sha256(obj.get_data()).hexdigest())
    if isinstance(obj, DictionaryObject):
        return {str(k): _node(v, f"{path}{k}", seen) for k, v in sorted(obj.items())}
    if isinstance(obj, ArrayObject):
        return [_node(v, f"{path}[{i}]", seen) for i, v in enumerate(obj)]
    if isinstance(obj, BooleanObject):
        return bool(obj)
    if isinstance(obj, FloatObject | NumberObject):
        return round(float(obj), 6)  # 1 and 1.0, or 0.1 written with more digits, are one value
    if isinstance(obj, NameObject):
        return ("name", str(obj))
    if isinstance(obj, TextStringObject):
        return str(obj)
    if isinstance(obj, ByteStringObject):
        return bytes(obj)
    if obj is None or isinstance(obj, NullObject):
        return None
    return repr(obj)


def differences(found: PdfReader, expected: PdfReader) -> list[str]:
    """Where ``found`` says something other than ``expected``, in a reader's words; [] when they agree."""
    out: list[str] = []
    _diff(tree(found), tree(expected), "", out)
    names = _page_names(found) | _page_names(expected)
    shown = [_friendly(d, names) for d in out[:MAX_DIFFERENCES]]
    if len(out) > MAX_DIFFERENCES:
        shown.append(f"and {len(out) - MAX_DIFFERENCES} more differences")
    return shown


def _diff(a: Any, b: Any, path: str, out: list[str]) -> None:
    if a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in b:
                out.append(f"{path}{k}: present, a record has no such entry")
            elif k not in a:
                out.append(f"{path}{k}: missing")
            else:
                _diff(a[k], b[k], f"{path}{k}", out)
        return
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _diff(x, y, f"{path}[{i}]", out)
        return
    if isinstance(a, tuple) and isinstance(b, tuple) and a[:1] == b[:1] == ("stream",):
        _diff(a[1], b[1], path, out)
        if a[2] != b[2]:
            out.append(f"{path}: its content differs")
        return
    out.append(f"{path}: {_show(a)} where the record has {_show(b)}")


def _show(value: Any) -> str:
    if isinstance(value, tuple) and value[:1] == ("name",):
        return str(value[1])
    if isinstance(value, Ref):
        return f"a link to {value.first_seen}"
    if isinstance(value, dict):
        return "a dictionary"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, tuple):
        return "a stream"
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _page_names(reader: PdfReader) -> dict[str, str]:
    """Tree path of each page -> "page N" (found through /Root/Pages, as ``tree`` walks it)."""
    names: dict[str, str] = {}
    count = 0

    def walk(node: Any, path: str) -> None:
        nonlocal count
        obj = node.get_object()
        if obj.get("/Type") == "/Pages":
            for i, kid in enumerate(obj.get("/Kids", [])):
                walk(kid, f"{path}/Kids[{i}]")
        else:
            count += 1
            names[path] = f"page {count}"

    with contextlib.suppress(KeyError, AttributeError, TypeError, RecursionError):
        walk(reader.trailer["/Root"]["/Pages"], "/Root/Pages")
    return names


def _friendly(difference: str, pages: dict[str, str]) -> str:
    for path in sorted(pages, key=len, reverse=True):
        if difference.startswith(path + "/") or difference.startswith(path + ":"):
            return pages[path] + " " + difference[len(path):].lstrip()
    text = difference.replace("/Info/", "document information /").replace("/Root/", "document catalogue /")
    return text
