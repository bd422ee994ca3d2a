"""Demo data: each area contributes a step; `yankao demo` runs them in order.

Steps are deterministic (seeded) so screenshots, tests and benchmarks see the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.module_loading import import_string


class Progress(Protocol):
    def __call__(self, iterable, *, total: int | None = None, desc: str = ""): ...  # type: ignore[no-untyped-def]


@dataclass
class DemoContext:
    scale: int
    rng: random.Random
    progress: Progress
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, agency
    summary: list[str] = field(default_factory=list)


# Later areas append their own step here (cases, plans, works ...), after the ones they need.
DEMO_STEPS: list[str] = [
    "yankao.agencies.demo.populate",
    "yankao.workdays.demo.populate",
    "yankao.cases.demo.populate",
    "yankao.assistant.demo_mining.populate",
    "yankao.assistant.demo_faq_import.populate",
    "yankao.assistant.demo_faq.populate",
    "yankao.assistant.demo_chat.populate",
    "yankao.plans.demo.populate",
    "yankao.plans.demo_evaluation.populate",
    "yankao.plans.demo.populate_meeting",
    "yankao.works.demo.populate",
]


def run_demo(scale: int, seed: int, progress: Progress) -> DemoContext:
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    context = DemoContext(scale=scale, rng=rng, progress=progress)
    for path in DEMO_STEPS:
        step: Callable[[DemoContext], None] = import_string(path)
        step(context)
    return context
