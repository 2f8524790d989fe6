"""GitHub Actions pins: for each action otelstack uses (hand/actions.yaml, with the major we pin),
the newest release tag of that major, its commit, and the runtime its action.yml declares.

A pin is refused (the run fails, naming what to change) when the action released a newer major
than the one pinned, or when the release runs on another runtime than hand/actions.yaml requires.
"""

from __future__ import annotations

import yaml

from datagen import DataFile, hand, ranges
from datagen.upstream import UpstreamError, UpstreamRepo

VERSION = 1
REPOSITORIES = ("actions/checkout", "actions/setup-python", "actions/upload-artifact", "actions/download-artifact",
                "github/codeql-action", "hashicorp/setup-terraform")
HAND = ("actions.yaml",)
OUTPUT = "actions.yaml"

HEADER = """\
The GitHub Actions that otelstack's own workflows (.github/workflows/, action.yml) and the workflow
`otelstack init` writes use: the one place for their pins. `uses:` references them by full commit
SHA with the release in a comment; tests/test_workflows.py fails when a workflow uses another.
  tag      the newest release of the major pinned in tools/datagen/hand/actions.yaml
  sha      the commit of that tag
  runtime  `runs.using` of the action's action.yml at that tag
To move a pin: change the major in tools/datagen/hand/actions.yaml, `make data`, then `make test`;
`otelstack init --upgrade` moves platform repos to the new pins."""


def generate(*repos: UpstreamRepo) -> dict[str, DataFile]:
    known = hand("actions.yaml")
    by_name = {repo.name: repo for repo in repos}
    pins = {}
    for action, choice in known["actions"].items():
        repository = choice.get("repository", action)
        repo = by_name.get(repository)
        if repo is None:
            raise UpstreamError(f"{action}: its repository {repository} is not in datagen.sources.actions.REPOSITORIES")
        releases = ranges.release_tags(repo.tags(), "v")
        if not releases:
            raise UpstreamError(f"{repository}: no release tags")
        major = str(choice["major"]).lstrip("v")
        newest_major = releases[-1][0].split(".")[0]
        if newest_major != major and not choice.get("holdBack"):
            raise UpstreamError(f"{action}: v{newest_major} is released, the pin is v{major}: move `major` in "
                                "tools/datagen/hand/actions.yaml (or say why not with `holdBack`)")
        in_major = [tag for version, tag in releases if version.split(".")[0] == major]
        if not in_major:
            raise UpstreamError(f"{action}: no release of v{major}")
        tag = in_major[-1]
        sha = repo.commit(tag)
        path = choice.get("path", "")
        runtime = _runtime(repo, tag, path)
        if runtime != known["runtime"]:
            raise UpstreamError(f"{action} {tag} runs on {runtime!r}, not {known['runtime']!r}")
        pins[action] = {"tag": tag, "sha": sha, "runtime": runtime}
    return {OUTPUT: DataFile({"actions": pins}, HEADER)}


def _runtime(repo: UpstreamRepo, tag: str, path: str) -> str:
    for name in ("action.yml", "action.yaml"):
        text = repo.show(tag, f"{path}/{name}" if path else name)
        if text is not None:
            runs = (yaml.safe_load(text) or {}).get("runs") or {}
            return str(runs.get("using", ""))
    raise UpstreamError(f"{repo.name}: no action.yml{' in ' + path if path else ''} at {tag}")
