"""The JSON Schema that editors use on the guidance files: committed, in step with the models, named at the top
of every guidance file, and accepting every real guidance file (so an editor never flags valid text)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from wizard import guidance_jsonschema as js

GUIDANCE_FILES = sorted(p for p in js.GUIDANCE_ROOT.rglob("*.yaml"))


@pytest.mark.parametrize("kind", sorted(js.KINDS))
def test_the_committed_schema_matches_the_models(kind):
    committed = js.SCHEMA_DIR / f"{kind}.schema.json"
    assert committed.is_file(), f"missing {committed}: run python -m wizard.guidance_jsonschema"
    assert committed.read_text(encoding="utf-8") == js.rendered(kind), (
        f"{committed.name} is out of date with wizard/guidance_schema.py: run python -m wizard.guidance_jsonschema")


def test_there_are_guidance_files_to_check():
    assert len(GUIDANCE_FILES) >= 14


@pytest.mark.parametrize("path", GUIDANCE_FILES, ids=lambda p: p.relative_to(js.GUIDANCE_ROOT).as_posix())
def test_every_guidance_file_names_its_schema_and_passes_it(path: Path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == js.schema_line(path)
    schema_file = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert schema_file.is_file()
    kind = schema_file.name.removesuffix(".schema.json")
    # As an editor's YAML language server sees it: dates (a scenario's documents) are strings.
    data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    jsonschema.validate(data, js.schema_for(kind))


def test_the_schema_refuses_what_the_loader_refuses():
    screen = js.schema_for("screen")
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        jsonschema.validate({"id": "x", "kind": "step", "title": "T", "purpose": "P", "titel": "typo"}, screen)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "Bad Id", "kind": "step", "title": "T", "purpose": "P"}, screen)
