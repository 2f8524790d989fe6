"""`otelstack rules --format markdown`: the rules reference (docs/rules.md) written from each rule's
metadata and docstring, and the check `make lint` runs on it."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import run_cli
from otelstack.validate.catalogue import markdown
from otelstack.validate.finding import Severity
from otelstack.validate.rules import RuleInfo, all_rules

REPO = Path(__file__).resolve().parent.parent
LABEL = re.compile(r"^(Problematic|Correct)\b[^\n]*:$", re.M)


def test_docs_rules_md_is_current():
    result = run_cli(["rules", "--format", "markdown", "--check", str(REPO / "docs" / "rules.md")])
    assert result.code == 0, result.out + result.err


def test_every_rule_is_documented_with_its_examples():
    text = markdown(all_rules())
    sections = re.split(r"(?m)^### ", text)[1:]
    assert [section.split("\n", 1)[0] for section in sections] == [rule.id for rule in all_rules()]
    for rule, section in zip(all_rules(), sections):
        section = re.split(r"(?m)^## ", section)[0]  # up to the next group
        assert f"**{rule.severity.value}** · {rule.summary}" in section
        labels = LABEL.findall(rule.doc)
        assert labels, f"{rule.id}: its docstring has no Problematic/Correct example"
        assert section.count("\n```\n") == len(labels), rule.id  # one closed code block per example
        for line in rule.doc.splitlines()[1:]:
            assert line.strip() in section, f"{rule.id}: {line!r} is missing"


def test_a_new_rule_needs_nothing_but_its_module():
    doc = ('Demo values that are wrong.\n\nWhy it matters, in prose.\n\nProblematic (chart 1.0.0):\n'
           '    resource "argocd_application" "x" {\n      spec { }\n    }\nCorrect:\n    values:\n      key: 1\n'
           'Correct:\n    pin another chart\n')
    rule = RuleInfo("demo-values", Severity.WARNING, "demo", doc.splitlines()[0], doc, module=None)
    text = markdown([rule])
    assert "| [demo](#demo) | [`demo-values`](#demo-values) |" in text
    assert "### demo-values\n\n**warning** · Demo values that are wrong.\n\nWhy it matters, in prose.\n\nProblematic (chart 1.0.0):\n\n```hcl\n" \
           'resource "argocd_application" "x" {\n  spec { }\n}\n```\n\nCorrect:\n\n```yaml\nvalues:\n  key: 1\n```\n\nCorrect:\n\n```text\npin another chart\n```\n' in text


def test_check_reports_a_stale_or_missing_reference(tmp_path: Path):
    stale = tmp_path / "rules.md"
    stale.write_text((REPO / "docs" / "rules.md").read_text().replace("**error** · HCL syntax errors", "**error** · HCL errors", 1))
    result = run_cli(["rules", "--format", "markdown", "--check", str(stale)])
    assert result.code == 1
    assert "-**error** · HCL errors" in result.out and "+**error** · HCL syntax errors" in result.out
    assert f"{stale} is stale; regenerate it with `otelstack rules --format markdown --output {stale}`" in result.err
    missing = run_cli(["rules", "--format", "markdown", "--check", str(tmp_path / "none.md")])
    assert missing.code == 1 and "does not exist" in missing.err
    written = run_cli(["rules", "--format", "markdown", "--output", str(stale)])
    assert written.code == 0 and stale.read_text() == markdown(all_rules())
