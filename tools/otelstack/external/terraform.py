"""Terraform behind one small interface. Every call goes through a Runner (the real binary, or a
recorded fake in tests); terraform's own output goes to a log file; failures become one readable
message with the failing command.

Why not python-terraform (the design's first choice): on Terraform 1.x its destroy() passes the
removed `-force` flag, apply() without a saved plan waits for approval on stdin and fails, plan()
with raise_on_error raises on exit code 2 ("changes present") — tests/test_terraform_wrapper.py
runs each of these against the real binary. The calls otelstack needs are four argument lists.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from otelstack.errors import OtelstackError
from otelstack.external.runner import CommandFailed, Result, Runner

PROVIDER_FAILURES = ("Failed to query available provider packages", "Failed to install provider",
                     "could not connect to", "Failed to install provider from shared cache")
ARGOCD_UNREACHABLE = ("failed to create new session client", "connection refused", "context deadline exceeded",
                      "failed to get server version", "no such host")


class TerraformError(OtelstackError):
    pass


class ProviderUnavailable(TerraformError):
    pass


class StalePlan(TerraformError):
    pass


def error_summary(output: str) -> str:
    """The first `Error:` of terraform's output in one line: its title and its first explanation
    (source context such as `on main.tf line 3:` and the quoted code are left out)."""
    at = output.find("Error: ")
    if at < 0:
        lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
        return lines[-1] if lines else "no output"
    block = output[at + len("Error: "):]
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", block) if p.strip()]
    title = " ".join(paragraphs[0].split()) if paragraphs else ""
    for paragraph in paragraphs[1:4]:
        if paragraph.startswith(("on ", "with ", "Error:")) or re.search(r"^\s*\d+:", paragraph, re.M):
            continue
        detail = " ".join(paragraph.split())
        if len(detail) > 300:
            detail = detail[:300].rsplit(" ", 1)[0] + " ..."
        return f"{title}: {detail}"
    return title


class Terraform:
    def __init__(self, runner: Runner, workdir: Path, log: Path | None = None, binary: str = "terraform",
                 env: dict[str, str] | None = None) -> None:
        self.runner = runner
        self.workdir = Path(workdir)
        self.log = log
        self.binary = binary
        self.env = {"TF_IN_AUTOMATION": "1", "TF_INPUT": "0", **(env or {})}

    def _run(self, *args: str, check: bool = True) -> Result:
        try:
            return self.runner.run([self.binary, *args], cwd=self.workdir, check=check, log=self.log, env=self.env)
        except CommandFailed as exc:
            raise self._explain(exc.result) from None

    def _explain(self, result: Result) -> TerraformError:
        output = result.stderr + "\n" + result.stdout
        step = result.argv[1] if len(result.argv) > 1 else "terraform"
        log = f" (full output: {self.log})" if self.log else ""
        command = " ".join(["terraform", *result.argv[1:]])
        if step == "init" and any(marker in output for marker in PROVIDER_FAILURES):
            found = re.search(r"provider\s+(?:[\w.-]+/)?([\w-]+/[\w-]+)", output)
            provider = found.group(1) if found else "a provider"
            return ProviderUnavailable(
                f"terraform init could not install provider {provider} in {self.workdir}: {error_summary(output)}",
                hint=("this machine cannot download providers. Provide them from a mirror: on a connected machine run "
                      f"`terraform providers mirror DIR` in {self.workdir}, copy DIR here, and point a CLI config "
                      "(TF_CLI_CONFIG_FILE) at it with provider_installation { filesystem_mirror { path = \"DIR\" } }; "
                      "or set TF_PLUGIN_CACHE_DIR to a directory that already holds the provider"),
            )
        if step == "init" and ("Failed to download module" in output or "Could not download module" in output):
            found = re.search(r'module "?([\w.-]+)"?', output)
            return TerraformError(
                f"terraform init could not download module {found.group(1) if found else ''} for {self.workdir}: {error_summary(output)}".replace("module  ", "module "),
                hint=("the module source is terraform.moduleSource in otelstack.yaml: a git URL needs network access to it; "
                      "point it at a local copy or an internal mirror of the otelstack repository"),
            )
        if "Saved plan is stale" in output:
            return StalePlan("the saved plan is stale: the state changed since it was made", hint="run `otelstack plan` again")
        if "argocd" in output.lower() and any(marker in output for marker in ARGOCD_UNREACHABLE):
            return TerraformError(f"Argo CD is unreachable from terraform {step}: {error_summary(output)}",
                                  hint="check ARGOCD_SERVER (host:port), ARGOCD_AUTH_TOKEN and, for a self-signed server, ARGOCD_INSECURE=true")
        return TerraformError(f"`{command}` failed in {self.workdir}: {error_summary(output)}{log}")

    def version(self) -> str:
        return json.loads(self._run("version", "-json").stdout)["terraform_version"]

    def init(self) -> None:
        self._run("init", "-input=false", "-no-color")

    def plan(self, out: Path) -> bool:
        """Save a plan to `out`; True when it has changes (terraform's -detailed-exitcode 2)."""
        result = self._run("plan", "-input=false", "-no-color", "-detailed-exitcode", f"-out={out}", check=False)
        if result.returncode not in (0, 2):
            raise self._explain(result)
        return result.returncode == 2

    def show_json(self, plan: Path) -> dict:
        return json.loads(self._run("show", "-json", "-no-color", str(plan)).stdout)

    def apply(self, plan: Path) -> None:
        """Apply a saved plan: terraform applies exactly it, without asking."""
        self._run("apply", "-input=false", "-no-color", str(plan))

    def output_json(self) -> dict:
        return json.loads(self._run("output", "-json", "-no-color").stdout or "{}")
