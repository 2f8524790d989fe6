"""Where a value came from: every loader returns plain Python data plus a location table.

Paths are tuples of keys and list indexes, e.g. ("spec", "source", 0, "helm").
A lookup walks up to the nearest ancestor that has a location, so derived values
always point somewhere useful.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, NamedTuple

Path = tuple[Any, ...]


class Location(NamedTuple):
    """file:line:column (1-based), and where the value ends. A tuple: loaders make tens of
    thousands of these per second."""

    file: str
    line: int = 1
    column: int = 1
    end_line: int = 0
    end_column: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Unknown:
    """A value only known at apply time: a variable, a function we do not evaluate, a reference."""

    __slots__ = ("expression",)

    def __init__(self, expression: str) -> None:
        self.expression = expression

    def __repr__(self) -> str:
        return f"Unknown({self.expression!r})"

    def __str__(self) -> str:  # what a message shows: the expression, marked as such, never Python's view
        return f"{self.expression} (known at apply)" if self.expression else "(known at apply)"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and other.expression == self.expression

    def __hash__(self) -> int:
        return hash(("Unknown", self.expression))


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def known_str(value: Any) -> str | None:
    """The value if it is a known string, else None: for code that needs text (URLs, names, paths)."""
    return value if isinstance(value, str) else None


def shown(value: Any) -> str:
    """A value as a message shows it: known text as is, an apply-time value by its expression."""
    if isinstance(value, Unknown):
        return str(value)
    if value is None:
        return "(unset)"
    return str(value)


@dataclass
class Located:
    """A loaded document: `data` is plain Python; `locations` maps paths to source locations.

    `key_locations` holds where a mapping key was written (for "unknown key" findings);
    `locations` where its value starts.
    """

    data: Any
    file: str
    locations: dict[Path, Location] = field(default_factory=dict)
    key_locations: dict[Path, Location] = field(default_factory=dict)

    def location(self, path: Path = ()) -> Location:
        path = tuple(path)
        while True:
            found = self.locations.get(path)
            if found is not None:
                return found
            if not path:
                return Location(self.file)
            path = path[:-1]

    def key_location(self, path: Path) -> Location:
        return self.key_locations.get(tuple(path)) or self.location(path)

    def get(self, path: Path, default: Any = None) -> Any:
        return get_path(self.data, path, default)

    def graft(self, path: Path, other: "Located") -> None:
        """Take `other`'s positions for its data placed at `path` of this document (the data is the
        caller's to place)."""
        path = tuple(path)
        for table, target in ((other.locations, self.locations), (other.key_locations, self.key_locations)):
            for p, loc in table.items():
                target[path + p] = loc

    def sub(self, path: Path) -> "Located":
        """A view of one subtree; its locations are re-keyed relative to `path`."""
        path = tuple(path)
        n = len(path)
        view = Located(self.get(path), self.file)
        for table, target in ((self.locations, view.locations), (self.key_locations, view.key_locations)):
            for p, loc in table.items():
                if p[:n] == path:
                    target[p[n:]] = loc
        if () not in view.locations:
            view.locations[()] = self.location(path)
        return view


_MISSING = object()


class DocumentView:
    """Reads of an object's located document (`self.doc`) by path, with the locations of what is read."""

    doc: Located

    def get(self, *path: Any, default: Any = None) -> Any:
        return get_path(self.doc.data, path, default)

    def loc(self, *path: Any) -> Location:
        return self.doc.location(path)

    def key_loc(self, *path: Any) -> Location:
        """Where a key (or a Terraform block) is written: for findings about what it lacks."""
        return self.doc.key_location(path)


def get_path(data: Any, path: Path, default: Any = None) -> Any:
    node = data
    for key in path:
        if isinstance(node, dict):
            node = node.get(key, _MISSING)
            if node is _MISSING:
                return default
        elif isinstance(node, list) and isinstance(key, int) and -len(node) <= key < len(node):
            node = node[key]
        else:
            return default
    return node


def walk(data: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every (path, value) pair, parents before children."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from walk(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from walk(value, path + (index,))


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top)"
