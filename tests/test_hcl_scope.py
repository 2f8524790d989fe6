"""The HCL evaluator under a scope: module variables bound to a call (with the call's positions),
literal locals, each/count, templates; what is not bound stays unknown."""

from otelstack.hcl import HeredocText, Locals, Scope, TemplateRef, parse_hcl, render_template
from otelstack.source import Located, Location, Unknown
from otelstack.validate.model import SourceFile, decode_values


def _bound(value, line, file="env/main.tf", **sub_lines):
    located = Located(value, file, {(): Location(file, line, 5)})
    for key, sub_line in sub_lines.items():
        located.locations[(key,)] = Location(file, sub_line, 9)
    return located


def _evaluate(text: str, scope: Scope | None):
    parsed = parse_hcl(text, "modules/app/main.tf", "/repo/modules/app/main.tf")
    assert parsed.problems == []
    if scope is not None and scope.locals is not None:
        for node in parsed.block_nodes:
            if parsed.block_header(node)[0] == "locals":
                scope.locals.add(parsed, node)
        scope.locals.scope = scope
    return parsed.blocks(scope)[-1].doc


def test_variables_take_the_calls_values_and_positions():
    scope = Scope("/repo/modules/app", {"name": _bound("otel", 3), "chart": _bound({"version": "0.74.0"}, 7, version=8)})
    doc = _evaluate('resource "x" "y" {\n  a = var.name\n  b = var.chart.version\n  c = var.chart["version"]\n'
                    '  d = "${var.name}-collector"\n  e = var.missing\n}\n', scope)
    assert doc.data["a"] == "otel" and doc.data["b"] == "0.74.0" and doc.data["c"] == "0.74.0"
    assert doc.location(("a",)) == Location("env/main.tf", 3, 5)  # where the value came from: the call
    assert doc.location(("b",)) == Location("env/main.tf", 8, 9)
    assert doc.data["d"] == "otel-collector" and doc.location(("d",)).file == "modules/app/main.tf"
    assert doc.data["e"] == Unknown("var.missing")


def test_a_root_modules_variables_are_unknown_not_their_defaults():
    doc = _evaluate('variable "v" {\n  default = "x"\n}\nresource "x" "y" {\n  a = var.v\n}\n', Scope("/repo", None))
    assert doc.data["a"] == Unknown("var.v")
    doc = _evaluate('resource "x" "y" {\n  a = var.v\n}\n', None)
    assert doc.data["a"] == Unknown("var.v")


def test_locals_in_any_order_and_cycles_stay_unknown():
    scope = Scope("/repo", {"env": _bound("prod", 1)}, Locals())
    doc = _evaluate('locals {\n  b = "${local.a}-b"\n  a = var.env\n  c = local.d\n  d = local.c\n'
                    '  apps = { api = { path = "api/overlays/prod" } }\n}\n'
                    'resource "x" "y" {\n  one = local.b\n  two = local.c\n  three = local.apps.api.path\n}\n', scope)
    assert doc.data["one"] == "prod-b"
    assert isinstance(doc.data["two"], Unknown)
    assert doc.data["three"] == "api/overlays/prod" and doc.location(("three",)).line == 6


def test_each_and_count_bind_per_instance():
    each = Located({"key": "api", "value": {"path": "api"}}, "m.tf", {(): Location("m.tf", 2, 3), ("value", "path"): Location("m.tf", 2, 20)})
    scope = Scope("/repo", None).with_names(each=each, count=Located({"index": 1}, "m.tf"))
    doc = _evaluate('resource "x" "y" {\n  a = each.key\n  b = each.value.path\n  c = count.index + 1\n  d = each.value.nope\n}\n', scope)
    assert doc.data["a"] == "api" and doc.data["b"] == "api" and doc.data["c"] == 2
    assert doc.location(("b",)) == Location("m.tf", 2, 20)
    assert isinstance(doc.data["d"], Unknown)


def test_conditionals_and_operators_on_known_values_only():
    scope = Scope("/repo", {"on": _bound(True, 1), "n": _bound(3, 2)})
    doc = _evaluate('resource "x" "y" {\n  a = var.on ? 1 : 0\n  b = var.off ? 1 : 0\n  c = !var.on || var.off\n'
                    '  d = var.n * 2 >= 6\n  e = "1" == 1\n  f = false && var.off\n}\n', scope)
    assert doc.data["a"] == 1 and isinstance(doc.data["b"], Unknown) and isinstance(doc.data["c"], Unknown)
    assert doc.data["d"] is True and doc.data["e"] is False and doc.data["f"] is False


def test_functions_over_known_values():
    scope = Scope("/repo", {"values": _bound(["a: 1\n"], 4)})
    doc = _evaluate('resource "x" "y" {\n  a = join("\\n", var.values)\n  b = toset(["a", "b", "a"])\n'
                    '  c = lookup({ k = "v" }, "k", "d")\n  d = merge({ a = 1 }, { b = 2 })\n  e = concat(["a"], ["b"])\n'
                    '  f = coalesce("", "x")\n  g = format("%s-%d", "a", 1)\n}\n', scope)
    assert doc.data["a"] == "a: 1\n" and doc.data["b"] == ["a", "b"] and doc.data["c"] == "v"
    assert doc.data["d"] == {"a": 1, "b": 2} and doc.location(("d", "b")).column == 30
    assert doc.data["e"] == ["a", "b"] and doc.data["f"] == "x" and doc.data["g"] == "a-1"


def test_join_of_one_heredoc_keeps_its_positions():
    text = 'module "m" {\n  values = [\n    <<EOF\n    a: 1\n    EOF\n  ]\n}\n'
    call = parse_hcl(text, "env/main.tf", "/repo/env/main.tf").blocks()[0].doc
    scope = Scope("/repo/modules/app", {"values": call.sub(("values",))})
    doc = _evaluate('resource "x" "y" {\n  v = join("\\n", var.values)\n}\n', scope)
    value = doc.data["v"]
    assert isinstance(value, HeredocText) and value.file == "env/main.tf" and value.line_offset == 3


def test_heredoc_known_interpolations_are_filled_in_and_unknown_ones_are_holes():
    scope = Scope("/repo", {"ns": _bound("otel", 1)})
    doc = _evaluate('resource "x" "y" {\n  v = <<-EOT\n    namespace: ${var.ns}\n    pool: ${var.pool}\n'
                    '    link: "https://x/?v=$${__value.raw}"\n  EOT\n}\n', scope)
    value = doc.data["v"]
    assert not value.templated
    assert value == 'namespace: otel\npool: ___________\nlink: "https://x/?v=${__value.raw}"\n'
    values, unknown, problems = decode_values(value, doc, ("v",), SourceFile("modules/app/main.tf", "", "hcl", ""), None)
    assert problems == [] and not unknown
    assert values.data["namespace"] == "otel" and isinstance(values.data["pool"], Unknown)
    assert values.data["link"] == "https://x/?v=${__value.raw}"


def test_yaml_that_only_exists_after_interpolation_is_not_a_syntax_error():
    # a line that is nothing but an interpolation may be whole YAML lines; directives decide lines
    text = ('resource "x" "y" {\n  v = <<EOT\n          mode: daemonset\n          ${indent(10, file("x.yaml"))}\n'
            '%{ if var.extra ~}\n          extra: true\n%{ endif ~}\n        EOT\n}\n')
    doc = _evaluate(text, None)
    value = doc.data["v"]
    assert isinstance(value, HeredocText) and value.templated
    values, unknown, problems = decode_values(value, doc, ("v",), SourceFile("m.tf", "", "hcl", text), None)
    assert problems == [] and unknown  # what is there is read; what is missing is not concluded
    assert values.data == {"mode": "daemonset"} and values.location(("mode",)).line == 3
    broken = ('resource "x" "y" {\n  v = <<EOT\nconfig:\n%{ for k in var.keys ~}\n  ${k}:\n    enabled: true\n'
              '%{ endfor ~}\n  other: [\nEOT\n}\n')
    doc = _evaluate(broken, None)
    assert decode_values(doc.data["v"], doc, ("v",), SourceFile("m.tf", "", "hcl", broken), None) == (None, True, [])


def test_a_block_scalar_with_an_interpolated_line_is_unknown():
    text = 'resource "x" "y" {\n  v = <<-EOF\n    spec:\n      config: |\n        ${indent(8, file("agent.yaml"))}\n      mode: x\n  EOF\n}\n'
    doc = _evaluate(text, None)
    values, _, problems = decode_values(doc.data["v"], doc, ("v",), SourceFile("m.tf", "", "hcl", text), None)
    assert problems == [] and isinstance(values.data["spec"]["config"], Unknown) and values.data["spec"]["mode"] == "x"


def test_templatefile_renders_with_the_known_variables():
    doc = _evaluate('resource "x" "y" {\n  v = templatefile("${path.module}/values.yaml", { endpoint = "http://c:4318", extra = var.x })\n}\n',
                    Scope("/repo/modules/app", None))
    ref = doc.data["v"]
    assert isinstance(ref, TemplateRef) and ref.path == "/repo/modules/app/values.yaml"
    template = 'exporters:\n  otlphttp:\n    endpoint: ${endpoint}\n%{ if extra != "" ~}\n  otlp/extra: {}\n%{ endif ~}\nmode: ${extra}\n'
    rendered = render_template(template, "values.yaml", "/repo/modules/app/values.yaml", ref.variables)
    assert rendered.file == "values.yaml" and rendered.templated and rendered.line_offset == 0
    values, unknown, problems = decode_values(rendered, doc, ("v",), SourceFile("m.tf", "", "hcl", ""), None)
    assert problems == [] and unknown
    assert values.data["exporters"] == {"otlphttp": {"endpoint": "http://c:4318"}}
    assert values.location(("exporters", "otlphttp", "endpoint")) == Location("values.yaml", 3, 15, 3, 28)
    assert isinstance(values.data["mode"], Unknown)


def test_for_expressions_over_known_collections():
    doc = _evaluate('locals {\n  apps = [{ name = "api", path = "p" }, { name = "web", path = "w" }]\n}\n'
                    'resource "x" "y" {\n  by_name = { for app in local.apps : app.name => app.path }\n'
                    '  upper = [for i, s in ["a", "", "b"] : "${i}:${upper(s)}" if s != ""]\n'
                    '  grouped = { for app in local.apps : app.name => app... }\n  later = [for s in var.list : s]\n}\n',
                    Scope("/repo", None, Locals()))
    assert doc.data["by_name"] == {"api": "p", "web": "w"}
    assert doc.location(("by_name", "web"))[:3] == ("modules/app/main.tf", 2, 64)  # where the path was written
    assert doc.data["upper"] == ["0:A", "2:B"]
    assert isinstance(doc.data["grouped"], Unknown) and isinstance(doc.data["later"], Unknown)


def test_dynamic_blocks_over_known_values_become_the_blocks_they_generate():
    scope = Scope("/repo", {"sets": _bound({"manager.replicas": "2", "preset": "application"}, 3)})
    doc = _evaluate('resource "helm_release" "x" {\n  dynamic "set" {\n    for_each = var.sets\n    iterator = item\n'
                    '    content {\n      name  = item.key\n      value = item.value\n    }\n  }\n'
                    '  dynamic "set_list" {\n    for_each = var.unknown\n    content {\n      name = set_list.key\n    }\n  }\n'
                    '  dynamic "ignore" {\n    for_each = []\n    content {\n      x = 1\n    }\n  }\n}\n', scope)
    assert doc.data["set"] == [{"name": "manager.replicas", "value": "2"}, {"name": "preset", "value": "application"}]
    assert doc.location(("set", 1, "name")) == Location("env/main.tf", 3, 5)  # each key: where the map was passed
    assert list(doc.data["dynamic set_list"][0]["content"][0]) == ["name"]  # not known: its content stands for them
    assert "ignore" not in doc.data and "dynamic ignore" not in doc.data
