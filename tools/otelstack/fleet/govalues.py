"""Go values as the ApplicationSet controller's templates see them, in Python.

Parameters reach the controller's text/template as Go values: JSON-decoded data (numbers are
float64), cluster labels, annotations and `values` as map[string]string. The difference shows:
`missingkey=zero` and `index` give "" for a missing key of a map[string]string but a nil
interface (printed "<no value>") for map[string]interface{}, and `eq 3 .replicas` compares an int
with a float64 (an error). Mapping: str, bool, int (Go int/int64), float (float64), None (nil),
dict (map[string]interface{}), StrMap (map[string]string), list ([]interface{}).
"""

from __future__ import annotations

import math
from typing import Any

from otelstack.source import Unknown


class TemplateError(Exception):
    """The template fails the way the controller's would: it does not render."""


class NeedsEngine(Exception):
    """A construct or function of the controller's engine that otelstack's Python engine does
    not evaluate (another engine, helm's, can)."""

    def __init__(self, construct: str) -> None:
        super().__init__(construct)
        self.construct = construct


class Nondeterministic(NeedsEngine):
    """A function whose result differs run to run (time, randomness): no engine previews it."""


class StrMap(dict):
    """A Go map[string]string (cluster labels, annotations, generator values, split's result)."""

    __slots__ = ()


def go_json(value: Any) -> Any:
    """A value as Go's encoding/json decodes it into interface{}: every number a float64."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dict):
        return {str(k): go_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [go_json(v) for v in value]
    if isinstance(value, Unknown):  # known at apply: the fields that read it are not expanded, never its text spliced in
        return value
    return str(value)


def type_name(value: Any) -> str:
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, StrMap):
        return "map[string]string"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    return type(value).__name__


def format_float(value: float) -> str:
    """Go's strconv.FormatFloat(f, 'g', -1, 64), which fmt's %v uses: shortest digits, exponent
    form when the exponent is below -4 or at least 6 (1.234567e+06, 1e-05; 123456 stays)."""
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    digits = repr(value)  # Python's repr is the shortest round-trip form too
    mantissa, _, exponent = digits.partition("e")
    sign = "-" if mantissa.startswith("-") else ""
    mantissa = mantissa.lstrip("-")
    whole, _, fraction = mantissa.partition(".")
    if fraction == "0":
        fraction = ""
    raw = (whole + fraction).lstrip("0") or "0"
    point = len(whole) + (int(exponent) if exponent else 0)
    if whole == "0" or (not whole.strip("0")):
        # 0.000123 -> digits 123, point at -3
        stripped = fraction.lstrip("0")
        point = -(len(fraction) - len(stripped)) + (int(exponent) if exponent else 0)
        raw = stripped
    raw = raw.rstrip("0") or "0"
    exp = point - 1
    if exp < -4 or exp >= 6:
        head = raw[0] + ("." + raw[1:] if len(raw) > 1 else "")
        return f"{sign}{head}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{raw}"
    if point >= len(raw):
        return f"{sign}{raw}{'0' * (point - len(raw))}"
    return f"{sign}{raw[:point]}.{raw[point:]}"


def fmt_v(value: Any, top: bool = True) -> str:
    """fmt's %v of a value (maps with sorted keys, slices in brackets, nil as <nil>)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "map[" + " ".join(f"{fmt_v(k, False)}:{fmt_v(v, False)}" for k, v in sorted(value.items())) + "]"
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(fmt_v(v, False) for v in value) + "]"
    if isinstance(value, bytes):
        return "[" + " ".join(str(b) for b in value) + "]"
    return str(value)


def printed(value: Any) -> str:
    """What an action prints: text/template writes an unset value as <no value>."""
    if value is None:
        return "<no value>"
    return fmt_v(value)


def is_true(value: Any) -> bool:
    """text/template's truth: false, 0, nil and empty strings and collections are false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, (str, dict, list, tuple, bytes)):
        return len(value) > 0
    return True


_BASIC_KINDS = {"<nil>": "invalid", "bool": "bool", "int": "int", "float64": "float", "string": "string"}


def basic_kind(value: Any) -> str:
    """text/template's kinds for comparisons: invalid, bool, int, float, string, other."""
    return _BASIC_KINDS.get(type_name(value), "other")
