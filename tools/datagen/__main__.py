"""`python -m datagen [--only NAME] [--check] [--mirrors DIR]`: regenerate otelstack's data files."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import time

from datagen import DATA_DIR, SOURCES, render, source
from datagen.upstream import UpstreamError, open_mirror, open_optional


def default_mirrors() -> str:
    return os.environ.get("DATAGEN_MIRRORS") or str(DATA_DIR.parents[3] / ".mirror")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m datagen", description=__doc__)
    parser.add_argument("--only", action="append", choices=SOURCES, help="run only this source (repeatable)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a committed file differs")
    parser.add_argument("--mirrors", default=default_mirrors(),
                        help="directory of fetched bare mirrors, <owner>+<name>/repo (default: $DATAGEN_MIRRORS or ../.mirror)")
    args = parser.parse_args(argv)
    names = args.only or list(SOURCES)
    modules = [source(name) for name in names]
    missing = sorted({repo for module in modules for repo in module.REPOSITORIES
                      if not os.path.isdir(os.path.join(args.mirrors, repo.replace("/", "+"), "repo"))})
    if missing:
        print(f"datagen: missing upstream mirrors under {args.mirrors}:", file=sys.stderr)
        for repo in missing:
            print(f"  fetch github:{repo}   (the search tool's fetch; or set DATAGEN_MIRRORS)", file=sys.stderr)
        return 2
    stale = []
    for name, module in zip(names, modules):
        started = time.perf_counter()
        repos = [open_mirror(args.mirrors, repo) for repo in module.REPOSITORIES]
        repos += [open_optional(args.mirrors, repo) for repo in getattr(module, "OPTIONAL_REPOSITORIES", ())]
        for repo in repos:
            if not repo.present:
                print(f"datagen: {name}: optional {repo.name} not read ({repo.reason}): fetch github:{repo.name} to use it",
                      file=sys.stderr)
        try:
            files = render(module, repos)
        except UpstreamError as exc:
            print(f"datagen: {name}: {exc}", file=sys.stderr)
            return 1
        finally:
            for repo in repos:
                repo.close()
        for path, text in files.items():
            target = DATA_DIR / path
            old = target.read_text(encoding="utf-8") if target.exists() else ""
            if old == text:
                continue
            if args.check:
                stale.append(path)
                diff = list(difflib.unified_diff(old.splitlines(), text.splitlines(), f"committed/{path}", f"generated/{path}", lineterm=""))
                print("\n".join(diff[:40]) + ("\n..." if len(diff) > 40 else ""))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(target.suffix + ".tmp")
                tmp.write_text(text, encoding="utf-8")
                os.replace(tmp, target)
        sizes = sum(len(t.encode()) for t in files.values())
        print(f"datagen: {name}: {len(files)} file(s), {sizes // 1024} KiB, {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if stale:
        print(f"datagen: {len(stale)} data file(s) differ from a regeneration: {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
