"""YAML loading that remembers the line and column of every key and value.

PyYAML's C composer gives nodes with marks; we build plain Python data from them and
record locations by path. Problems (syntax errors, duplicate keys, alias bombs) are
returned, not raised, so one bad document does not hide the others.
"""

from __future__ import annotations

import json
import marshal
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import yaml

from otelstack.source import Located, Location, Path

try:
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

_RESOLVED: dict[tuple[str, tuple[bool, bool]], str] = {}  # (plain text, implicit) -> tag


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        """A scalar's tag, once per distinct text (the parser asks for every scalar; a large file
        repeats the same keys and values): it depends on nothing else for the safe loader."""
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_RESOLVED) < 65536:
                _RESOLVED[key] = tag
        return tag

MAX_NODES = 200_000  # alias expansion and huge files stop here with a finding
MAX_DEPTH = 200

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_scalar_constructor = yaml.constructor.SafeConstructor()


@dataclass
class YamlProblem:
    location: Location
    message: str


@dataclass
class YamlDocuments:
    file: str
    documents: list[Located] = field(default_factory=list)
    problems: list[YamlProblem] = field(default_factory=list)


class _TooBig(Exception):
    def __init__(self, node: yaml.Node, message: str) -> None:
        self.node = node
        self.message = message


def _loc(file: str, node: yaml.Node) -> Location:
    start, end = node.start_mark, node.end_mark
    return Location(file, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


class _Builder:
    def __init__(self, file: str, line_offset: int = 0, column_offset: int = 0, indent: int = 0) -> None:
        self.file = file
        self.line_offset = line_offset
        self.column_offset = column_offset
        self.indent = indent
        self.nodes = 0
        self.doc: Located | None = None
        self.problems: list[YamlProblem] = []

    def location(self, node: yaml.Node) -> Location:
        start, end = node.start_mark, node.end_mark
        if not (self.line_offset or self.column_offset or self.indent):
            return tuple.__new__(Location, (self.file, start.line + 1, start.column + 1, end.line + 1, end.column + 1))
        loc = _loc(self.file, node)
        col = self.indent + (self.column_offset if loc.line == 1 else 0)
        end_col = self.indent + (self.column_offset if loc.end_line == 1 else 0)
        return Location(
            self.file, loc.line + self.line_offset, loc.column + col, loc.end_line + self.line_offset, loc.end_column + end_col
        )

    def build(self, node: yaml.Node) -> Located:
        self.doc = Located(None, self.file)
        self.doc.data = self._value(node, (), 0)
        return self.doc

    def _value(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBig(node, f"document has more than {MAX_NODES} nodes (alias expansion or a huge file)")
        if depth > MAX_DEPTH:
            raise _TooBig(node, f"document is nested deeper than {MAX_DEPTH} levels")
        assert self.doc is not None
        self.doc.locations[path] = self.location(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self._value(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return _scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[Any, Any]:
        assert self.doc is not None
        out: dict[Any, Any] = {}
        merged: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.extend(value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node])
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(YamlProblem(self.location(key_node), "mapping keys must be scalars"))
                continue
            key = _scalar(key_node)
            if isinstance(key, (list, dict)):
                key = str(key)
            if key in out:
                self.problems.append(YamlProblem(self.location(key_node), f"duplicate key {key!r}: the later value wins silently"))
            self.doc.key_locations[path + (key,)] = self.location(key_node)
            out[key] = self._value(value_node, path + (key,), depth + 1)
        for source in merged:  # explicit keys win over merged ones, as in YAML 1.1
            if isinstance(source, yaml.MappingNode):
                for key, value in self._mapping(source, path, depth + 1).items():
                    out.setdefault(key, value)
        return out


def _scalar(node: yaml.Node) -> Any:
    tag = node.tag
    if tag in (_BOOL, _INT, _FLOAT, _NULL):
        key = (tag, node.value)
        found = _TYPED.get(key, _TYPED)
        if found is _TYPED:
            try:
                found = _scalar_constructor.yaml_constructors[tag](_scalar_constructor, node)
            except (ValueError, yaml.YAMLError):
                found = node.value
            if len(_TYPED) < 65536 and found == found:  # (not NaN: each .nan stays its own object, as before)
                _TYPED[key] = found
        return found
    return node.value if isinstance(node.value, str) else str(node.value)


_TYPED: dict[tuple[str, str], Any] = {}  # (tag, text) -> value: a fleet repeats the same few numbers and booleans


_BODIES: "OrderedDict[tuple, YamlDocuments]" = OrderedDict()
_BODY_CACHE_SIZE = 1024


def load_yaml(text: str, file: str, *, line_offset: int = 0, column_offset: int = 0, indent: int = 0) -> YamlDocuments:
    """Load every document of `text`; `file` is the name used in locations.

    Offsets place a YAML snippet embedded in another file at its real position: `line_offset`
    lines down, `column_offset` right on its first line (an inline string), `indent` right on
    every line (a heredoc or block scalar whose indentation was removed).

    Texts that differ only in a leading comment (a fleet's rendered files: the header names the
    cluster) are parsed once; each file gets its own copy with its own locations.
    """
    if not (column_offset or indent or line_offset) and file.endswith(".json") and text.startswith("{\n"):
        fast = _load_indented_json(text, file)
        if fast is not None:
            return fast
    if column_offset or indent or not text.startswith("#"):
        return _load_yaml(text, file, line_offset=line_offset, column_offset=column_offset, indent=indent)
    header_lines = 0
    body_start = 0
    while text.startswith("#", body_start):
        end = text.find("\n", body_start)
        if end < 0:
            break
        header_lines += 1
        body_start = end + 1
    key = (text[body_start:], header_lines + line_offset)
    cached = _BODIES.get(key)
    if cached is None:
        cached = _load_yaml(key[0], "", line_offset=key[1])
        _BODIES[key] = cached
        if len(_BODIES) > _BODY_CACHE_SIZE:
            _BODIES.popitem(last=False)
    else:
        _BODIES.move_to_end(key)
    return _relocated(cached, file)


_JSON_KEY = re.compile(r'"(?:[^"\\]|\\.)*"')


def _load_indented_json(text: str, file: str) -> YamlDocuments | None:
    """JSON written with one value per line (json.dumps(indent=N): otelstack's rendered tfvars, a
    fleet's is tens of thousands of lines) with the locations the YAML loader would give, from
    json.loads and one pass over the lines. None when the text is not of that shape."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    new = tuple.__new__
    doc = Located(data, file)
    locations, key_locations = doc.locations, doc.key_locations
    stack: list[list] = []  # [path, is_list, next index, start line, start column]
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        stripped = line.lstrip(" ")
        if not stripped:
            continue
        column = len(line) - len(stripped) + 1
        if stripped[0] in "}]":
            if not stack:
                return None
            path, _, _, start_line, start_column = stack.pop()
            locations[path] = new(Location, (file, start_line, start_column, number, column + 1))
            continue
        if not stack:
            if stripped != "{":
                return None
            stack.append([(), False, 0, number, column])
            continue
        top = stack[-1]
        if top[1]:
            path = top[0] + (top[2],)
            top[2] += 1
            value, value_column = stripped, column
        else:
            match = _JSON_KEY.match(stripped)
            if match is None or not stripped.startswith('": ', match.end() - 1):
                return None
            quoted = match.group(0)
            key = quoted[1:-1] if "\\" not in quoted else json.loads(quoted)  # (no escape: the text is the key)
            path = top[0] + (key,)
            key_locations[path] = new(Location, (file, number, column, number, column + match.end()))
            value = stripped[match.end() + 2:]
            value_column = column + match.end() + 2
        value = value[:-1] if value.endswith(",") else value
        if value in ("{", "["):
            stack.append([path, value == "[", 0, number, value_column])
        else:
            locations[path] = new(Location, (file, number, value_column, number, value_column + len(value)))
    if stack:
        return None
    result = YamlDocuments(file)
    result.documents.append(doc)
    return result


def _relocated(parsed: YamlDocuments, file: str) -> YamlDocuments:
    result = YamlDocuments(file)
    result.documents = [_Placed(copied(doc.data), file, doc) for doc in parsed.documents]
    result.problems = [YamlProblem(Location(file, *p.location[1:]), p.message) for p in parsed.problems]
    return result


_new = tuple.__new__  # Location(...) through its generated __new__ is twice as slow, and there are millions


def _moved(table: dict, file: str) -> dict:
    return {path: _new(Location, (file, loc[1], loc[2], loc[3], loc[4])) for path, loc in table.items()}


def layout_of(doc: Located) -> Located | None:
    """The parsed body whose location tables `doc` reads under its own file name (a fleet's
    per-cluster files differ only in their header), while it does: documents with the same layout
    and data have the same locations but for the file. None for any other document."""
    if isinstance(doc, _Placed) and "_locations" not in doc.__dict__ and "_key_locations" not in doc.__dict__:
        return doc._body
    return None


class _OwnTable:
    """A location table of a _Placed document: the body's, moved to the document's file the first
    time it is read or replaced as a table."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.slot = name, "_" + name

    def __get__(self, doc: Any, owner: type | None = None) -> Any:
        if doc is None:
            return self
        own = doc.__dict__.get(self.slot)
        if own is None:
            own = doc.__dict__[self.slot] = _moved(getattr(doc._body, self.name), doc.file)
        return own

    def __set__(self, doc: Any, table: dict) -> None:
        doc.__dict__[self.slot] = table


class _Placed(Located):
    """A parsed body's document in one file: its location tables are the body's, read under this
    file's name. Most documents of a fleet only answer a few location() calls, so the tables of
    their own are built only when something reads or changes them as tables."""

    def __init__(self, data: Any, file: str, body: Located) -> None:
        self.data = data
        self.file = file
        self._body = body

    locations = _OwnTable()
    key_locations = _OwnTable()

    def location(self, path: Path = ()) -> Location:
        if "_locations" in self.__dict__:
            return Located.location(self, path)
        table = self._body.locations
        path = tuple(path)
        while True:
            found = table.get(path)
            if found is not None:
                return _new(Location, (self.file, found[1], found[2], found[3], found[4]))
            if not path:
                return Location(self.file)
            path = path[:-1]

    def sub(self, path: Path) -> Located:
        if "_locations" in self.__dict__ or "_key_locations" in self.__dict__:
            return Located.sub(self, path)
        path = tuple(path)
        views = self._body.__dict__.setdefault("_views", {})  # the body's subtrees, re-keyed once for every file
        if path not in views:
            views[path] = self._body.sub(path)
        return _Placed(self.get(path), self.file, views[path])

    def key_location(self, path: Path) -> Location:
        if "_key_locations" in self.__dict__:
            return Located.key_location(self, path)
        found = self._body.key_locations.get(tuple(path))
        return _new(Location, (self.file, found[1], found[2], found[3], found[4])) if found is not None else self.location(path)


def copied(value: Any) -> Any:
    """A deep copy of loaded data (dicts, lists, scalars), at C speed when the data is plain."""
    try:
        return marshal.loads(marshal.dumps(value))  # plain YAML data: C-speed deep copy
    except ValueError:
        return _copied_slowly(value)


def _copied_slowly(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copied_slowly(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copied_slowly(v) for v in value]
    return value


def _load_yaml(text: str, file: str, *, line_offset: int = 0, column_offset: int = 0, indent: int = 0) -> YamlDocuments:
    result = YamlDocuments(file)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        result.problems.append(YamlProblem(Location(file, line + line_offset, 1), "file contains NUL bytes: not a YAML text file"))
        return result
    builder = _Builder(file, line_offset, column_offset, indent)
    try:
        for node in yaml.compose_all(text, Loader=_Loader):
            if node is None:
                continue
            builder.problems = result.problems
            try:
                result.documents.append(builder.build(node))
            except _TooBig as big:
                result.problems.append(YamlProblem(builder.location(big.node), big.message))
                return result
    except yaml.MarkedYAMLError as exc:
        # An unclosed bracket or quote is detected where the input ends; where it opened is the fault.
        # ("while parsing a flow node" marks where a value is missing, not an opener)
        opened = exc.context and exc.context.startswith(("while parsing a flow sequence", "while parsing a flow mapping",
                                                         "while scanning a quoted scalar"))
        # A line that is not `key: value` is noticed only where the next token starts (often lines later);
        # the scanner's context mark is the line at fault.
        at_context = opened or (exc.context or "").startswith("while scanning a simple key")
        mark = (exc.context_mark if at_context else None) or exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        column = (mark.column + 1 if mark else 1) + indent + (column_offset if mark and mark.line == 0 else 0)
        if opened:
            exc.problem = f"{exc.problem} (opened here)"
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        result.problems.append(YamlProblem(Location(file, line, column), f"YAML syntax error: {what}"))
    except yaml.YAMLError as exc:  # reader errors: invalid characters, bad encoding
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "mark", None)
        line = (mark.line + 1 if mark else 1) + line_offset
        result.problems.append(YamlProblem(Location(file, line, 1), f"YAML error: {exc}".splitlines()[0]))
    except RecursionError:
        result.problems.append(YamlProblem(Location(file, 1 + line_offset, 1), "YAML is nested too deeply to read"))
    return result


def read_text(path: str, display: str) -> str:
    """Read a UTF-8 file; undecodable bytes become U+FFFD so loaders can still report positions."""
    with open(path, "rb") as handle:
        raw = handle.read()
    return raw.decode("utf-8", errors="replace")
