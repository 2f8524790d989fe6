"""`make bench`: otelstack's speed goals, measured on this machine.

  1. validate a tree of 100 environments (200 Argo CD applications, 100 collectors): < 5 s
  2. ... at least 10x faster than checkov on the same tree (when checkov is installed)
  3. `otelstack --help`: < 0.3 s
  4. the HCL parsers side by side on one file (why otelstack parses with tree-sitter)
Prints a table; exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


def timed(argv: list[str], runs: int = 3) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def parser_speeds(tf_file: Path) -> list[tuple[str, str]]:
    text = tf_file.read_text()
    rows = []

    def measure(name: str, parse) -> None:
        try:
            parse()
        except Exception as exc:  # a parser that cannot read the file says so in the table
            rows.append((name, f"failed: {type(exc).__name__}"))
            return
        runs = 20
        started = time.perf_counter()
        for _ in range(runs):
            parse()
        rows.append((name, f"{(time.perf_counter() - started) / runs * 1000:.1f} ms"))

    from otelstack.hcl import load_hcl

    measure("tree-sitter-hcl + otelstack evaluator (used)", lambda: load_hcl(text, "main.tf"))
    try:
        import hcl2

        measure("python-hcl2 loads (no positions)", lambda: hcl2.loads(text))
    except ImportError:
        rows.append(("python-hcl2", "not installed (pip install -e '.[bench]')"))
    try:
        import pyhcl2
        from pyhcl2.parse import parse_module  # type: ignore[import-not-found]

        measure("pyhcl2 parse_module (AST with spans)", lambda: parse_module(text))
    except ImportError:
        rows.append(("pyhcl2", "not installed (pip install -e '.[bench]')"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--environments", type=int, default=100)
    parser.add_argument("--checkov", default=shutil.which("checkov") or str(HERE.parent / ".bench/checkov/bin/checkov"))
    args = parser.parse_args()
    otelstack = [sys.executable, "-m", "otelstack"]
    missed = []
    with tempfile.TemporaryDirectory(prefix="otelstack-bench-") as tmp:
        tree = generate(Path(tmp), args.environments)
        files = len(list(tree.rglob("*.tf"))) + len(list(tree.rglob("*.yaml")))
        print(f"tree: {args.environments} environments, {2 * args.environments} Argo CD applications, "
              f"{args.environments} collectors, {files} files")
        ours = timed(otelstack + ["validate", str(tree), "--format", "json"])
        print(f"otelstack validate          {ours:7.2f} s   (goal < 5 s)")
        if ours >= 5:
            missed.append("validate < 5 s")
        if Path(args.checkov).exists():
            theirs = timed([args.checkov, "-d", str(tree), "--skip-download", "--quiet", "--compact", "-o", "json"], runs=1)
            ratio = theirs / ours
            print(f"checkov -d (same tree)      {theirs:7.2f} s   otelstack is {ratio:.1f}x faster (goal >= 10x)")
            if ratio < 10:
                missed.append("10x faster than checkov")
        else:
            print(f"checkov                     not installed at {args.checkov}: `make bench` installs it in .bench/checkov")
        startup = timed(otelstack[:1] + ["-c", "from otelstack.cli import main; main(['--help'])"], runs=5)
        cli = shutil.which("otelstack")
        if cli:
            startup = timed([cli, "--help"], runs=5)
        print(f"otelstack --help            {startup:7.3f} s   (goal < 0.3 s)")
        if startup >= 0.3:
            missed.append("--help < 0.3 s")
        print("\nparsing one environment's main.tf:")
        for name, result in parser_speeds(next(tree.rglob("main.tf"))):
            print(f"  {name:48} {result}")
    if missed:
        print(f"\ngoals missed: {', '.join(missed)}")
        return 1
    print("\nall goals met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
