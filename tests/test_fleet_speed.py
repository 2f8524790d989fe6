"""What makes a large fleet fast must not change a result: work done once for identical data
(a fleet's clusters, its per-cluster files) gives, in every file, what doing it again would give."""

import gc
import os
import weakref
from pathlib import Path

import pytest

from helpers import replace_in
from otelstack import schemacheck, yamlsource
from otelstack.fleet.compose import compose_fleet
from otelstack.memo import LayoutCache
from otelstack.render.compose import compose
from otelstack.render.files import plan_changes
from otelstack.source import Location
from otelstack.stack import load_stack
from otelstack.validate.engine import load
from otelstack.validate.finding import Problem
from otelstack.validate.loaders.discover import display_name

BODY = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: {team: a, tier: "1"}
data:
  list:
    - one
    - {two: 2}
---
kind: Second
spec: {x: [1, 2]}
"""


def _tables(doc):
    return doc.data, doc.file, dict(doc.locations), dict(doc.key_locations)


@pytest.mark.parametrize("header", ["# cluster a\n# do not edit\n", "# another cluster, another header\n# line two\n"])
def test_a_file_that_shares_its_body_reads_as_if_parsed_alone(header: str):
    text = header + BODY
    yamlsource.load_yaml("# first\n# copy\n" + BODY, "first.yaml")  # the body is now cached
    shared = yamlsource.load_yaml(text, "mine.yaml")
    alone = yamlsource._load_yaml(text, "mine.yaml")
    assert [_tables(d) for d in shared.documents] == [_tables(d) for d in alone.documents]
    for paths in [(), ("metadata", "labels", "tier"), ("data", "list", 1, "two"), ("data", "nothing", "here")]:
        assert shared.documents[0].location(paths) == alone.documents[0].location(paths)
        assert shared.documents[0].key_location(paths) == alone.documents[0].key_location(paths)
    view, expected = shared.documents[0].sub(("data", "list")), alone.documents[0].sub(("data", "list"))
    assert _tables(view) == _tables(expected)
    assert view.location((1, "two")) == expected.location((1, "two"))


def test_a_shared_layout_ends_where_a_document_changes_its_tables():
    first = yamlsource.load_yaml("# a\n" + BODY, "a.yaml").documents[0]
    second = yamlsource.load_yaml("# b\n" + BODY, "b.yaml").documents[0]
    assert yamlsource.layout_of(first) is yamlsource.layout_of(second) is not None
    second.locations[("metadata",)] = Location("b.yaml", 99, 1)
    assert yamlsource.layout_of(second) is None
    assert second.location(("metadata", "name")).line == 5 and second.location(("metadata",)).line == 99
    assert first.location(("metadata",)).line == 5  # where its value starts


def test_identical_data_is_checked_once_and_located_in_each_document():
    validator = schemacheck.compile_schema({"type": "object", "additionalProperties": False,
                                            "properties": {"replicas": {"type": "integer"}, "name": {"type": "string"}}})
    one = yamlsource.load_yaml("name: x\nreplicas: two\nextra: 1\n", "one.yaml").documents[0]
    other = yamlsource.load_yaml("# a comment first\n\nname: x\n\nreplicas: two\nextra: 1\n", "other.yaml").documents[0]
    assert one.data == other.data
    found = [[(p.location.file, p.location.line, p.message) for p in schemacheck.check(validator, doc)] for doc in (one, other)]
    assert found[0] == [("one.yaml", 2, "replicas: expected integer, got string 'two'"), ("one.yaml", 3, "unknown key 'extra' in (top)")]
    assert found[1] == [("other.yaml", 5, "replicas: expected integer, got string 'two'"), ("other.yaml", 6, "unknown key 'extra' in (top)")]


def test_findings_of_a_file_are_placed_in_each_copy_and_outside_ones_found_again():
    cache, calls = LayoutCache(), []
    docs = [yamlsource.load_yaml(f"# cluster {n}\n" + BODY, f"{n}.yaml").documents[0] for n in ("a", "b")]

    def inside(doc):
        calls.append(doc.file)
        return [Problem(doc.location(("metadata", "labels", "tier")), "tier is text")]

    placed = [cache.get(doc, ("rule",), lambda doc=doc: inside(doc)) for doc in docs]
    assert calls == ["a.yaml"]
    assert [p.location for p in placed[1]] == [docs[1].location(("metadata", "labels", "tier"))]
    assert placed[1][0].location.file == "b.yaml" and placed[1][0].message == "tier is text"

    elsewhere = []
    for doc in docs:
        cache.get(doc, ("other rule",), lambda doc=doc: elsewhere.append(doc.file) or [Problem(Location("values.yaml", 3), "x")])
    assert elsewhere == ["a.yaml", "b.yaml"]


@pytest.mark.parametrize("path,root", [("/a/b/c", "/a"), ("/a", "/a"), ("/a/b", "/"), ("/ab/c", "/a"), ("/a/.x/y", "/a"),
                                       ("/a/b/../c", "/a"), ("/a/b/", "/a"), ("/a/b//c", "/a"), ("/a/b", "/a/")])
def test_display_names_are_what_relpath_gives(path: str, root: str):
    assert display_name(path, root) == os.path.relpath(path, root)


def test_a_rendered_file_with_carriage_returns_is_compared_as_text(tmp_path: Path):
    (tmp_path / "same.yaml").write_bytes(b"a: 1\n")
    (tmp_path / "crlf.yaml").write_bytes(b"a: 1\r\n")
    changes = plan_changes(tmp_path, {"same.yaml": "a: 1\n", "crlf.yaml": "a: 1\r\n", "new.yaml": "b: 2\n"}, [])
    # text mode reads "\r\n" as "\n": such a file never equals an output that has "\r" (as before)
    assert [(c.path, c.kind) for c in changes] == [("crlf.yaml", "update"), ("new.yaml", "create")]


def test_clusters_composed_alike_compose_as_each_would_alone(stack_repo: Path):
    more = ("  - name: eu-west-2\n    server: https://eu-west-2.k8s.example.com\n    environment: fleet\n"
            "    overrides:\n      collector:\n        replicas: 3\n"
            "  - name: eu-west-3\n    server: https://eu-west-3.k8s.example.com\n    environment: fleet\n")
    replace_in(stack_repo / "otelstack.yaml", "  - name: us-east-1\n", more + "  - name: us-east-1\n")
    stack_file = load_stack(stack_repo / "otelstack.yaml")
    assert not stack_file.problems
    fleet = compose_fleet(stack_file, "fleet")
    members = {m.name: m for m in fleet.clusters}
    assert members["eu-west-2"].composition.applications[0] is members["eu-west-1"].composition.applications[0]
    for member in fleet.clusters:
        alone = compose(member.stack)
        assert member.composition.stack is member.stack
        assert [(a.name, a.spec, a.values) for a in member.composition.applications] == [(a.name, a.spec, a.values) for a in alone.applications]
        assert (member.composition.collector, member.composition.beyla_endpoint) == (alone.collector, alone.beyla_endpoint)


def test_a_run_leaves_no_model_behind(repo_root: Path):
    """A long-lived process (the tests, an editor) validates again and again: each run's model goes."""
    loaded = load([str(repo_root / "terraform" / "environments" / "kind")])
    assert loaded.platform.applications
    gone = weakref.ref(loaded.platform)
    del loaded
    gc.collect()
    assert gone() is None
