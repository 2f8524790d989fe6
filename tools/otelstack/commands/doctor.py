"""`otelstack doctor`: each external tool, its version, and what to do when it is missing."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import click

from otelstack.errors import ExitCode


@dataclass
class ToolStatus:
    name: str
    status: str  # ok | missing | too-old | broken
    version: str | None
    path: str | None
    needed_for: str
    advice: str


def check_tools(runner=None) -> list[ToolStatus]:
    from otelstack import versions
    from otelstack.external import CommandFailed, ProcessRunner, find_tool
    from otelstack.external.runner import INSTALL_HINTS
    from otelstack.toolchain import TOOLS, parse_tool_version

    runner = runner or ProcessRunner()
    statuses = []
    for tool in TOOLS:
        path = find_tool(tool.name)
        if path is None:
            statuses.append(ToolStatus(tool.name, "missing", None, None, tool.needed_for, INSTALL_HINTS[tool.name]))
            continue
        try:
            result = runner.run([path, *tool.version_argv[1:]], timeout=20, check=False)
        except CommandFailed as exc:
            result = exc.result
        version = parse_tool_version(tool.name, result.stdout + result.stderr)
        if version is None:
            statuses.append(ToolStatus(tool.name, "broken", None, path, tool.needed_for, f"`{tool.name}` did not report a version; reinstall it"))
        elif versions.at_least(version, tool.minimum) is False:
            statuses.append(ToolStatus(tool.name, "too-old", version, path, tool.needed_for, f"upgrade to {tool.minimum} or later; {INSTALL_HINTS[tool.name]}"))
        else:
            statuses.append(ToolStatus(tool.name, "ok", version, path, tool.needed_for, ""))
    docker = next(s for s in statuses if s.name == "docker")
    if docker.status == "ok":
        engine = runner.run([docker.path, "info", "--format", "{{.ServerVersion}}"], timeout=20, check=False)
        if not engine.ok or not engine.stdout.strip():
            docker.status = "no-engine"
            docker.advice = "the Docker client is installed but no engine answers: start Docker (or point DOCKER_HOST at one)"
    return statuses


@click.command("doctor")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--strict", is_flag=True, help="Exit 1 when any tool is missing or unusable.")
def doctor_command(fmt: str, strict: bool) -> int:
    """Report each external tool (terraform, helm, kubectl, kind, docker): found where, which version,
    what it is needed for, and what to do if it is missing."""
    statuses = check_tools()
    if fmt == "json":
        click.echo(json.dumps([asdict(s) for s in statuses], indent=2))
    else:
        width = max(len(s.name) for s in statuses)
        for s in statuses:
            mark = "ok" if s.status == "ok" else s.status
            detail = f"{s.version} at {s.path}" if s.path else "not found"
            click.echo(f"{s.name:<{width}}  {mark:<9}  {detail}")
            click.echo(f"{'':<{width}}  {'':<9}  needed for: {s.needed_for}")
            if s.advice:
                click.echo(f"{'':<{width}}  {'':<9}  fix: {s.advice}")
        bad = [s.name for s in statuses if s.status != "ok"]
        click.echo(f"doctor: {len(statuses) - len(bad)} of {len(statuses)} tools ready" + (f"; not ready: {', '.join(bad)}" if bad else ""))
    if strict and any(s.status != "ok" for s in statuses):
        return ExitCode.FAILED
    return ExitCode.OK
