"""Run external commands: argument lists only (never a shell), errors that keep the failing
command and the end of its stderr, optional log file for long tool output."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Callable, Mapping, Protocol, Sequence

from otelstack.errors import OtelstackError

TOOLS_DIR_ENV = "OTELSTACK_TOOLS_DIR"
LOCAL_TOOLS_DIR = ".tools/bin"  # the project-local folder `make setup` installs helm into

INSTALL_HINTS = {
    "terraform": "install Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install) and put it on PATH",
    "helm": "run `make setup` (installs helm into .tools/bin) or install Helm 3.12+ on PATH",
    "kubectl": "install kubectl matching your cluster (https://kubernetes.io/docs/tasks/tools/)",
    "kind": "install kind >= 0.27 (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)",
    "docker": "install Docker Engine or Docker Desktop and start it",
}


@dataclass(frozen=True)
class Result:
    argv: tuple[str, ...]
    returncode: int
    stdout: str = ""
    stderr: str = ""
    duration: float = 0.0

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class CommandFailed(OtelstackError):
    def __init__(self, result: Result, what: str = "", hint: str = "") -> None:
        tail = _tail(result.stderr or result.stdout)
        label = what or os.path.basename(result.argv[0])
        message = f"{label} failed (exit {result.returncode}): {shlex.join(result.argv)}"
        if tail:
            message += f"\n  {tail}"
        super().__init__(message, hint=hint)
        self.result = result


class ToolMissing(OtelstackError):
    def __init__(self, tool: str) -> None:
        super().__init__(f"{tool} not found on PATH", hint=INSTALL_HINTS.get(tool, f"install {tool}"))
        self.tool = tool


def _tail(text: str, lines: int = 6) -> str:
    kept = [line.rstrip() for line in text.strip().splitlines() if line.strip()][-lines:]
    return "\n  ".join(kept)


def tool_dirs() -> list[str]:
    dirs = []
    if os.environ.get(TOOLS_DIR_ENV):
        dirs.append(os.environ[TOOLS_DIR_ENV])
    here = FsPath.cwd()
    for directory in (here, *here.parents):
        candidate = directory / LOCAL_TOOLS_DIR
        if candidate.is_dir():
            dirs.append(str(candidate))
            break
    # beside the virtualenv otelstack runs from (`make setup` puts both in the project): found from any directory
    beside_venv = FsPath(sys.prefix).parent / LOCAL_TOOLS_DIR
    if sys.prefix != sys.base_prefix and beside_venv.is_dir() and str(beside_venv) not in dirs:
        dirs.append(str(beside_venv))
    return dirs


def find_tool(name: str) -> str | None:
    """PATH first, then the project-local tool folder."""
    found = shutil.which(name)
    if found:
        return found
    for directory in tool_dirs():
        found = shutil.which(name, path=directory)
        if found:
            return found
    return None


class Runner(Protocol):
    def run(
        self,
        argv: Sequence[str],
        *,
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        input: str | None = None,
        timeout: float | None = None,
        check: bool = True,
        log: FsPath | None = None,
    ) -> Result: ...


class Background(Protocol):
    def stop(self) -> None: ...


class ProcessRunner:
    """Runs real processes. `env` entries are added to (not replacing) the current environment."""

    def __init__(self, echo: bool = False) -> None:
        self.echo = echo

    def spawn(self, argv, *, env=None, log: FsPath | None = None) -> "Background":
        """Start a long-running helper (a port-forward) in the background."""
        argv = [str(a) for a in argv]
        binary = argv[0] if os.sep in argv[0] else find_tool(argv[0])
        if binary is None:
            raise ToolMissing(argv[0])
        argv[0] = binary
        if self.echo:
            print(f"+ {shlex.join(argv)} &", file=sys.stderr)
        sink = open(log, "a", encoding="utf-8") if log is not None else subprocess.DEVNULL
        proc = subprocess.Popen(argv, env={**os.environ, **(env or {})}, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        return _Process(proc, sink)

    def run(self, argv, *, cwd=None, env=None, input=None, timeout=None, check=True, log=None) -> Result:
        argv = [str(a) for a in argv]
        binary = argv[0] if os.sep in argv[0] else find_tool(argv[0])
        if binary is None:
            raise ToolMissing(argv[0])
        argv[0] = binary
        full_env = {**os.environ, **(env or {})}
        config = full_env.get("TF_CLI_CONFIG_FILE")
        if config is not None and not os.path.isfile(config):
            del full_env["TF_CLI_CONFIG_FILE"]  # a dangling setting only makes terraform print warnings
        if self.echo:
            print(f"+ {shlex.join(argv)}", file=sys.stderr)
        started = time.monotonic()
        try:
            proc = subprocess.run(
                argv, cwd=cwd, env=full_env, input=input, capture_output=True, text=True, timeout=timeout,
                stdin=None if input is not None else subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
            result = Result(tuple(argv), 124, out, err + f"\ntimed out after {timeout:.0f}s", time.monotonic() - started)
            _log(log, result)
            raise CommandFailed(result) from None
        except OSError as exc:
            raise OtelstackError(f"cannot run {argv[0]}: {exc.strerror}") from None
        result = Result(tuple(argv), proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)
        _log(log, result)
        if check and not result.ok:
            raise CommandFailed(result)
        return result


class _Process:
    def __init__(self, proc: subprocess.Popen, sink) -> None:
        self.proc = proc
        self.sink = sink

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if hasattr(self.sink, "close"):
            self.sink.close()


def _log(log: FsPath | None, result: Result) -> None:
    if log is None:
        return
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(f"$ {shlex.join(result.argv)}\n# exit {result.returncode} after {result.duration:.1f}s\n")
        handle.write(result.stdout)
        if result.stderr:
            handle.write("\n# stderr\n" + result.stderr)
        handle.write("\n")


Responder = Callable[[tuple[str, ...]], "Result | None"]


@dataclass
class RecordedRunner:
    """A fake runner for tests: answers from a script, records every call in order.

    `script` maps an argv prefix (tuple) to a Result or to a callable producing one; the longest
    matching prefix wins. Unmatched commands succeed with empty output unless `strict`.
    """

    script: dict[tuple[str, ...], Result | Responder] = field(default_factory=dict)
    strict: bool = False
    calls: list[tuple[str, ...]] = field(default_factory=list)
    envs: list[dict[str, str]] = field(default_factory=list)

    def on(self, *prefix: str, stdout: str = "", stderr: str = "", returncode: int = 0) -> "RecordedRunner":
        self.script[tuple(prefix)] = Result(tuple(prefix), returncode, stdout, stderr)
        return self

    def run(self, argv, *, cwd=None, env=None, input=None, timeout=None, check=True, log=None) -> Result:
        call = tuple(str(a) for a in argv)
        self.calls.append(call)
        self.envs.append(dict(env or {}))
        answer = self._match(call)
        if answer is None:
            if self.strict:
                raise AssertionError(f"unexpected command: {shlex.join(call)}")
            answer = Result(call, 0)
        elif callable(answer):
            answer = answer(call) or Result(call, 0)
        result = Result(call, answer.returncode, answer.stdout, answer.stderr)
        _log(log, result)
        if check and not result.ok:
            raise CommandFailed(result)
        return result

    def _match(self, call: tuple[str, ...]):
        best = None
        for prefix, answer in self.script.items():
            if call[: len(prefix)] == prefix and (best is None or len(prefix) > len(best[0])):
                best = (prefix, answer)
        return best[1] if best else None

    def spawn(self, argv, *, env=None, log=None) -> "_Stopped":
        call = ("&",) + tuple(str(a) for a in argv)
        self.calls.append(call)
        self.envs.append(dict(env or {}))
        return _Stopped(self, call)

    def commands(self, tool: str | None = None) -> list[str]:
        return [shlex.join(c) for c in self.calls if tool is None or c[0] == tool]


class _Stopped:
    """A recorded background process; stopping it is recorded too."""

    def __init__(self, runner: "RecordedRunner", call: tuple[str, ...]) -> None:
        self.runner = runner
        self.call = call

    def stop(self) -> None:
        self.runner.calls.append(("stop",) + self.call[1:])

