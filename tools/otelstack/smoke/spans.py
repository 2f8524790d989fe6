"""Spans out of the collector's debug exporter output (verbosity: detailed), as `kubectl logs` shows
it: zap console lines whose message is the exporter's text dump of each batch.

    2024-11-20T10:15:02.310Z	info	ResourceSpans #0
    Resource attributes:
         -> service.name: Str(sample-app)
    ScopeSpans #0
    Span #0
        Trace ID       : 5b8efff798038103d269b633813fc60c
        Name           : GET /items/{id}
        Kind           : Server
        Status code    : Unset
    Attributes:
         -> http.request.method: Str(GET)
         -> http.response.status_code: Int(200)
    	{"kind": "exporter", "data_type": "traces", "name": "debug"}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

_RESOURCE = re.compile(r"ResourceSpans #\d+\s*$")
_SCOPE = re.compile(r"^ScopeSpans #\d+\s*$")
_SPAN = re.compile(r"^Span #\d+\s*$")
_FIELD = re.compile(r"^ {4}(?P<name>[A-Z][A-Za-z ]*?)\s*: ?(?P<value>.*)$")
_ATTRIBUTE = re.compile(r"^(?P<indent>\s*)-> (?P<key>[^:]+): (?P<type>Str|Int|Double|Bool|Map|Slice|Bytes|Empty)\((?P<rest>.*)$")
_SECTION = re.compile(r"^(Resource attributes|Attributes|Events|Links|InstrumentationScope attributes):\s*$")
_STRUCTURE = re.compile(r"^(ResourceSpans #|Resource SchemaURL|ScopeSpans #|ScopeSpans SchemaURL|InstrumentationScope |Span #|SpanEvent #|SpanLink #"
                        r"|Resource attributes:|Attributes:|Events:|Links:|\t\{|\{\")")
_LOG_PREFIX = re.compile(r"^\S+\t(info|debug|warn|error)\t(?:\S+\t)?")

SPAN_FIELDS = {
    "Trace ID": "trace_id", "Parent ID": "parent_id", "ID": "span_id", "Name": "name", "Kind": "kind",
    "TraceState": "trace_state", "Start time": "start", "End time": "end", "Status code": "status_code",
    "Status message": "status_message",
}


@dataclass
class Span:
    name: str = ""
    kind: str = ""
    trace_id: str = ""
    span_id: str = ""
    parent_id: str = ""
    trace_state: str = ""
    start: str = ""
    end: str = ""
    status_code: str = ""
    status_message: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    resource: dict[str, Any] = field(default_factory=dict)
    scope: str = ""

    @property
    def service(self) -> Any:
        return self.resource.get("service.name")

    def attribute(self, *names: str) -> Any:
        """The first of several attribute names that is present (semantic conventions changed names)."""
        for name in names:
            if name in self.attributes:
                return self.attributes[name]
        return None


def _convert(kind: str, text: str) -> Any:
    if kind == "Int":
        try:
            return int(text)
        except ValueError:
            return text
    if kind == "Double":
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "Bool":
        return text == "true"
    if kind in ("Map", "Slice"):
        try:
            return json.loads(text)
        except ValueError:
            return text
    if kind == "Empty":
        return None
    return text


def parse_debug_output(log: str | Iterable[str]) -> list[Span]:
    lines = log.splitlines() if isinstance(log, str) else [line.rstrip("\n") for line in log]
    spans: list[Span] = []
    resource: dict[str, Any] = {}
    scope = ""
    span: Span | None = None
    section = ""  # which attribute list the "->" lines belong to
    pending: tuple[dict, str, str, list[str]] | None = None  # an attribute value spanning lines

    def finish_pending() -> None:
        nonlocal pending
        if pending is not None:
            target, key, kind, parts = pending
            text = "\n".join(parts)
            target[key] = _convert(kind, text[:-1] if text.endswith(")") else text)
            pending = None

    for raw in lines:
        line = _LOG_PREFIX.sub("", raw, count=1)
        if pending is not None:
            if not _STRUCTURE.match(line) and not _ATTRIBUTE.match(line) and not _FIELD.match(line):
                pending[3].append(line)
                if line.endswith(")"):
                    finish_pending()
                continue
            finish_pending()
        if _RESOURCE.search(line):
            resource, scope, span, section = {}, "", None, ""
            continue
        if _SCOPE.match(line):
            span, section = None, ""
            continue
        if line.startswith("InstrumentationScope ") and not line.startswith("InstrumentationScope attributes"):
            scope = line[len("InstrumentationScope "):].strip()
            continue
        if _SPAN.match(line):
            span = Span(resource=resource, scope=scope)
            spans.append(span)
            section = ""
            continue
        heading = _SECTION.match(line)
        if heading:
            section = heading.group(1)
            continue
        attribute = _ATTRIBUTE.match(line)
        if attribute:
            if len(attribute.group("indent")) > 5:
                continue  # attributes of a span event or link
            target = resource if section == "Resource attributes" else span.attributes if (span is not None and section == "Attributes") else None
            if target is None:
                continue
            rest = attribute.group("rest")
            if rest.endswith(")"):
                target[attribute.group("key")] = _convert(attribute.group("type"), rest[:-1])
            else:
                pending = (target, attribute.group("key"), attribute.group("type"), [rest])
            continue
        found = _FIELD.match(line)
        if found and span is not None and found.group("name") in SPAN_FIELDS:
            setattr(span, SPAN_FIELDS[found.group("name")], found.group("value").strip())
    finish_pending()
    return spans


@dataclass(frozen=True)
class Expected:
    method: str
    route: str
    status: int

    def __str__(self) -> str:
        return f"{self.method} {self.route} -> {self.status}"


@dataclass
class Verdict:
    matched: dict[Expected, int]  # how many spans matched each expectation
    missing: list[Expected]
    seen: dict[str, int]  # "service: METHOD route status" -> count, for the report

    @property
    def ok(self) -> bool:
        return not self.missing

    def describe(self) -> str:
        lines = [f"{'ok  ' if count else 'MISS'} {expected}: {count} span(s)" for expected, count in self.matched.items()]
        if self.seen:
            lines.append("seen server spans: " + "; ".join(f"{k} x{v}" for k, v in sorted(self.seen.items())))
        else:
            lines.append("seen server spans: none")
        return "\n".join(lines)


def check(spans: list[Span], service: str, expected: list[Expected]) -> Verdict:
    """Each expected request must appear as a server span of `service` with its method, route and status."""
    matched = {e: 0 for e in expected}
    seen: dict[str, int] = {}
    for span in spans:
        if span.kind != "Server":
            continue
        method = span.attribute("http.request.method", "http.method")
        route = span.attribute("http.route")
        status = span.attribute("http.response.status_code", "http.status_code")
        label = f"{span.service}: {method} {route} {status}"
        seen[label] = seen.get(label, 0) + 1
        if span.service != service:
            continue
        for e in expected:
            if method == e.method and route == e.route and _status(status) == e.status:
                matched[e] += 1
    return Verdict(matched, [e for e, count in matched.items() if count == 0], seen)


def _status(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
