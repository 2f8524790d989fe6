"""Hostile input for every loader: truncated, binary, huge and deeply nested files. Each run must
end quickly with findings (or none), never with a crash or an internal error."""

import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from otelstack.hcl import load_hcl
from otelstack.validate import validate
from otelstack.yamlsource import load_yaml

CASES = Path(__file__).parent / "cases" / "reference"
REPO = Path(__file__).resolve().parents[2]
SEEDS = {
    "main.tf": (CASES / "main.tf").read_text(),
    "collector.yaml": (CASES / "collector.yaml").read_text(),
    "otelstack.yaml": (REPO / "otelstack.yaml").read_text(),
    "collector.yaml.j2": (REPO / "manifests/templates/collector.yaml.j2").read_text(),
}
NAMES = sorted(SEEDS)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _run(name: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        Path(directory, name).write_bytes(content)
        started = time.perf_counter()
        report = validate([directory])
        elapsed = time.perf_counter() - started
    crashes = [f for f in report.findings if f.rule == "internal-error"]
    assert crashes == [], crashes
    assert elapsed < 10, f"{name}: {elapsed:.1f}s"
    for finding in report.findings:
        assert finding.line >= 1 and finding.column >= 1


@FAST
@given(st.sampled_from(NAMES), st.floats(min_value=0, max_value=1))
def test_truncated_files(name, fraction):
    text = SEEDS[name]
    _run(name, text[: int(len(text) * fraction)].encode())


@FAST
@given(st.sampled_from(NAMES), st.binary(max_size=2000))
def test_binary_files(name, blob):
    _run(name, blob)


@FAST
@given(st.sampled_from(NAMES), st.integers(min_value=0, max_value=2000), st.binary(min_size=1, max_size=50))
def test_corrupted_files(name, position, garbage):
    data = SEEDS[name].encode()
    position = min(position, len(data))
    _run(name, data[:position] + garbage + data[position:])


def test_deeply_nested_yaml_and_hcl():
    depth = 5000
    _run("deep.yaml", ("a: " + "[" * depth + "]" * depth + "\n").encode())
    _run("deep-block.yaml", "".join(f"{'  ' * i}k{i}:\n" for i in range(400)).encode())
    _run("deep.tf", ("locals {\n  a = " + "{ b = " * depth + "1" + " }" * depth + "\n}\n").encode())
    _run("deep-blocks.tf", ("resource \"argocd_application\" \"x\" {\n" + "spec {\n" * 300 + "}\n" * 300 + "}\n").encode())
    _run("deep.yaml.j2", ("{% if a %}" * 300 + "x" + "{% endif %}" * 300).encode())


def test_huge_files():
    items = "".join(f"  - name: item{i}\n    value: {i}\n" for i in range(60000))
    _run("huge.yaml", f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata:\n  list: |\n{items}".encode())
    _run("huge.tf", ("locals {\n" + "".join(f"  v{i} = [{', '.join(str(j) for j in range(20))}]\n" for i in range(20000)) + "}\n").encode())
    too_big = b"a: " + b"x" * (5 * 1024 * 1024) + b"\n"
    with tempfile.TemporaryDirectory() as directory:
        Path(directory, "too-big.yaml").write_bytes(too_big)
        report = validate([directory])
    assert [f.rule for f in report.findings] == ["syntax-yaml"] and "limit" in report.findings[0].message


def test_alias_bomb():
    text = "a: &a [" + ",".join(["1"] * 10) + "]\n"
    prev = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]\n"
        prev = name
    _run("bomb.yaml", text.encode())


@FAST
@given(st.text(max_size=300))
def test_loaders_never_raise(text):
    load_yaml(text, "x.yaml")
    load_hcl(text, "x.tf")


def test_keys_that_are_not_strings(tmp_path: Path):
    """`?` alone is a mapping with a null key; `1:` an integer key. JSON schema validators take
    only string keys: each is a finding at its line, and the rest of the document is still checked."""
    (tmp_path / "otelstack.yaml").write_text("?")
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  1: a\n  2.5: b\n")
    report = validate([str(tmp_path)])
    assert not [f for f in report.findings if f.rule == "internal-error"]
    keys = sorted((f.file, f.line, f.message) for f in report.findings if "a key must be a string" in f.message)
    assert keys == [("cm.yaml", 5, "ConfigMap x: data: a key must be a string, not integer 1"),
                    ("cm.yaml", 6, "ConfigMap x: data: a key must be a string, not number 2.5"),
                    ("otelstack.yaml", 1, "(top): a key must be a string, not null")]
    assert any(f.file == "otelstack.yaml" and "missing required key 'version'" in f.message for f in report.findings)
    assert not any("unknown key 'null'" in f.message for f in report.findings)
