"""Shared reading of ApplicationSet expansions for the fleet-* rules."""

from __future__ import annotations

from typing import Iterator

from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context


def expansion_problems(ctx: Context, kind: str) -> Iterator[tuple[object, object]]:
    for appset in ctx.platform.application_sets:
        if appset.expansion is None:
            continue
        for problem in appset.expansion.problems:
            if problem.kind == kind:
                yield appset, problem


def as_problems(ctx: Context, kind: str, prefix: str = "", hint: str = "") -> Iterator[Problem]:
    for appset, problem in expansion_problems(ctx, kind):
        yield Problem(problem.location, f"ApplicationSet {appset.label}: {prefix}{problem.message}", hint)
