"""Fleets: one stack definition, many clusters, and ApplicationSets in any tree, expanded offline
the way the ApplicationSet controller would.

Template engines (depend on nothing else here): govalues (Go values), functions (Sprig and Argo
CD's functions), gotemplate (text/template), fasttemplate (the controller's default mode),
helm_engine (helm's engine as a renderer). Then generators, expand (one ApplicationSet), tree
(every ApplicationSet of a tree: `fleet expand PATH`, the validator's hook), compose and
environment (fleets from the stack definition), diff.
"""

from __future__ import annotations

from typing import Any

_ENVIRONMENT = {"ExpandedApp", "FleetExpansion", "ENGINES", "fleet_environments", "fleet_environment",
                "expand_environment", "as_text", "as_json"}


def __getattr__(name: str) -> Any:  # the stack-definition side loads on first use, not with the engines
    if name in _ENVIRONMENT:
        from otelstack.fleet import environment

        return getattr(environment, name)
    raise AttributeError(name)
