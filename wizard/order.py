"""The order of the screens and how each is numbered: the wizard's place and the flowchart's step.

The order is data (``guidance/<lang>/meta.yaml``); this module reads it, never redefines it.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.guidance_schema import Guidance, Screen


@dataclass(frozen=True)
class Position:
    index: int  # 1-based place in the wizard
    total: int
    screen: Screen

    @property
    def flowchart_step(self) -> int | None:
        return self.screen.flowchart_step


def positions(guidance: Guidance) -> list[Position]:
    n = len(guidance.screens)
    return [Position(i + 1, n, s) for i, s in enumerate(guidance.screens)]


def step_positions(guidance: Guidance) -> list[Position]:
    """The five flowchart steps as the wizard shows them: (k of 5, flowchart step N)."""
    steps = [s for s in guidance.screens if s.kind == "step"]
    return [Position(i + 1, len(steps), s) for i, s in enumerate(steps)]


def screen_label(guidance: Guidance, screen: Screen) -> str:
    """E.g. "4 of 5 · flowchart step 5 · Mitigation" for steps; the plain title for other screens."""
    for p in step_positions(guidance):
        if p.screen.id == screen.id:
            return guidance.t("step_label", index=p.index, total=p.total, flowchart=screen.flowchart_step,
                              title=screen.short_title or screen.title)
    return screen.title


def screen_label_for(guidance: Guidance, screen_id: str) -> str:
    return screen_label(guidance, guidance.screen(screen_id))
