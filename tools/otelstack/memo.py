"""Work done once per distinct input: a fleet repeats the same data (a cluster's stack, its rendered
manifests, its Helm values) thousands of times, and a check of identical data gives identical results.

Results are keyed by the data's exact content, so they are only reused for equal data; what they
say about locations is placed on each document by the caller.
"""

from __future__ import annotations

import dataclasses
import marshal
from typing import Any, Callable, TypeVar

T = TypeVar("T")


def content_key(value: Any) -> bytes | None:
    """The exact content of plain data (types included, key order kept); None when the data holds
    anything else (apply-time values, file references), which is then worked on as it is."""
    try:
        return marshal.dumps(value, 2)  # version 2: no back-references, so equal data gives equal bytes
    except ValueError:
        return None


class Same:
    """An object as part of a key, by identity (schemas are dicts); kept alive with the key, so its
    id is not reused while the entry lives."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.obj is self.obj


class ContentCache:
    """Results of `compute()`, a function of `data` and of the hashable `inputs` only. Bounded: the
    oldest entries go first. Results are shared: callers must not change them."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self.entries: dict[tuple, Any] = {}

    def get(self, inputs: tuple, data: Any, compute: Callable[[], T]) -> T:
        key = content_key(data)
        if key is None:
            return compute()
        full = (inputs, key)
        found = self.entries.get(full, _MISSING)
        if found is _MISSING:
            if len(self.entries) >= self.size:
                del self.entries[next(iter(self.entries))]
            found = self.entries[full] = compute()
        return found


_MISSING = object()


class LayoutCache:
    """What a check finds in one document (problems: frozen dataclasses with a `location`), for
    documents with the same layout (the same parsed text in another file: a fleet's per-cluster
    files) and the same data: found once, then placed in each file. `compute` must read nothing but
    the document's data and `inputs`; what it finds outside the document is never reused. Keep one
    per run."""

    def __init__(self, located: Callable[[Any], Any] = lambda p: p.location,
                 moved: Callable[[Any, Any], Any] = lambda p, location: dataclasses.replace(p, location=location)) -> None:
        self.entries: dict[tuple, list | None] = {}
        self.located = located  # a problem's location
        self.moved = moved  # the problem at another location

    def get(self, doc: Any, inputs: tuple, compute: Callable[[], list[T]]) -> list[T]:
        from otelstack.yamlsource import layout_of

        body = layout_of(doc)
        key = content_key(doc.data) if body is not None else None
        if key is None:
            return compute()
        full = (inputs, Same(body), key)
        if full not in self.entries:
            found = compute()
            self.entries[full] = found if all(self.located(p).file == doc.file for p in found) else None
            return found
        found = self.entries[full]
        if found is None:
            return compute()
        return [self.moved(p, self.located(p)._replace(file=doc.file)) for p in found]
