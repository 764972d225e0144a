"""Upgrade older assessment documents to the current format before validation.

Each entry of ``UPGRADES`` turns a document of version *n* into one of version *n + 1*; ``upgrade`` chains
them. Adding a format version means adding one function here and bumping ``model.FORMAT_VERSION``.

Version 0 is the pre-release shape: the items were a top-level ``items`` list, and the officer's name lived
in ``case.officer``. Everything else is as in version 1.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from wizard.model import FORMAT_VERSION, Assessment, AssessmentFormatError, from_dict

Document = dict[str, Any]


def _upgrade_0_to_1(doc: Document) -> Document:
    if "officer" in doc:
        raise AssessmentFormatError("officer: unknown field in format version 0 (it belongs in case.officer)")
    case = doc.get("case", {})
    if not isinstance(case, dict):
        raise AssessmentFormatError("case: Input should be a valid dictionary")
    if "items" in case:
        raise AssessmentFormatError("case.items: unknown field in format version 0 (items are top-level)")
    if "officer" in case:
        doc["officer"] = case.pop("officer")
    if "items" in doc:
        case["items"] = doc.pop("items")
    doc["case"] = case
    doc["format_version"] = 1
    return doc


UPGRADES: dict[int, Callable[[Document], Document]] = {0: _upgrade_0_to_1}
OLDEST = min(UPGRADES)


def upgrade(data: Any) -> Any:
    """Return ``data`` migrated to ``FORMAT_VERSION`` (a copy; the input is untouched).

    Non-documents and documents without a version are returned as they are, for ``model.from_dict`` to
    refuse with its own message. An unknown version raises ``AssessmentFormatError``.
    """
    if not isinstance(data, dict) or "format_version" not in data:
        return data
    version = data["format_version"]
    if type(version) is not int:  # bool is an int subclass: true must not pass for version 1
        raise AssessmentFormatError(f"format_version: {version!r} is not a format version number")
    if version > FORMAT_VERSION:
        raise AssessmentFormatError(
            f"format_version: {version} was written by a newer version of this tool "
            f"(this one reads versions {OLDEST} to {FORMAT_VERSION}); update the tool to import it")
    if version < OLDEST:
        raise AssessmentFormatError(
            f"format_version: {version} is not a known format version "
            f"(this tool reads versions {OLDEST} to {FORMAT_VERSION})")
    doc = copy.deepcopy(data)
    while version < FORMAT_VERSION:
        doc = UPGRADES[version](doc)
        version += 1
    return doc


def read_document(raw: str | bytes) -> Assessment:
    """Parse, upgrade and validate one exported assessment (JSON text); AssessmentFormatError says why not."""
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise AssessmentFormatError(f"not valid JSON: {err}") from None
    except RecursionError:
        raise AssessmentFormatError("not valid JSON: nested too deeply") from None
    return from_dict(upgrade(data))
