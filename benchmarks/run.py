"""`make bench`: otelstack's speed goals, measured on this machine.

  1. validate a tree of 100 environments (200 Argo CD applications, 100 collectors): < 5 s
  2. ... at least 10x faster than checkov on the same tree (when checkov is installed)
  3. `otelstack --help`: < 0.3 s
  4. the HCL parsers side by side on one file (why otelstack parses with tree-sitter)
  5. rendered carriers: a tree of 50 Jsonnet entry files (sharing a library) and 50 kustomizations,
     each rendered by its real engine once (go-jsonnet in process, `kubectl kustomize` per root)
  6. fleets of 50, 500 and 5,000 clusters x 4 components: ApplicationSets expanded and every
     generated application validated, < 10 s at 5,000 clusters, cost linear in clusters; and
     `otelstack fleet expand` with otelstack's Go-template engine against helm's, and on the
     hand-written tree (`fleet expand PATH`)
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

from fleet import generate_stack, generate_yaml  # noqa: E402
from generate import generate, generate_rendered  # noqa: E402


def timed(argv: list[str], runs: int = 3) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


CPU: dict[str, float] = {}  # CPU seconds of the last timed_once run: steadier than wall time on a shared machine


def timed_once(argv: list[str], cwd: Path) -> float:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["last"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode not in (0, 1):  # 1: findings, which a benchmark tree should not have but may
        raise SystemExit(f"{' '.join(argv)} failed in {cwd}: {result.stderr.strip()}")
    return elapsed


def fleet_speeds(otelstack: list[str], sizes: list[int], helm_up_to: int) -> list[str]:
    """Expand-and-validate per fleet size; returns the goals missed."""
    missed = []
    print("\nfleets (4 components per cluster: cert-manager, operator, collector, Beyla):")
    print(f"  {'clusters':>8} {'apps':>6}  {'validate stack (cpu)':>22} {'validate yaml':>14} {'expand python':>14} {'expand helm':>12} {'expand PATH':>12}  {'ms/app':>7}")
    per_app: dict[int, float] = {}
    for clusters in sizes:
        with tempfile.TemporaryDirectory(prefix="otelstack-fleet-") as tmp:
            stack = generate_stack(Path(tmp) / "stack", clusters)
            subprocess.run(otelstack + ["render"], cwd=stack, stdout=subprocess.DEVNULL, check=True)  # setup, not timed
            validate_stack = timed_once(otelstack + ["validate", "--format", "json"], stack)
            validate_stack_cpu = CPU["last"]
            yaml_tree = generate_yaml(Path(tmp) / "yaml", clusters)
            validate_yaml = timed_once(otelstack + ["validate", "--format", "json"], yaml_tree)
            expand_tree = timed_once(otelstack + ["fleet", "expand", ".", "--format", "json"], yaml_tree)
            expand_python = timed_once(otelstack + ["fleet", "expand"], stack)
            expand_helm = timed_once(otelstack + ["fleet", "expand", "--engine", "helm"], stack) if clusters <= helm_up_to else None
        apps = 4 * clusters
        per_app[clusters] = validate_stack_cpu / apps * 1000  # CPU time: wall time swings with the machine's other work
        helm_text = f"{expand_helm:10.2f} s" if expand_helm is not None else f"{'(skipped)':>12}"
        print(f"  {clusters:>8} {apps:>6}  {validate_stack:8.2f} s ({validate_stack_cpu:6.2f} s) {validate_yaml:12.2f} s {expand_python:12.2f} s {helm_text} "
              f"{expand_tree:10.2f} s  {per_app[clusters]:7.2f}")
        if clusters == 5000 and max(validate_stack, validate_yaml) >= 10:
            missed.append("fleet of 5,000 clusters validated < 10 s")
    if len(per_app) > 1:
        # the two largest fleets: the smallest one's time is mostly start-up
        small, large = sorted(per_app)[-2:]
        growth = per_app[large] / per_app[small]
        print(f"  validate CPU cost per application at {large} clusters / at {small}: {growth:.2f} (linear: about 1)")
        if growth > 1.5:
            missed.append("fleet cost linear in clusters")
    return missed


def rendered_speeds(otelstack: list[str], entries: int) -> None:
    """Jsonnet and kustomizations: measured, with the share of each engine."""
    from otelstack.external import find_tool

    with tempfile.TemporaryDirectory(prefix="otelstack-rendered-") as tmp:
        tree = generate_rendered(Path(tmp), entries)
        print(f"\nrendered carriers: {entries} Jsonnet entry files + {entries} kustomizations "
              f"({len([p for p in tree.rglob('*') if p.is_file()])} files; kubectl: {find_tool('kubectl') or 'missing'})")
        both = timed(otelstack + ["validate", str(tree), "--format", "json"])
        jsonnet_only = timed(otelstack + ["validate", str(tree / "jsonnet"), "--format", "json"])
        kustomize_only = timed(otelstack + ["validate", str(tree / "kustomize"), "--format", "json"])
        kubectl = find_tool("kubectl")
        one_build = timed([kubectl, "kustomize", str(tree / "kustomize" / "env-000")], runs=5) if kubectl else 0.0
    print(f"  otelstack validate of both        {both:7.2f} s")
    print(f"  ... the Jsonnet files alone       {jsonnet_only:7.2f} s")
    print(f"  ... the kustomizations alone      {kustomize_only:7.2f} s   (one `kubectl kustomize` alone: {one_build * 1000:.0f} ms;"
          f" {entries} of them run two at a time)")


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
        from pyhcl2.parse import parse_module  # type: ignore[import-not-found]

        measure("pyhcl2 parse_module (AST with spans)", lambda: parse_module(text))
    except ImportError:
        rows.append(("pyhcl2", "not installed (pip install -e '.[bench]')"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--environments", type=int, default=100)
    parser.add_argument("--checkov", default=shutil.which("checkov") or str(HERE.parent / ".bench/checkov/bin/checkov"))
    parser.add_argument("--fleet-clusters", default="500,2000,5000", help="fleet sizes, comma-separated ('' skips the fleet benchmark)")
    parser.add_argument("--helm-up-to", type=int, default=5000, help="largest fleet also expanded with --engine helm")
    parser.add_argument("--rendered", type=int, default=50, help="Jsonnet files and kustomizations in the rendered-carriers tree (0 skips it)")
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
    if args.rendered:
        rendered_speeds(otelstack, args.rendered)
    sizes = [int(n) for n in args.fleet_clusters.split(",") if n.strip()]
    if sizes:
        missed += fleet_speeds(otelstack, sizes, args.helm_up_to)
    if missed:
        print(f"\ngoals missed: {', '.join(missed)}")
        return 1
    print("\nall goals met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
