"""Before anything is created: the host can run the smoke test, or one clear message per missing
thing with how to get it."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass

from otelstack import versions
from otelstack.external.runner import INSTALL_HINTS, CommandFailed, Runner, ToolMissing, find_tool
from otelstack.toolchain import TOOLS, parse_tool_version

BTF = "/sys/kernel/btf/vmlinux"
MIN_KERNEL = "5.8.0"


@dataclass(frozen=True)
class Missing:
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.what}: {self.fix}"


class Host:
    """The machine the smoke test runs on (a fake in tests)."""

    def exists(self, path: str) -> bool:
        return os.path.exists(path)

    def kernel_release(self) -> str:
        return platform.release()

    def system(self) -> str:
        return platform.system()


def check(runner: Runner, host: Host, via: str, repository: tuple[str, str] | None = None) -> list[Missing]:
    missing: list[Missing] = []
    needed = ["docker", "kind", "kubectl", "helm"] + (["terraform"] if via == "argocd" else [])
    minimum = {tool.name: tool.minimum for tool in TOOLS}
    for name in needed:
        path = find_tool(name)
        if path is None:
            missing.append(Missing(f"{name} is not installed", INSTALL_HINTS[name]))
            continue
        tool = next(t for t in TOOLS if t.name == name)
        try:
            result = runner.run(list(tool.version_argv), timeout=30, check=False)
        except (CommandFailed, ToolMissing) as exc:
            missing.append(Missing(f"{name} does not run", str(exc)))
            continue
        version = parse_tool_version(name, result.stdout + result.stderr)
        if version is None or versions.at_least(version, minimum[name]) is False:
            missing.append(Missing(f"{name} {version or '(unknown version)'} is too old", f"need {minimum[name]} or later; {INSTALL_HINTS[name]}"))
        if name == "docker":
            engine = runner.run(["docker", "info", "--format", "{{.ServerVersion}}"], timeout=30, check=False)
            if not engine.ok or not engine.stdout.strip():
                missing.append(Missing("Docker engine is not reachable (kind runs its nodes in Docker)",
                                       "start Docker (Docker Desktop, or `sudo systemctl start docker`), or point DOCKER_HOST at a running engine"))
    # On macOS and Windows kind runs its nodes in a Linux VM, whose kernel Beyla needs; not checkable here.
    if host.system() == "Linux":
        if not host.exists(BTF):
            missing.append(Missing(f"the kernel has no BTF ({BTF}): Beyla cannot load its eBPF programs",
                                   "use a kernel built with CONFIG_DEBUG_INFO_BTF=y (most distributions since 2021), e.g. Ubuntu 22.04+"))
        release = host.kernel_release()
        if versions.at_least(release.split("-")[0], MIN_KERNEL) is False:
            missing.append(Missing(f"kernel {release} is older than {MIN_KERNEL}", "Beyla needs Linux 5.8 or newer: run on a newer host or VM"))
    if via == "argocd" and repository is not None:
        # Argo CD syncs the collector manifests from the platform repo: it must be reachable there.
        url, revision = repository
        found = runner.run(["git", "ls-remote", "--exit-code", url, revision], timeout=60, check=False)
        if not found.ok:
            missing.append(Missing(f"Argo CD cannot read the rendered manifests from {url} at {revision}",
                                   "push the branch first, or set repository.url/revision to a repository the cluster can reach"))
    from importlib.util import find_spec

    if find_spec("pytest_helm_charts") is None or find_spec("kubernetes") is None:
        missing.append(Missing("the in-cluster test suite needs pytest-helm-charts and the kubernetes client",
                               "pip install 'otelstack[smoke]'"))
    return missing
