"""The HCL loader: values with real positions, what is evaluated and what stays unknown."""

from otelstack.hcl import Encoded, FileRef, HeredocText, load_hcl, unescape
from otelstack.source import Unknown
from otelstack.validate.model import SourceFile, decode_values


def _attrs(text: str):
    parsed = load_hcl(text, "main.tf", "/repo/env/main.tf")
    assert parsed.problems == []
    return parsed.blocks[0].doc


def test_literals_objects_tuples_and_unknowns():
    doc = _attrs('locals {\n  a = "x"\n  b = 2\n  c = [true, null, 1.5]\n  d = { k = "v", "q k" = 1 }\n  e = var.x\n  f = "pre-${var.x}"\n  g = cond ? 1 : 2\n}\n')
    assert doc.data["a"] == "x" and doc.data["b"] == 2 and doc.data["c"] == [True, None, 1.5]
    assert doc.data["d"] == {"k": "v", "q k": 1}
    assert doc.data["e"] == Unknown("var.x") and isinstance(doc.data["f"], Unknown) and isinstance(doc.data["g"], Unknown)
    assert (doc.location(("d", "k")).line, doc.location(("d", "k")).column) == (5, 13)
    assert doc.key_location(("d", "q k")).column == 18


def test_escapes():
    assert unescape(r'a\nb\"c\\d$${x}%%{y}\u00e9') == 'a\nb"c\\d${x}%{y}\u00e9'


def test_yamlencode_keeps_positions_inside_the_expression():
    doc = _attrs('locals {\n  v = yamlencode({\n    env = {\n      A = "1"\n    }\n  })\n}\n')
    value = doc.data["v"]
    assert isinstance(value, Encoded) and value.data == {"env": {"A": "1"}}
    assert doc.location(("v", "env", "A")).line == 4


def test_heredoc_yaml_keeps_real_lines_and_blanks_interpolations():
    text = 'locals {\n  v = <<-EOT\n    env:\n      A: ${var.x}\n      B: b\n  EOT\n}\n'
    doc = _attrs(text)
    heredoc = doc.data["v"]
    assert isinstance(heredoc, HeredocText) and heredoc.line_offset == 2 and heredoc.column_offset == 4
    values, unknown, problems = decode_values(heredoc, doc, ("v",), SourceFile("main.tf", "", "hcl", text), None)
    assert problems == [] and not unknown
    assert values.data["env"]["B"] == "b" and isinstance(values.data["env"]["A"], Unknown)
    assert (values.location(("env", "B")).line, values.location(("env", "B")).column) == (5, 10)


def test_file_function_resolves_relative_to_the_module():
    doc = _attrs('locals {\n  a = file("${path.module}/values/beyla.yaml")\n  b = file("x.yaml")\n}\n')
    assert doc.data["a"] == FileRef("/repo/env/values/beyla.yaml")
    assert doc.data["b"] == FileRef("/repo/env/x.yaml")


def test_blocks_nest_as_lists_and_dynamic_blocks_keep_their_name():
    parsed = load_hcl('resource "a" "b" {\n  spec {\n    source { x = 1 }\n    source { x = 2 }\n    dynamic "helm" {\n      for_each = var.h\n      content { y = 3 }\n    }\n'
                      '    dynamic "kustomize" {\n      for_each = [1, 2]\n      content { z = kustomize.value }\n    }\n  }\n}\n', "m.tf")
    data = parsed.blocks[0].doc.data
    assert [s["x"] for s in data["spec"][0]["source"]] == [1, 2]
    assert data["spec"][0]["dynamic helm"][0]["content"][0] == {"y": 3}  # for_each unknown: the content stands for them
    assert data["spec"][0]["kustomize"] == [{"z": 1}, {"z": 2}]  # for_each known: the blocks it generates


def test_syntax_errors_point_at_the_fault():
    cases = {
        'resource "x" "y" {\n  a = "unterminated\n}\nresource "z" "w" {\n  b = 1\n}\n': (2, "unterminated string"),
        'locals {\n  s = 1\n}\nresource "a" "b" {\n  x = [1, 2\n}\n': (5, "'[' is never closed"),
        'resource "a" "b" {\n  x = f(1\n}\n': (2, "'(' is never closed"),
        'resource "a" "b" {\n  x = 1\n': (1, "'{' is never closed"),
    }
    for text, (line, message) in cases.items():
        problems = load_hcl(text, "m.tf").problems
        assert len(problems) == 1 and problems[0][0].line == line and message in problems[0][1], (text, problems)
