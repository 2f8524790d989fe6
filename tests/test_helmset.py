"""Helm's --set syntax as the helm provider's set/set_list/set_sensitive blocks apply it."""

import pytest

from otelstack.helmset import SetError, apply, typed


def _set(expression: str, data=None, as_string=False):
    data = {} if data is None else data
    assigned = apply(data, expression, as_string)
    return data, assigned


def test_dotted_names_make_nested_maps_and_merge_with_what_is_there():
    data, assigned = _set("manager.collectorImage.repository=otel/opentelemetry-collector-k8s",
                          {"manager": {"collectorImage": {"tag": "0.113.0"}, "replicas": 1}})
    assert data == {"manager": {"collectorImage": {"tag": "0.113.0", "repository": "otel/opentelemetry-collector-k8s"}, "replicas": 1}}
    assert assigned == [("manager", "collectorImage", "repository")]


def test_escaped_dots_stay_in_the_key():
    data, assigned = _set(r"podAnnotations.prometheus\.io/scrape=true")
    assert data == {"podAnnotations": {"prometheus.io/scrape": True}}
    assert assigned == [("podAnnotations", "prometheus.io/scrape")]


def test_list_indexes_grow_the_list_with_nulls():
    data, assigned = _set("tolerations[1].operator=Exists")
    assert data == {"tolerations": [None, {"operator": "Exists"}]}
    assert assigned == [("tolerations", 1, "operator")]
    data, _ = _set("matrix[0][1]=x")
    assert data == {"matrix": [[None, "x"]]}


def test_list_values_and_several_assignments():
    data, assigned = _set("args={--a,--b,3},replicas=2")
    assert data == {"args": ["--a", "--b", 3], "replicas": 2}
    assert assigned == [("args",), ("replicas",)]


@pytest.mark.parametrize("text,value", [
    ("true", True), ("FALSE", False), ("null", None), ("0", 0), ("42", 42), ("-7", -7),
    ("007", "007"), ("1.5", "1.5"), ("", ""), ("9223372036854775808", "9223372036854775808"), ("a b", "a b"),
])
def test_scalars_are_typed_as_helm_types_them(text, value):
    assert typed(text) == value and type(typed(text)) is type(value)


def test_string_type_keeps_text():
    data, _ = _set("image.tag=1.10", as_string=True)
    assert data == {"image": {"tag": "1.10"}}
    data, _ = _set("enabled=true", as_string=True)
    assert data == {"enabled": "true"}


def test_a_comma_in_a_value_starts_another_name_unless_escaped():
    data, _ = _set(r"hosts=a\,b")
    assert data == {"hosts": "a,b"}
    with pytest.raises(SetError, match="has no value"):
        _set("hosts=a,b")


@pytest.mark.parametrize("expression,message", [
    ("a.b=1", "is not a map"),
    ("a[x]=1", "not a number"),
    ("a[-1]=1", "negative"),
    ("a={1,2", "must terminate"),
    ("name", "has no value"),
])
def test_what_helm_refuses(expression, message):
    with pytest.raises(SetError, match=message):
        apply({"a": "text"} if expression.startswith("a.b") else {}, expression)
