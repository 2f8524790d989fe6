from otelstack.yamlsource import MAX_NODES, load_yaml


def test_locations_of_keys_and_values():
    docs = load_yaml("a: 1\nb:\n  c: [1, 2]\n  d: x\n", "f.yaml")
    doc = docs.documents[0]
    assert doc.data == {"a": 1, "b": {"c": [1, 2], "d": "x"}}
    assert (doc.location(("b", "c", 1)).line, doc.location(("b", "c", 1)).column) == (3, 10)
    assert (doc.key_location(("b", "d")).line, doc.key_location(("b", "d")).column) == (4, 3)
    # a path below a scalar falls back to its nearest located ancestor
    assert doc.location(("b", "d", "nothing")).line == 4


def test_multiple_documents_and_duplicate_keys():
    docs = load_yaml("a: 1\n---\nk: 1\nk: 2\n", "f.yaml")
    assert [d.data for d in docs.documents] == [{"a": 1}, {"k": 2}]
    assert len(docs.problems) == 1
    assert docs.problems[0].location.line == 4 and "duplicate key 'k'" in docs.problems[0].message


def test_syntax_error_keeps_earlier_documents():
    docs = load_yaml("a: 1\n---\nb: [unclosed\n", "f.yaml")
    assert [d.data for d in docs.documents] == [{"a": 1}]
    assert docs.problems[0].location.line == 3  # where the unclosed flow sequence opens
    assert "(opened here)" in docs.problems[0].message
    assert docs.problems[0].message.startswith("YAML syntax error")


def test_missing_flow_value_is_reported_where_it_is_missing():
    (problem,) = load_yaml("version: 1\nargocd: [\n", "f.yaml").problems
    assert (problem.location.line, problem.location.column) == (3, 1)
    assert "did not find expected node content" in problem.message and "opened here" not in problem.message


def test_binary_content_is_a_problem_not_a_crash():
    docs = load_yaml("kind: x\n\x00\xff", "b.yaml")
    assert docs.documents == []
    assert docs.problems[0].location.line == 2
    assert "NUL" in docs.problems[0].message


def test_alias_bomb_is_stopped():
    text = "a: &a [" + ",".join(["1"] * 10) + "]\n"
    prev = "a"
    for name in "bcdefg":
        text += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]\n"
        prev = name
    docs = load_yaml(text, "bomb.yaml")
    assert any(f"more than {MAX_NODES} nodes" in p.message for p in docs.problems)


def test_offsets_place_embedded_yaml():
    docs = load_yaml("x: 1\ny: [2\n", "main.tf", line_offset=10, column_offset=4)
    assert docs.problems[0].location.line == 12
    ok = load_yaml("x: 1\ny: 2\n", "main.tf", line_offset=10, column_offset=4).documents[0]
    assert (ok.location(("x",)).line, ok.location(("x",)).column) == (11, 8)
    assert (ok.location(("y",)).line, ok.location(("y",)).column) == (12, 4)


def test_a_line_without_colon_is_reported_on_that_line_not_where_parsing_stopped():
    # PyYAML notices it only at the next token, lines later; the fault is the line that is not `key: value`
    text = "env:\n  A: b\nthis line has no colon\n\n\nother: 1\n"
    (problem,) = load_yaml(text, "values.yaml").problems
    assert (problem.location.line, problem.location.column) == (3, 1)
    # inside a block scalar (Helm values in a YAML Application), placed at the real line too
    (embedded,) = load_yaml("env:\n  A: b\nno colon here\nother: 1\n", "app.yaml", line_offset=12, indent=8).problems
    assert (embedded.location.line, embedded.location.column) == (15, 9)


def test_indented_json_is_located_as_the_yaml_loader_locates_it(repo_root):
    """Rendered tfvars (json.dumps with indent) take a one-pass locator: same data, same locations."""
    from otelstack.yamlsource import _load_indented_json, _load_yaml

    for path in sorted((repo_root / "terraform" / "environments").glob("*/otelstack.auto.tfvars.json")):
        text = path.read_text()
        fast, slow = _load_indented_json(text, path.name).documents[0], _load_yaml(text, path.name).documents[0]
        assert (fast.data, fast.locations, fast.key_locations) == (slow.data, slow.locations, slow.key_locations)
    assert _load_indented_json('{"a": 1}', "x.json") is None  # not one value per line: the YAML loader reads it
