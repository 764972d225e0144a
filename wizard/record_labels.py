"""Words that only the PDF record uses: the ``record_<key>`` strings of ``guidance/<lang>/ui.yaml``.

Everything else in the record (screen titles, question, option, field and catalogue labels) comes from the
screens and catalogues, so a translation of the guidance translates the whole record.
"""

from __future__ import annotations

from typing import Any

from wizard.guidance_schema import Guidance


def label(guidance: Guidance, key: str, **kwargs: Any) -> str:
    """A record label; a key missing from the guidance shows as ``record_<key>`` rather than breaking the record."""
    return guidance.t(f"record_{key}", **kwargs)
