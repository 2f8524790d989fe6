"""Field-test suite: small trees in the shapes public platform repos take (written here, from what
was seen in public repositories, named in each case.yaml), each with the exact findings expected.
Most are valid shapes that must give no error."""

from pathlib import Path

import pytest

from realworld import cases, clone, observe, runs

CASES = cases()


def test_there_are_enough_shapes():
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path, tmp_path: Path):
    tree = clone(case, tmp_path)
    for run in runs(case):
        seen = observe(tree, run["paths"])
        assert seen["usage_error"] == run.get("usage_error"), seen["usage_error"]
        assert not [f for f in seen["findings"] if " internal-error " in f], seen["messages"]
        expected = sorted(run.get("findings") or [])
        assert seen["findings"] == expected, "\n".join(f"{key}: {message}" for key, message in seen["messages"].items())
        for entry in run.get("skipped") or []:
            assert entry in seen["skipped"], seen["skipped"]
