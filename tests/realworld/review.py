"""Print what otelstack reports today on every field-test case (for reviewing case.yaml; the
expected findings there are judged by hand, never copied from this output)."""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from realworld import cases, clone, observe, runs  # noqa: E402

wanted = sys.argv[1:]
with tempfile.TemporaryDirectory() as tmp:
    for case in cases():
        if wanted and not any(w in case.name for w in wanted):
            continue
        tree = clone(case, Path(tmp))
        print(f"== {case.name}")
        for run in runs(case):
            seen = observe(tree, run["paths"])
            print(f"  paths {run['paths']}: {len(seen['files'])} files read" + (f"; usage error: {seen['usage_error']}" if seen["usage_error"] else ""))
            for finding in seen["findings"]:
                print(f"    {finding}  -- {seen['messages'][finding]}")
            for entry in seen["skipped"]:
                print(f"    skipped {entry}")
