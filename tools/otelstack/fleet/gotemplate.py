"""A faithful subset of Go text/template (with the Sprig functions ApplicationSets use most), to
expand ApplicationSet templates offline the way the controller does with goTemplate: true.

Supported: text, `{{ }}` actions with `{{-`/`-}}` trimming, comments, field chains
(`.name`, `.metadata.labels.region`), string/number/bool literals, parenthesised pipelines,
`|` pipes, and the functions in FUNCTIONS. Field access on a missing key is an error, as with the
controller's `missingkey=error`; `index` of a missing key gives the zero value, as in Go.
Anything else (`if`, `range`, `with`, variables, other functions) raises Unsupported naming the
construct: otelstack reports "cannot expand offline" instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable


class TemplateError(Exception):
    """The template fails the way the controller would (a missing key, a bad call)."""


class Unsupported(Exception):
    """A construct this subset does not evaluate."""

    def __init__(self, construct: str) -> None:
        super().__init__(construct)
        self.construct = construct


_ACTION = re.compile(r"\{\{(-\s)?(.*?)(\s-)?\}\}", re.S)
_TOKEN = re.compile(r"""\s*(?:(?P<string>"(?:[^"\\]|\\.)*"|`[^`]*`)|(?P<number>-?\d+(?:\.\d+)?)|(?P<field>(?:\.[A-Za-z_][A-Za-z0-9_]*)+|\.)"""
                    r"""|(?P<var>\$[A-Za-z0-9_]*)|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)|(?P<punct>[|()]|:=|=))""")
_KEYWORDS = {"if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"}


def _go_string(value: Any) -> str:
    if value is None:
        return "<no value>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go_string(v)}" for k, v in sorted(value.items())) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_go_string(v) for v in value) + "]"
    return str(value)


def _empty(value: Any) -> bool:
    return value is None or value is False or value == 0 or value == "" or value == [] or value == {}


def _printf(fmt: str, *args: Any) -> str:
    values = iter(args)

    def one(match: re.Match) -> str:
        verb = match.group(0)
        if verb == "%%":
            return "%"
        value = next(values, None)
        if verb == "%d":
            return str(int(value))
        if verb == "%q":
            return '"' + _go_string(value).replace('"', '\\"') + '"'
        return _go_string(value)

    return re.sub(r"%[sdvq%]", one, fmt)


def _index(collection: Any, *keys: Any) -> Any:
    for key in keys:
        if isinstance(collection, dict):
            collection = collection.get(key)  # a missing key gives the zero value
        elif isinstance(collection, list) and isinstance(key, int):
            if not 0 <= key < len(collection):
                raise TemplateError(f"index out of range: {key}")
            collection = collection[key]
        else:
            raise TemplateError(f"can't index item of type {type(collection).__name__}")
    return collection


def _normalize(name: str) -> str:
    from otelstack.fleet.expand import normalize

    return normalize(name)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "index": _index,
    "default": lambda fallback, value=None: fallback if _empty(value) else value,
    "lower": lambda s: _go_string(s).lower(),
    "upper": lambda s: _go_string(s).upper(),
    "trim": lambda s: _go_string(s).strip(),
    "trimPrefix": lambda prefix, s: _go_string(s).removeprefix(prefix),
    "trimSuffix": lambda suffix, s: _go_string(s).removesuffix(suffix),
    "replace": lambda old, new, s: _go_string(s).replace(old, new),
    "trunc": lambda n, s: _go_string(s)[: int(n)] if int(n) >= 0 else _go_string(s)[int(n):],
    "quote": lambda *values: " ".join('"' + _go_string(v).replace('"', '\\"') + '"' for v in values),
    "squote": lambda *values: " ".join("'" + _go_string(v) + "'" for v in values),
    "toString": _go_string,
    "printf": _printf,
    "print": lambda *values: "".join(_go_string(v) for v in values),
    "hasPrefix": lambda prefix, s: _go_string(s).startswith(prefix),
    "hasSuffix": lambda suffix, s: _go_string(s).endswith(suffix),
    "contains": lambda part, s: part in _go_string(s),
    "eq": lambda a, *others: any(a == b for b in others),
    "ne": lambda a, b: a != b,
    "not": lambda value: _empty(value),
    "len": lambda value: len(value) if value is not None else 0,
    "normalize": lambda s: _normalize(_go_string(s)),  # Argo CD's own addition to Sprig
}


@dataclass(frozen=True)
class Template:
    source: str

    def render(self, data: dict) -> str:
        return render(self.source, data)


def render(source: str, data: dict) -> str:
    """Render `source` with `data` as the dot. Raises TemplateError or Unsupported."""
    out: list[str] = []
    position = 0
    trim_next = False
    for match in _ACTION.finditer(source):
        text = source[position : match.start()]
        if trim_next:
            text = text.lstrip()
        if match.group(1):
            text = text.rstrip()
        out.append(text)
        body = match.group(2).strip()
        trim_next = bool(match.group(3))
        position = match.end()
        if body.startswith("/*") and body.endswith("*/"):
            continue
        out.append(_go_string(_pipeline(_tokens(body), data, body)))
    tail = source[position:]
    out.append(tail.lstrip() if trim_next else tail)
    if "{{" in tail:
        raise Unsupported("an unclosed {{ action")
    return "".join(out)


def references(source: str) -> list[str]:
    """Field chains an expression reads, e.g. ['metadata.labels.region'] (for missing-key checks)."""
    found = []
    for match in _ACTION.finditer(source):
        for token in _TOKEN.finditer(match.group(2)):
            if token.group("field") and token.group("field") != ".":
                found.append(token.group("field")[1:])
    return found


def _tokens(body: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    while position < len(body):
        if body[position:].strip() == "":
            break
        match = _TOKEN.match(body, position)
        if match is None or match.end() == position:
            raise Unsupported(f"the expression {body!r}")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "var" or (kind == "punct" and value in (":=", "=")):
            raise Unsupported(f"template variables ({body!r})")
        if kind == "ident" and value in _KEYWORDS:
            raise Unsupported(f"the {value!r} action")
        tokens.append((kind, value))
        position = match.end()
    return tokens


def _pipeline(tokens: list[tuple[str, str]], data: dict, body: str) -> Any:
    commands: list[list[tuple[str, str]]] = [[]]
    depth = 0
    for token in tokens:
        if token == ("punct", "|") and depth == 0:
            commands.append([])
            continue
        if token == ("punct", "("):
            depth += 1
        elif token == ("punct", ")"):
            depth -= 1
        commands[-1].append(token)
    if any(not command for command in commands):
        raise Unsupported(f"an empty pipeline stage in {body!r}")
    value: Any = _NOTHING
    for command in commands:
        value = _command(command, data, body, value)
    return value


_NOTHING = object()


def _operands(tokens: list[tuple[str, str]], data: dict, body: str) -> list[Any]:
    values = []
    index = 0
    while index < len(tokens):
        kind, text = tokens[index]
        if text == "(":
            depth, end = 1, index + 1
            while end < len(tokens) and depth:
                depth += {"(": 1, ")": -1}.get(tokens[end][1], 0) if tokens[end][0] == "punct" else 0
                end += 1
            values.append(_pipeline(tokens[index + 1 : end - 1], data, body))
            index = end
            continue
        values.append(_operand(kind, text, data, body))
        index += 1
    return values


def _command(tokens: list[tuple[str, str]], data: dict, body: str, piped: Any) -> Any:
    kind, text = tokens[0]
    if kind == "ident" and text not in ("true", "false", "nil"):
        function = FUNCTIONS.get(text)
        if function is None:
            raise Unsupported(f"the function {text!r}")
        args = _operands(tokens[1:], data, body)
        if piped is not _NOTHING:
            args.append(piped)
        try:
            return function(*args)
        except TemplateError:
            raise
        except (TypeError, ValueError) as exc:
            raise TemplateError(f"error calling {text}: {exc}") from None
    values = _operands(tokens, data, body)
    if len(values) != 1 or piped is not _NOTHING:
        raise Unsupported(f"the expression {body!r}")
    return values[0]


def _operand(kind: str, text: str, data: dict, body: str) -> Any:
    if kind == "string":
        return bytes(text[1:-1], "utf-8").decode("unicode_escape") if text.startswith('"') else text[1:-1]
    if kind == "number":
        return float(text) if "." in text else int(text)
    if kind == "ident":
        return {"true": True, "false": False, "nil": None}.get(text)
    if kind == "field":
        if text == ".":
            return data
        value: Any = data
        walked = ""
        for part in text[1:].split("."):
            walked += "." + part
            if not isinstance(value, dict):
                raise TemplateError(f"can't evaluate field {part} in {walked[: -len(part) - 1] or '.'}")
            if part not in value:
                raise TemplateError(f'map has no entry for key "{part}" ({walked})')
            value = value[part]
        return value
    raise Unsupported(f"the expression {body!r}")


def render_structure(value: Any, data: dict) -> Any:
    """Render every string of a (nested) template value; keys stay as written."""
    if isinstance(value, str):
        return render(value, data) if "{{" in value else value
    if isinstance(value, dict):
        return {k: render_structure(v, data) for k, v in value.items()}
    if isinstance(value, list):
        return [render_structure(v, data) for v in value]
    return value
