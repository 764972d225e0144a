"""The JSON Schema of each kind of guidance file, generated from the pydantic models in ``guidance_schema``.

Every guidance file starts with a ``# yaml-language-server: $schema=...`` line naming one of these, so that an
editor with a YAML language server (VS Code's YAML extension, for example) checks a file while a reviewer types.
The committed files under ``guidance/schema/`` are kept in step with the models by a test; after changing the
models, write them anew with ``python -m wizard.guidance_jsonschema``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from wizard.guidance import GUIDANCE_ROOT
from wizard.guidance_schema import Catalogues, GlossaryFile, Meta, ReferencesFile, Screen, UiFile
from wizard.scenarios import Scenario

SCHEMA_DIR = GUIDANCE_ROOT / "schema"

# File kind -> (model, which guidance files it describes)
KINDS: dict[str, tuple[type[BaseModel], str]] = {
    "meta": (Meta, "guidance/<lang>/meta.yaml: version, screen order, disclaimer, cross-cutting advice"),
    "catalogues": (Catalogues, "guidance/<lang>/catalogues.yaml: forms of GBV/VAWC and the labels of fixed values"),
    "glossary": (GlossaryFile, "guidance/<lang>/glossary.yaml: terms and definitions"),
    "ui": (UiFile, "guidance/<lang>/ui.yaml: interface strings and the explanation of each consistency rule"),
    "references": (ReferencesFile, "guidance/<lang>/references.yaml: the works the guidance rests on, cited by id"),
    "screen": (Screen, "guidance/<lang>/screens/*.yaml: one screen of the wizard, its guidance and questions"),
    "scenario": (Scenario, "guidance/scenarios/<lang>/<id>.yaml: a training scenario, its information pack and "
                           "model answers"),
}


def schema_for(kind: str) -> dict[str, Any]:
    model, description = KINDS[kind]
    schema = model.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": f"ATT 7(4) wizard: {kind} file",
            "description": description, **{k: v for k, v in schema.items() if k not in ("title", "description")}}


def rendered(kind: str) -> str:
    return json.dumps(schema_for(kind), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def schema_line(path: Path, root: Path = GUIDANCE_ROOT) -> str:
    """The first line a guidance file must have: its schema, relative to the file."""
    kind = ("screen" if path.parent.name == "screens" else
            "scenario" if path.parent.parent.name == "scenarios" else path.stem)
    target = (root / "schema" / f"{kind}.schema.json").relative_to(root)
    up = "../" * (len(path.relative_to(root).parts) - 1)
    return f"# yaml-language-server: $schema={up}{target.as_posix()}"


def write(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = directory / f"{kind}.schema.json"
        path.write_text(rendered(kind), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write():
        print(f"wrote {p.relative_to(GUIDANCE_ROOT.parent)}")
    sys.exit(0)
