"""Every rule against its own good and bad fixtures, run through the real engine restricted to
that rule. In a bad fixture each expected finding is marked on its line with `# expect: <rule-id>`;
a good fixture expects none."""

import re
import shutil
from pathlib import Path

import pytest

from otelstack.validate import Options, validate
from otelstack.validate.rules import all_rules

FIXTURES = Path(__file__).parent / "rules"
MARKER = re.compile(r"\bexpect:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)")
# Rules whose fixtures need a generated tree; tested in test_engine.py instead.
DYNAMIC = {"render-stale", "internal-error"}


def _expected(directory: Path, rule: str) -> set[tuple[str, int]]:
    found = set()
    for path in sorted(directory.rglob("*")):
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            match = MARKER.search(line)
            if match and rule in [r.strip() for r in match.group(1).split(",")]:
                found.add((path.relative_to(directory).as_posix(), number))
    return found


def _cases():
    for rule in all_rules():
        for kind in ("good", "bad"):
            yield pytest.param(rule.id, kind, id=f"{rule.id}-{kind}")


def test_every_rule_has_fixtures():
    missing = [f"{rule.id}/{kind}" for rule in all_rules() if rule.id not in DYNAMIC for kind in ("good", "bad")
               if not (FIXTURES / rule.id / kind).is_dir()]
    assert missing == []


@pytest.mark.parametrize("rule_id,kind", list(_cases()))
def test_rule_fixture(rule_id: str, kind: str, tmp_path):
    directory = FIXTURES / rule_id / kind
    if rule_id in DYNAMIC:
        pytest.skip("covered in test_engine.py")
    tree = tmp_path / kind  # a tree of its own: inside this repository it would be a part of it
    shutil.copytree(directory, tree)
    report = validate([str(tree)], Options(only={rule_id}))
    actual = {(f.file, f.line) for f in report.findings if f.rule == rule_id}
    expected = _expected(directory, rule_id) if kind == "bad" else set()
    if kind == "bad":
        assert expected, "a bad fixture must mark at least one expected finding"
    details = "\n".join(f"{f.file}:{f.line}:{f.column} {f.message}" for f in report.findings)
    assert actual == expected, details
    assert all(f.rule == rule_id for f in report.findings), details
