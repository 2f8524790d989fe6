"""HCL2 loading on tree-sitter, with the line and column of every value.

tree-sitter gives a concrete syntax tree in about a millisecond per file and keeps going past
syntax errors, so one broken block does not hide the rest of the file. On top of it this module
evaluates what can be known without Terraform: literals, objects, tuples, heredocs, and
`yamlencode`/`jsonencode`/`file` calls. Anything else (variables, references, other functions,
conditionals, for expressions) becomes `Unknown`: never guessed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from otelstack.source import Located, Location, Path, Unknown


class Encoded:
    """The argument of yamlencode()/jsonencode(): the object Terraform will serialise."""

    __slots__ = ("format", "data")

    def __init__(self, format: str, data: Any) -> None:
        self.format = format
        self.data = data

    def __repr__(self) -> str:
        return f"Encoded({self.format}, {self.data!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Encoded) and (other.format, other.data) == (self.format, self.data)

    def __deepcopy__(self, memo: dict) -> "Encoded":
        import copy

        return Encoded(self.format, copy.deepcopy(self.data, memo))


class FileRef:
    """file("<path>"): a file next to the configuration, resolved relative to the module directory."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"FileRef({self.path!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileRef) and other.path == self.path


class HeredocText(str):
    """A heredoc's text plus where its first content line starts, so YAML inside it keeps real lines.

    `holes` are (line, start_col, end_col) spans, relative to the text, of ${...} interpolations
    that were blanked out: values overlapping them are unknown."""

    line_offset: int
    column_offset: int
    holes: tuple[tuple[int, int, int], ...]

    def __new__(cls, text: str, line_offset: int, column_offset: int, holes: tuple = ()) -> "HeredocText":
        obj = super().__new__(cls, text)
        obj.line_offset = line_offset
        obj.column_offset = column_offset
        obj.holes = holes
        return obj

    def __reduce__(self):
        return (HeredocText, (str(self), self.line_offset, self.column_offset, self.holes))


@dataclass
class HclBlock:
    type: str
    labels: list[str]
    location: Location
    doc: Located  # attributes as keys, nested blocks as lists under their type
    blocks: list["HclBlock"] = field(default_factory=list)
    end_line: int = 0


@dataclass
class HclFile:
    path: str  # display path
    fs_path: str
    blocks: list[HclBlock] = field(default_factory=list)
    problems: list[tuple[Location, str]] = field(default_factory=list)


@lru_cache(maxsize=1)
def _parser():
    import tree_sitter
    import tree_sitter_hcl

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r'\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{')


def unescape(text: str) -> str:
    def repl(match: re.Match) -> str:
        token = match.group(0)
        if token == "$${":
            return "${"
        if token == "%%{":
            return "%{"
        body = match.group(1)
        if body[0] in "uU" and len(body) > 1:
            return chr(int(body[1:], 16))
        return _ESCAPES.get(body, token)

    return _ESCAPE.sub(repl, text)


def load_hcl(text: str, display: str, fs_path: str = "") -> HclFile:
    source = text.encode("utf-8", errors="replace")
    result = HclFile(display, fs_path)
    if b"\x00" in source:
        line = source[: source.index(b"\x00")].count(b"\n") + 1
        result.problems.append((Location(display, line, 1), "file contains NUL bytes: not an HCL text file"))
        return result
    tree = _parser().parse(source)
    evaluator = _Evaluator(source, display, fs_path)
    _collect_errors(tree.root_node, result, display)
    body = next((c for c in tree.root_node.children if c.type == "body"), None)
    if body is not None:
        # A block with a syntax error inside still yields the attributes that parsed.
        result.blocks.extend(evaluator.block(node) for node in body.children if node.type == "block")
    return result


def _loc(display: str, node, end: bool = False) -> Location:
    start, stop = node.start_point, node.end_point
    return Location(display, start.row + 1, start.column + 1, stop.row + 1, stop.column + 1)


_PUNCTUATION = {"}", "]", ")", "{", "[", "(", "=", ",", ":", "quoted_template_end"}
_CLOSERS = {"}": ("block", "object"), "]": ("tuple", "for_tuple_expr", "new_index"), ")": ("function_call",)}
_OPENERS = {"}": "{", "]": "[", ")": "("}


def _enclosing(node, types: tuple[str, ...]):
    current = node.parent
    while current is not None and current.type not in types:
        current = current.parent
    return current


def _collect_errors(root, result: HclFile, display: str, limit: int = 20) -> None:
    """Syntax problems, earliest first. A quoted string cannot span lines in HCL: an unterminated
    one swallows what follows, so errors after it are consequences and are not reported."""
    if not root.has_error:
        return
    unterminated = []
    others = []
    pending = [root]
    while pending:
        node = pending.pop()
        if node.type in ("string_lit", "quoted_template"):
            literal = b"".join(c.text for c in node.children if c.type == "template_literal")
            if b"\n" in literal or any(c.type == "quoted_template_end" and c.is_missing for c in node.children):
                unterminated.append((_loc(display, node), "HCL syntax error: unterminated string (a quoted string cannot span lines)"))
        elif node.type == "ERROR":
            text = node.text.decode("utf-8", "replace").strip()
            snippet = text.splitlines()[0][:40] if text else ""
            others.append((_loc(display, node), f"HCL syntax error near {snippet!r}" if snippet else "HCL syntax error"))
        elif node.is_missing:
            opener = _enclosing(node, _CLOSERS[node.type]) if node.type in _CLOSERS else None
            if opener is not None:
                # point at the bracket that is never closed, not at where the parser gave up
                others.append((_loc(display, opener), f"HCL syntax error: this {_OPENERS[node.type]!r} is never closed"))
            else:
                what = f": missing {node.type!r}" if node.type in _PUNCTUATION else ""
                others.append((_loc(display, node), f"HCL syntax error{what}"))
        if node.type != "template_literal":
            pending.extend(node.children)
    if unterminated:
        problems = [min(unterminated, key=lambda p: (p[0].line, p[0].column))]
    else:
        problems = []
        seen_lines = set()
        for loc, message in sorted(others, key=lambda p: (p[0].line, p[0].column)):
            if loc.line not in seen_lines:
                seen_lines.add(loc.line)
                problems.append((loc, message))
    result.problems.extend(problems[:limit])


MAX_DEPTH = 100  # nesting beyond this is not evaluated (Unknown): no real configuration goes there


class _Evaluator:
    def __init__(self, source: bytes, display: str, fs_path: str) -> None:
        self.source = source
        self.display = display
        self.module_dir = os.path.dirname(fs_path) if fs_path else ""
        self.depth = 0

    # Blocks -------------------------------------------------------------------------------
    def block(self, node) -> HclBlock:
        children = node.children
        type_name = self.text(children[0])
        labels = [self.label(c) for c in children[1:] if c.type in ("string_lit", "identifier")]
        doc = Located({}, self.display)
        doc.locations[()] = _loc(self.display, node)
        block = HclBlock(type_name, labels, _loc(self.display, node), doc, end_line=node.end_point.row + 1)
        body = next((c for c in children if c.type == "body"), None)
        if body is not None and self.depth < MAX_DEPTH:
            self.depth += 1
            try:
                self._body(body, block)
            finally:
                self.depth -= 1
        return block

    def _body(self, body, block: HclBlock) -> None:
        doc = block.doc
        for child in body.children:
            if child.type == "attribute":
                name_node = child.children[0]
                name = self.text(name_node)
                expr = next((c for c in child.children if c.type == "expression"), None)
                path: Path = (name,)
                doc.key_locations[path] = _loc(self.display, name_node)
                doc.data[name] = self.expression(expr, doc, path) if expr is not None else Unknown("")
            elif child.type == "block":
                nested = self.block(child)
                block.blocks.append(nested)
                # `dynamic "helm" { content { ... } }` is kept as "dynamic helm": the block it generates
                key = f"dynamic {nested.labels[0]}" if nested.type == "dynamic" and nested.labels else nested.type
                items = doc.data.setdefault(key, [])
                index = len(items)
                items.append(nested.doc.data)
                base: Path = (key, index)
                doc.key_locations.setdefault((key,), _loc(self.display, child.children[0]))
                doc.locations.setdefault((key,), _loc(self.display, child))
                for p, loc in nested.doc.locations.items():
                    doc.locations[base + p] = loc
                for p, loc in nested.doc.key_locations.items():
                    doc.key_locations[base + p] = loc

    def label(self, node) -> str:
        if node.type == "identifier":
            return self.text(node)
        literal = next((c for c in node.children if c.type == "template_literal"), None)
        return unescape(self.text(literal)) if literal is not None else ""

    def text(self, node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    # Expressions --------------------------------------------------------------------------
    def expression(self, node, doc: Located, path: Path) -> Any:
        doc.locations[path] = _loc(self.display, node)
        if node.has_error or self.depth >= MAX_DEPTH:
            return Unknown(self.text(node)[:80])
        self.depth += 1
        try:
            return self._expression(node, doc, path)
        finally:
            self.depth -= 1

    def _expression(self, node, doc: Located, path: Path) -> Any:
        kids = [c for c in node.children if c.type != "comment"]
        if node.type == "expression":
            if len(kids) == 3 and kids[0].type == "(" and kids[2].type == ")":
                return self.expression(kids[1], doc, path)
            if len(kids) != 1:
                return Unknown(self.text(node))  # references with attribute access, indexes, splats
            return self.expression(kids[0], doc, path)
        kind = node.type
        if kind == "literal_value":
            return self.literal(kids[0])
        if kind == "collection_value":
            return self.expression(kids[0], doc, path)
        if kind == "tuple":
            items = [c for c in kids if c.type == "expression"]
            return [self.expression(item, doc, path + (i,)) for i, item in enumerate(items)]
        if kind == "object":
            return self.object(node, doc, path)
        if kind == "template_expr":
            return self.template(kids[0])
        if kind == "function_call":
            return self.function(node, doc, path)
        return Unknown(self.text(node))

    def literal(self, node) -> Any:
        if node.type == "numeric_lit":
            text = self.text(node)
            try:
                return int(text)
            except ValueError:
                return float(text)
        if node.type == "bool_lit":
            return self.text(node) == "true"
        if node.type == "null_lit":
            return None
        if node.type == "string_lit":
            literal = next((c for c in node.children if c.type == "template_literal"), None)
            return unescape(self.text(literal)) if literal is not None else ""
        return Unknown(self.text(node))

    def object(self, node, doc: Located, path: Path) -> Any:
        out: dict[str, Any] = {}
        for elem in node.children:
            if elem.type != "object_elem":
                continue
            exprs = [c for c in elem.children if c.type == "expression"]
            if len(exprs) != 2:
                continue
            key = self._object_key(exprs[0])
            if key is None:
                continue  # a computed key: the entry is unknown
            doc.key_locations[path + (key,)] = _loc(self.display, exprs[0])
            out[key] = self.expression(exprs[1], doc, path + (key,))
        return out

    def _object_key(self, node) -> str | None:
        kids = node.children
        if len(kids) == 1 and kids[0].type == "variable_expr":
            return self.text(kids[0])
        if len(kids) == 1 and kids[0].type == "literal_value":
            value = self.literal(kids[0].children[0])
            return value if isinstance(value, str) else (str(value) if value is not None else None)
        if len(kids) == 1 and kids[0].type == "template_expr":
            value = self.template(kids[0].children[0])
            return value if isinstance(value, str) else None
        return None

    def template(self, node) -> Any:
        if node.type == "quoted_template":
            parts = []
            for child in node.children:
                if child.type == "template_literal":
                    parts.append(unescape(self.text(child)))
                elif child.type in ("quoted_template_start", "quoted_template_end"):
                    continue
                elif child.type == "template_interpolation" and self._is_path_module(child):
                    parts.append(self.module_dir or ".")
                else:
                    return Unknown(self.text(node))
            return "".join(parts)
        if node.type == "heredoc_template":
            return self.heredoc(node)
        return Unknown(self.text(node))

    def _is_path_module(self, interpolation) -> bool:
        expr = next((c for c in interpolation.children if c.type == "expression"), None)
        return expr is not None and self.text(expr).replace(" ", "") in ("path.module", "path.root", "path.cwd")

    def heredoc(self, node) -> Any:
        start = node.children[0]
        strip_indent = self.text(start).startswith("<<-")
        identifiers = [c for c in node.children if c.type == "heredoc_identifier"]
        if len(identifiers) < 2:
            return Unknown(self.text(node))
        first_row = identifiers[0].end_point.row + 1
        closing_row = identifiers[-1].start_point.row
        lines = self.source.decode("utf-8", "replace").split("\n")[first_row:closing_row]
        if any(c.type == "template_directive" for c in node.children):
            return Unknown(self.text(node))
        holes: list[tuple[int, int, int]] = []
        blanked = []
        for index, line in enumerate(lines):
            def blank(match: re.Match) -> str:
                holes.append((index + 1, match.start() + 1, match.end() + 1))
                return "_" * len(match.group(0))

            blanked.append(re.sub(r"(?<!\$)\$\{[^}]*\}", blank, line))
        indent = 0
        if strip_indent:
            widths = [len(line) - len(line.lstrip(" ")) for line in blanked if line.strip()]
            indent = min(widths) if widths else 0
            blanked = [line[indent:] for line in blanked]
            holes = [(ln, a - indent, b - indent) for ln, a, b in holes]
        text = "\n".join(blanked) + ("\n" if blanked else "")
        return HeredocText(text, first_row, indent, tuple(holes))

    def function(self, node, doc: Located, path: Path) -> Any:
        name = self.text(node.children[0])
        args_node = next((c for c in node.children if c.type == "function_arguments"), None)
        args = [c for c in args_node.children if c.type == "expression"] if args_node is not None else []
        if name in ("yamlencode", "jsonencode") and len(args) == 1:
            return Encoded(name[:4], self.expression(args[0], doc, path))
        if name == "file" and len(args) == 1:
            target = self.expression(args[0], Located({}, self.display), ())
            if isinstance(target, str):
                return FileRef(os.path.normpath(os.path.join(self.module_dir, target)))
        if name in ("tostring", "trimspace") and len(args) == 1:
            value = self.expression(args[0], doc, path)
            if isinstance(value, str):
                return value.strip() if name == "trimspace" else value
        if name == "merge":
            parts = [self.expression(a, Located({}, self.display), ()) for a in args]
            if parts and all(isinstance(p, dict) for p in parts):
                # locations of merged parts are not tracked; the value is still known
                merged: dict = {}
                for part in parts:
                    merged.update(part)
                return merged
        return Unknown(self.text(node))
