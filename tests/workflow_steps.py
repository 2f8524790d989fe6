"""Run the shell steps of a GitHub workflow job or composite action here, as the runner would: each
`run:` script under `bash --noprofile --norc -eo pipefail` (the runner's `shell: bash`), with the step's
`env:` and the runner's files (GITHUB_OUTPUT, GITHUB_PATH, RUNNER_TEMP). Expressions are evaluated only
where this module knows their value (inputs, earlier steps' outputs, the names given in `context`);
anything else fails the test instead of being guessed. `uses:` steps cannot run here: they are returned
with their evaluated inputs for the test to check."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class StepResult:
    name: str
    code: int | None  # None: a `uses:` step, not run
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    uses: str | None = None
    with_: dict[str, str] = field(default_factory=dict)
    condition: str | None = None


@dataclass
class StepRunner:
    cwd: Path
    runner_temp: Path
    env: dict[str, str]
    context: dict[str, str] = field(default_factory=dict)  # e.g. {"inputs.paths": "."}
    results: list[StepResult] = field(default_factory=list)

    def evaluate(self, text: str) -> str:
        def value(match: re.Match) -> str:
            expression = match.group(1)
            if expression in self.context:
                return self.context[expression]
            step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
            if step:
                done = {r.name: r for r in self.results}
                return done[step.group(1)].outputs.get(step.group(2), "") if step.group(1) in done else ""
            raise AssertionError(f"expression not known to the local runner: ${{{{ {expression} }}}}")

        return _EXPRESSION.sub(value, str(text))

    def run(self, steps: list[dict], *, stop_on_failure: bool = True) -> list[StepResult]:
        for index, step in enumerate(steps):
            name = step.get("id") or step.get("name") or f"step {index}"
            if "uses" in step:
                self.results.append(StepResult(name, None, uses=step["uses"], condition=step.get("if"),
                                               with_={k: self.evaluate(v) for k, v in (step.get("with") or {}).items()}))
                continue
            assert "if" not in step, f"{name}: conditions on run steps are not evaluated here"
            assert step.get("shell", "bash") == "bash", f"{name}: only bash steps run here"
            output = self.runner_temp / f"output-{index}"
            output.write_text("")
            env = {**self.env, "RUNNER_TEMP": str(self.runner_temp), "GITHUB_OUTPUT": str(output),
                   "GITHUB_PATH": str(self.runner_temp / "path"), "GITHUB_STEP_SUMMARY": str(self.runner_temp / "summary")}
            env.update({key: self.evaluate(value) for key, value in (step.get("env") or {}).items()})
            cwd = self.cwd / self.evaluate(step.get("working-directory", "."))
            script = self.runner_temp / f"step-{index}.sh"
            script.write_text(step["run"])
            done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd, env=env,
                                  capture_output=True, text=True, timeout=900)
            outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
            self.results.append(StepResult(name, done.returncode, done.stdout, done.stderr, outputs))
            if done.returncode and stop_on_failure:
                break
        return self.results

    def result(self, name: str) -> StepResult:
        return next(r for r in self.results if r.name == name)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a fresh shell: no virtualenv of the test run leaks into the steps."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    if env.get("TF_CLI_CONFIG_FILE") and not os.path.isfile(env["TF_CLI_CONFIG_FILE"]):
        del env["TF_CLI_CONFIG_FILE"]
    return {**env, **extra}
