"""Helm's `--set` syntax, as Terraform's helm provider applies `set`, `set_list` and
`set_sensitive` (it hands `name=value` to Helm's strvals parser, `type = "string"` to its
--set-string variant).

What Helm does, rewritten here from its behaviour:
- a name is a path: `a.b.c`, with `\\.` for a dot inside a key and `[i]` for a list index
  (`a[0].b`, `a[1][2]`); a list grows with nulls up to the index;
- a value is `{x,y}` for a list, else a scalar up to the next unescaped `,` (which starts the
  next `name=value`); `\\` escapes the next character;
- scalars are typed unless string-typed: `true`/`false` (any case), `null` (removes the chart's
  default), `0`, and integers that do not start with 0; anything else is a string;
- a path through something that is not a map (or a list) is an error: Terraform's plan fails.
"""

from __future__ import annotations

import re
from typing import Any

from otelstack.source import Path

MAX_INDEX = 65536
MAX_NESTING = 30
_INTEGER = re.compile(r"[+-]?[0-9]+")


class SetError(ValueError):
    """Helm refuses the expression."""


class _EndOfInput(Exception):
    pass


def typed(text: str, as_string: bool = False) -> Any:
    if as_string:
        return text
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    if text == "0":
        return 0
    if text and text[0] != "0" and _INTEGER.fullmatch(text):
        number = int(text)
        if -(2**63) <= number < 2**63:
            return number
    return text


class _Parser:
    def __init__(self, text: str, as_string: bool) -> None:
        self.text = text
        self.pos = 0
        self.as_string = as_string
        self.assigned: list[Path] = []

    # scanning ------------------------------------------------------------------------------
    def until(self, stops: str) -> tuple[str, str | None]:
        """Characters up to one of `stops` (consumed), with backslash escapes; None at the end."""
        out = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            self.pos += 1
            if char in stops:
                return "".join(out), char
            if char == "\\":
                if self.pos >= len(self.text):
                    return "".join(out), None
                out.append(self.text[self.pos])
                self.pos += 1
                continue
            out.append(char)
        return "".join(out), None

    def peek(self) -> str | None:
        return self.text[self.pos] if self.pos < len(self.text) else None

    # grammar --------------------------------------------------------------------------------
    def parse(self, data: dict) -> None:
        try:
            while True:
                self.key(data, (), 0)
        except _EndOfInput:
            return

    def key(self, data: dict, path: Path, nesting: int) -> None:
        name, last = self.until("=[,.")
        if last is None:
            if name:
                raise SetError(f"key {name!r} has no value")
            raise _EndOfInput
        here = path + (name,)
        if last == "[":
            index = self.index()
            existing = data.get(name, [])
            if not isinstance(existing, list):
                raise SetError(f"{_dotted(here)} is not a list")
            result = self.list_item(list(existing), index, here, nesting)
            if name:
                data[name] = result
            return
        if last == "=":
            self.assign(data, name, here)
            return
        if last == ",":
            raise SetError(f"key {name!r} has no value (cannot end with ,)")
        nesting += 1
        if nesting > MAX_NESTING:
            raise SetError(f"a name nested deeper than {MAX_NESTING} levels")
        inner = data.get(name, {})
        if not isinstance(inner, dict):
            raise SetError(f"{_dotted(here)} is not a map")
        inner = dict(inner)
        try:
            self.key(inner, here, nesting)
        except _EndOfInput:
            if inner and name:
                data[name] = inner
            raise
        if not inner:
            raise SetError(f"key map {name!r} has no value")
        if name:
            data[name] = inner

    def assign(self, data: dict, name: str, here: Path) -> None:
        value, ended = self.value()
        if name:
            data[name] = value
            self.assigned.append(here)
        if ended:
            raise _EndOfInput

    def value(self) -> tuple[Any, bool]:
        """The value after `=` and whether the input ends with it."""
        if self.peek() is None:
            return "", True
        if self.peek() == "{":
            self.pos += 1
            items = []
            while True:
                text, last = self.until(",}")
                if last is None:
                    raise SetError("list must terminate with '}'")
                items.append(typed(text, self.as_string))
                if last == "}":
                    if self.peek() == ",":
                        self.pos += 1
                    return items, self.peek() is None
        text, last = self.until(",")
        return typed(text, self.as_string), last is None

    def index(self) -> int:
        text, last = self.until("]")
        if last is None:
            raise SetError("an index without ']'")
        try:
            return int(text)
        except ValueError:
            raise SetError(f"index {text!r} is not a number") from None

    def list_item(self, items: list, index: int, path: Path, nesting: int) -> list:
        if index < 0:
            raise SetError(f"negative {index} index not allowed")
        if index > MAX_INDEX:
            raise SetError(f"index {index} is greater than the maximum {MAX_INDEX}")
        here = path + (index,)
        rest, last = self.until("[.=")
        if rest:
            raise SetError(f"unexpected data at end of array index: {rest!r}")
        if last is None:
            raise SetError(f"{_dotted(here)} has no value")
        while len(items) <= index:
            items.append(None)
        if last == "=":
            value, ended = self.value()
            items[index] = value
            self.assigned.append(here)
            if ended:
                self.pos = len(self.text)
            return items
        if last == "[":
            inner_index = self.index()
            current = items[index]
            if current is not None and not isinstance(current, list):
                raise SetError(f"{_dotted(here)} is not a list")
            items[index] = self.list_item(list(current or []), inner_index, here, nesting)
            return items
        current = items[index]
        inner = dict(current) if isinstance(current, dict) else {}
        try:
            self.key(inner, here, nesting)
        except _EndOfInput:
            items[index] = inner
            self.pos = len(self.text)
            return items
        items[index] = inner
        return items


def apply(data: dict, expression: str, as_string: bool = False) -> list[Path]:
    """Apply one `name=value[,name=value...]` to `data` in place; the paths it assigned.
    Raises SetError where Helm (and so the Terraform plan) fails."""
    parser = _Parser(expression, as_string)
    parser.parse(data)
    return parser.assigned


def _dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out
