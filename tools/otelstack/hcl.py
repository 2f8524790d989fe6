"""HCL2 loading on tree-sitter, with the line and column of every value.

tree-sitter gives a concrete syntax tree in about a millisecond per file and keeps going past
syntax errors, so one broken block does not hide the rest of the file. On top of it this module
evaluates what can be known without Terraform: literals, objects, tuples, heredocs and templates,
`yamlencode`/`jsonencode`/`file`/`templatefile` and a few pure functions, operators and
conditionals on known values, and references a `Scope` binds (a module's variables, literal
locals, `each`/`count` of an expanded resource, a template's variables). Anything else (resource
and data references, module outputs, unbound variables) becomes `Unknown`: never guessed.

A value bound from elsewhere keeps the locations it was written at: a module variable read
through a call points at the call's argument.
"""

from __future__ import annotations

import copy
import glob
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
        return Encoded(self.format, copy.deepcopy(self.data, memo))


class EncodedText(str):
    """What yamlencode()/jsonencode() yields where a string is expected (a YAML string field of a
    manifest): the text, plus the encoded object with the positions it was written at, for whoever
    reads that string as YAML."""

    document: Located

    def __new__(cls, text: str, document: Located) -> "EncodedText":
        obj = super().__new__(cls, text)
        obj.document = document
        return obj

    def __reduce__(self):
        return (EncodedText, (str(self), self.document))


class FileRef:
    """file("<path>"): a file read when Terraform plans, resolved as Terraform does (a relative path
    from the directory terraform runs in). `cwd_unknown`: the path is relative and the module is
    read on its own (nothing here calls it), so where it points is not known."""

    __slots__ = ("path", "cwd_unknown", "written")

    def __init__(self, path: str, cwd_unknown: bool = False, written: str = "") -> None:
        self.path = path
        self.cwd_unknown = cwd_unknown
        self.written = written or path

    def __repr__(self) -> str:
        return f"FileRef({self.path!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileRef) and other.path == self.path


class TemplateRef:
    """templatefile("<path>", vars): the file rendered as a Terraform template with `variables`
    (a Located mapping, or Unknown when the map itself is not known)."""

    __slots__ = ("path", "variables")

    def __init__(self, path: str, variables: Any) -> None:
        self.path = path
        self.variables = variables

    def __repr__(self) -> str:
        return f"TemplateRef({self.path!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TemplateRef) and other.path == self.path


class Decoded:
    """yamldecode()/jsondecode() of a text (a heredoc, file() or templatefile()): the consumer
    parses it, so the values keep the text's own positions."""

    __slots__ = ("format", "text")

    def __init__(self, format: str, text: Any) -> None:
        self.format = format
        self.text = text

    def __repr__(self) -> str:
        return f"Decoded({self.format}, {self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Decoded) and (other.format, other.text) == (self.format, self.text)


class HeredocText(str):
    """A heredoc's (or a rendered template's) text plus where its first content line starts, so
    YAML inside it keeps real lines.

    `holes` are (line, start_col, end_col) spans, relative to the text, of ${...} interpolations
    that are only known at apply time (blanked out): values overlapping them are unknown.
    `file` is the display path the text comes from ("" = the file of the value holding it).
    `templated` is true when whole lines only exist once Terraform renders the text (an
    interpolation that fills a line, `%{ if }`/`%{ for }` directives): those lines are left out,
    so what is there is checked and what is missing is not known."""

    line_offset: int
    column_offset: int
    holes: tuple[tuple[int, int, int], ...]
    file: str
    templated: bool

    def __new__(cls, text: str, line_offset: int, column_offset: int, holes: tuple = (), file: str = "",
                templated: bool = False) -> "HeredocText":
        obj = super().__new__(cls, text)
        obj.line_offset = line_offset
        obj.column_offset = column_offset
        obj.holes = holes
        obj.file = file
        obj.templated = templated
        return obj

    def __reduce__(self):
        return (HeredocText, (str(self), self.line_offset, self.column_offset, self.holes, self.file, self.templated))


@dataclass
class HclBlock:
    type: str
    labels: list[str]
    location: Location
    doc: Located  # attributes as keys, nested blocks as lists under their type
    blocks: list["HclBlock"] = field(default_factory=list)
    end_line: int = 0
    node: Any = field(default=None, repr=False, compare=False)  # the syntax node, to evaluate it again under another scope


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


# Scopes -------------------------------------------------------------------------------------------


class Locals:
    """A module's `locals`, evaluated when first referenced (they may refer to each other in any order)."""

    def __init__(self) -> None:
        self.nodes: dict[str, tuple["ParsedHcl", Any]] = {}
        self.values: dict[str, Located | None] = {}
        self.scope: Scope | None = None

    def add(self, parsed: "ParsedHcl", block_node) -> None:
        body = next((c for c in block_node.children if c.type == "body"), None)
        for child in body.children if body is not None else ():
            if child.type == "attribute":
                expr = next((c for c in child.children if c.type == "expression"), None)
                if expr is not None:
                    self.nodes[parsed.text(child.children[0])] = (parsed, expr)

    def get(self, name: str) -> Located | None:
        if name in self.values:
            return self.values[name]
        if name not in self.nodes or self.scope is None:
            return None
        self.values[name] = None  # a reference cycle reads as unknown
        parsed, node = self.nodes[name]
        doc = Located({}, parsed.display)
        value = _Evaluator(parsed, self.scope).expression(node, doc, ())
        self.values[name] = Located(value, parsed.display, doc.locations, doc.key_locations)
        return self.values[name]


class Scope:
    """What references resolve to while evaluating one module instance.

    `variables` None: every `var.*` is unknown (a root module: tfvars, -var or the environment
    decide). A dict: the module's variables bound to a call's arguments or their defaults; a
    variable missing from it is unknown. `names` binds bare names: `each`, `count`, a template's
    variables, a `for` expression's iterators."""

    def __init__(self, module_dir: str = "", variables: dict[str, Located] | None = None, locals_: Locals | None = None,
                 names: dict[str, Located] | None = None, root_dir: str = "") -> None:
        self.module_dir = module_dir
        # where terraform runs (the root module): path.root, path.cwd, and what relative file paths start from
        self.root_dir = root_dir or module_dir
        self.variables = variables
        self.locals = locals_
        self.names = names or {}

    def with_names(self, **names: Located) -> "Scope":
        return Scope(self.module_dir, self.variables, self.locals, {**self.names, **names}, self.root_dir)

    def lookup(self, root: str, steps: list[Any]) -> tuple[Located, int] | None:
        """The binding a reference starts from and how many of its steps that consumed."""
        if root in self.names:
            return self.names[root], 0
        if root == "var" and self.variables is not None and steps and steps[0] in self.variables:
            return self.variables[steps[0]], 1
        if root == "local" and self.locals is not None and steps:
            found = self.locals.get(str(steps[0]))
            return (found, 1) if found is not None else None
        if root == "path" and steps and steps[0] in ("module", "root", "cwd"):
            return Located((self.module_dir if steps[0] == "module" else self.root_dir) or ".", ""), 1
        return None


# Parsing and evaluation ---------------------------------------------------------------------------


class ParsedHcl:
    """One parsed file: its syntax problems, and its blocks evaluated under any scope."""

    def __init__(self, text: str, display: str, fs_path: str = "") -> None:
        self.display = display
        self.fs_path = fs_path
        self.source = text.encode("utf-8", errors="replace")
        self.problems: list[tuple[Location, str]] = []
        self.block_nodes: list[Any] = []
        self.body = None
        self._lines: list[bytes] | None = None
        self._headers: dict[int, tuple[str, list[str]]] = {}
        # files the configuration reads in a way that is not evaluated here: templatefile() targets
        # (templates, not YAML), and files put into a heredoc through a function (indent(file(...)))
        self.templates: set[str] = set()
        self.embedded: set[str] = set()
        if b"\x00" in self.source:
            line = self.source[: self.source.index(b"\x00")].count(b"\n") + 1
            self.problems.append((Location(display, line, 1), "file contains NUL bytes: not an HCL text file"))
            return
        tree = _parser().parse(self.source)
        _collect_errors(tree.root_node, self.problems, display)
        self.body = next((c for c in tree.root_node.children if c.type == "body"), None)
        if self.body is not None:
            # A block with a syntax error inside still yields the attributes that parsed.
            self.block_nodes = [node for node in self.body.children if node.type == "block"]

    @property
    def lines(self) -> list[bytes]:
        if self._lines is None:
            self._lines = self.source.split(b"\n")
        return self._lines

    def text(self, node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def block_header(self, node) -> tuple[str, list[str]]:
        """A block's type and labels without evaluating its body."""
        headers = self._headers
        found = headers.get(node.id)
        if found is None:
            found = headers[node.id] = _Evaluator(self, None).header(node)
        return found

    def blocks(self, scope: Scope | None = None) -> list[HclBlock]:
        evaluator = _Evaluator(self, scope)
        return [evaluator.block(node) for node in self.block_nodes]

    def evaluate_block(self, node, scope: Scope | None) -> HclBlock:
        return _Evaluator(self, scope).block(node)


def parse_hcl(text: str, display: str, fs_path: str = "") -> ParsedHcl:
    return ParsedHcl(text, display, fs_path)


def load_hcl(text: str, display: str, fs_path: str = "", scope: Scope | None = None) -> HclFile:
    parsed = ParsedHcl(text, display, fs_path)
    return HclFile(display, fs_path, parsed.blocks(scope), list(parsed.problems))


def render_template(text: str, display: str, fs_path: str, variables: Any) -> HeredocText:
    """A template file's text rendered as templatefile() does: known variables filled in, unknown
    ones blanked as holes, directives left out (the result is then `templated`)."""
    delimiter = "OTELSTACK_TEMPLATE_END"
    while delimiter in text:
        delimiter += "_"
    body = text if text.endswith("\n") or not text else text + "\n"
    parsed = ParsedHcl(f"t = <<{delimiter}\n{body}{delimiter}\n", display, fs_path)
    names: dict[str, Located] = {}
    if isinstance(variables, Located) and isinstance(variables.data, dict):
        names = {key: variables.sub((key,)) for key in variables.data if isinstance(key, str)}
    rendered = _Evaluator(parsed, Scope(os.path.dirname(fs_path), names=names)).attribute_value("t")
    if not isinstance(rendered, HeredocText):
        return HeredocText("", 0, 0, (), display, True)
    return HeredocText(str(rendered), rendered.line_offset - 1, rendered.column_offset, rendered.holes, display,
                       rendered.templated)


def _loc(display: str, node) -> Location:
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


def _collect_errors(root, out: list, display: str, limit: int = 20) -> None:
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
    out.extend(problems[:limit])


MAX_DEPTH = 100  # nesting beyond this is not evaluated (Unknown): no real configuration goes there
_REFERENCE_STEPS = ("get_attr", "index")
_SCALARS = (str, int, float, bool)


def _template_text(value: Any) -> str | None:
    """How Terraform writes a known value into a template; None when it cannot be written (or is unknown)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and not isinstance(value, HeredocText):
        return value
    return None


class _Evaluator:
    def __init__(self, parsed: ParsedHcl, scope: Scope | None, depth: int = 0) -> None:
        self.parsed = parsed
        self.source = parsed.source
        self.display = parsed.display
        self.scope = scope
        self.module_dir = scope.module_dir if scope is not None and scope.module_dir else (
            os.path.dirname(parsed.fs_path) if parsed.fs_path else "")
        self.root_dir = scope.root_dir if scope is not None and scope.root_dir else self.module_dir
        self.depth = depth
        self.files_read: list[str] = []  # file()/templatefile() targets, in evaluation order

    # Blocks -------------------------------------------------------------------------------
    def header(self, node) -> tuple[str, list[str]]:
        children = node.children
        return self.text(children[0]), [self.label(c) for c in children[1:] if c.type in ("string_lit", "identifier")]

    def block(self, node) -> HclBlock:
        type_name, labels = self.header(node)
        doc = Located({}, self.display)
        doc.locations[()] = _loc(self.display, node)
        block = HclBlock(type_name, labels, _loc(self.display, node), doc, end_line=node.end_point.row + 1, node=node)
        body = next((c for c in node.children if c.type == "body"), None)
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
                expanded = self._dynamic(child)
                for nested in expanded if expanded is not None else [self.block(child)]:
                    self._nest(block, child, nested)

    def _nest(self, block: HclBlock, node, nested: HclBlock) -> None:
        doc = block.doc
        block.blocks.append(nested)
        # `dynamic "helm" { content { ... } }` whose for_each is not known is kept as "dynamic helm":
        # its content stands for the blocks it generates
        key = f"dynamic {nested.labels[0]}" if nested.type == "dynamic" and nested.labels else nested.type
        items = doc.data.setdefault(key, [])
        index = len(items)
        items.append(nested.doc.data)
        base: Path = (key, index)
        doc.key_locations.setdefault((key,), _loc(self.display, node.children[0]))
        doc.locations.setdefault((key,), _loc(self.display, node))
        for p, loc in nested.doc.locations.items():
            doc.locations[base + p] = loc
        for p, loc in nested.doc.key_locations.items():
            doc.key_locations[base + p] = loc

    def _dynamic(self, node) -> list[HclBlock] | None:
        """The blocks a `dynamic` block generates when its for_each is known; None otherwise."""
        type_name, labels = self.header(node)
        if type_name != "dynamic" or not labels or self.depth >= MAX_DEPTH:
            return None
        body = next((c for c in node.children if c.type == "body"), None)
        if body is None:
            return None
        attributes = {self.text(c.children[0]): next((e for e in c.children if e.type == "expression"), None)
                      for c in body.children if c.type == "attribute"}
        content = next((c for c in body.children if c.type == "block" and self.header(c)[0] == "content"), None)
        if content is None or attributes.get("for_each") is None:
            return None
        iterator = labels[0]
        if attributes.get("iterator") is not None:
            named = self.expression(attributes["iterator"], Located({}, self.display), ())
            iterator = self.text(attributes["iterator"]).strip() if isinstance(named, Unknown) else iterator
        source = Located({}, self.display)
        source.data = self.expression(attributes["for_each"], source, ())
        members = elements(source.data)
        if members is None:
            return None
        base = self.scope if self.scope is not None else Scope(self.module_dir, root_dir=self.root_dir)
        generated = []
        for key, position in members:
            nested = _Evaluator(self.parsed, base.with_names(**{iterator: element(source, key, position)}), self.depth + 1).block(content)
            nested.type, nested.labels = labels[0], []
            generated.append(nested)
        return generated

    def attribute_value(self, name: str) -> Any:
        """A top-level attribute of the file (used to render a template wrapped as one)."""
        body = self.parsed.body
        for child in body.children if body is not None else ():
            if child.type == "attribute" and self.text(child.children[0]) == name:
                expr = next((c for c in child.children if c.type == "expression"), None)
                return self.expression(expr, Located({}, self.display), ()) if expr is not None else None
        return None

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
            if kids and kids[0].type == "variable_expr":
                return self.reference(node, kids, doc, path)
            if len(kids) != 1:
                return Unknown(self.text(node))  # splats, attribute access on a call's result
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
        if kind == "variable_expr":
            return self.reference(node, [node], doc, path)
        if kind == "conditional":
            return self.conditional(node, kids, doc, path)
        if kind == "operation":
            return self.operation(kids[0], doc, path)
        if kind == "for_expr":
            return self.for_expression(kids[0], doc, path)
        return Unknown(self.text(node))

    def for_expression(self, node, doc: Located, path: Path) -> Any:
        """`[for v in c : x if cond]` and `{for k, v in c : key => value}` over a known collection."""
        unknown = Unknown(self.text(node))
        intro = next((c for c in node.children if c.type == "for_intro"), None)
        if intro is None or any(c.type == "ellipsis" for c in node.children):
            return unknown  # grouping (`...`) is not evaluated
        names = [self.text(c) for c in intro.children if c.type == "identifier"]
        collection = next((c for c in intro.children if c.type == "expression"), None)
        exprs = [c for c in node.children if c.type == "expression"]
        condition = next((c for c in node.children if c.type == "for_cond"), None)
        condition_expr = next((c for c in condition.children if c.type == "expression"), None) if condition is not None else None
        if collection is None or not names or len(exprs) != (2 if node.type == "for_object_expr" else 1):
            return unknown
        source = Located({}, self.display)
        source.data = self.expression(collection, source, ())
        members = elements(source.data)
        if members is None:
            return unknown
        base = self.scope if self.scope is not None else Scope(self.module_dir, root_dir=self.root_dir)
        out: Any = {} if node.type == "for_object_expr" else []
        for key, position in members:
            member = element(source, key, position)
            bound = {names[-1]: member.sub(("value",))}
            if len(names) == 2:
                bound[names[0]] = member.sub(("key",))
            evaluator = _Evaluator(self.parsed, base.with_names(**bound), self.depth + 1)
            if condition_expr is not None:
                keep = evaluator.expression(condition_expr, Located({}, self.display), ())
                if not isinstance(keep, bool):
                    return unknown
                if not keep:
                    continue
            if isinstance(out, dict):
                name = evaluator.expression(exprs[0], Located({}, self.display), ())
                name = str(name) if isinstance(name, (int, float)) and not isinstance(name, bool) else name
                if not isinstance(name, str) or name in out:
                    return unknown  # an unknown key, or two elements with one key (Terraform refuses it)
                doc.key_locations[path + (name,)] = _loc(self.display, exprs[0])
                out[name] = evaluator.expression(exprs[1], doc, path + (name,))
            else:
                out.append(evaluator.expression(exprs[0], doc, path + (len(out),)))
        return out

    def literal(self, node) -> Any:
        if node.type == "numeric_lit":
            text = self.text(node)
            try:
                return int(text)
            except ValueError:
                try:
                    return float(text)
                except ValueError:
                    return Unknown(text)
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
            return value if isinstance(value, str) else (str(value) if value is not None and not isinstance(value, Unknown) else None)
        if len(kids) == 1 and kids[0].type == "template_expr":
            value = self.template(kids[0].children[0])
            return value if isinstance(value, str) else None
        if len(kids) == 3 and kids[0].type == "(":
            value = self.expression(kids[1], Located({}, self.display), ())
            return value if isinstance(value, str) else None
        return None

    # References ----------------------------------------------------------------------------
    def reference(self, node, kids: list, doc: Located, path: Path) -> Any:
        """`var.x.y["k"]`, `local.m`, `each.value.path`, a template variable: the bound value with
        the locations it was written at, or Unknown."""
        text = self.text(node)
        if self.scope is None or any(k.type not in _REFERENCE_STEPS for k in kids[1:]):
            return Unknown(text)
        root = self.text(kids[0])
        steps: list[Any] = []
        for step in kids[1:]:
            if step.type == "get_attr":
                name = next((c for c in step.children if c.type == "identifier"), None)
                if name is None:
                    return Unknown(text)
                steps.append(self.text(name))
            else:
                inner = step.children[0] if step.children else None
                expr = next((c for c in inner.children if c.type == "expression"), None) if inner is not None else None
                key = self.expression(expr, Located({}, self.display), ()) if expr is not None else None
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    return Unknown(text)
                steps.append(key)
        found = self.scope.lookup(root, steps)
        if found is None:
            return Unknown(text)
        bound, consumed = found
        rest = tuple(steps[consumed:])
        value = bound.data
        for step in rest:
            if isinstance(value, dict) and isinstance(step, str) and step in value:
                value = value[step]
            elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
                value = value[step]
            else:
                return Unknown(text)  # unknown on the way, or not there (Terraform would refuse it)
        self._relocate(bound, rest, doc, path)
        return value if isinstance(value, Unknown) else copy.deepcopy(value)

    @staticmethod
    def _relocate(bound: Located, prefix: Path, doc: Located, path: Path) -> None:
        """Where a bound value was written becomes where this one is: a call's argument, a default."""
        n = len(prefix)
        anchor = bound.locations.get(prefix) or (bound.location(prefix) if bound.locations else None)
        if anchor is not None and anchor.file:
            doc.locations[path] = anchor
        for table, target in ((bound.locations, doc.locations), (bound.key_locations, doc.key_locations)):
            for p, loc in table.items():
                if len(p) > n and p[:n] == prefix:
                    target[path + p[n:]] = loc

    # Conditionals and operators --------------------------------------------------------------
    def conditional(self, node, kids: list, doc: Located, path: Path) -> Any:
        exprs = [k for k in kids if k.type == "expression"]
        if len(exprs) != 3:
            return Unknown(self.text(node))
        condition = self.expression(exprs[0], Located({}, self.display), ())
        if not isinstance(condition, bool):
            return Unknown(self.text(node))
        return self.expression(exprs[1] if condition else exprs[2], doc, path)

    def _operand(self, nodes: list) -> Any:
        scratch = Located({}, self.display)
        if len(nodes) == 1:
            return self.expression(nodes[0], scratch, ())
        if nodes and nodes[0].type == "variable_expr":
            return self.reference(nodes[0], nodes, scratch, ())  # an operand written without its expression wrapper
        return Unknown("")

    def operation(self, node, doc: Located, path: Path) -> Any:
        kids = [c for c in node.children if c.type != "comment"]
        text = self.text(node)
        if node.type == "unary_operation" and kids:
            operand = self._operand(kids[1:])
            if kids[0].type == "!" and isinstance(operand, bool):
                return not operand
            if kids[0].type == "-" and isinstance(operand, (int, float)) and not isinstance(operand, bool):
                return -operand
            return Unknown(text)
        if node.type != "binary_operation":
            return Unknown(text)
        index = next((i for i, k in enumerate(kids) if k.type in _BINARY), None)
        if index is None:
            return Unknown(text)
        operator = kids[index].type
        left, right = self._operand(kids[:index]), self._operand(kids[index + 1:])
        if operator in ("&&", "||"):
            # false && x, true || x are known whatever x is
            if operator == "&&" and (left is False or right is False):
                return False
            if operator == "||" and (left is True or right is True):
                return True
            if isinstance(left, bool) and isinstance(right, bool):
                return left and right if operator == "&&" else left or right
            return Unknown(text)
        if not (_known_scalar(left) and _known_scalar(right)):
            return Unknown(text)
        try:
            return _BINARY[operator](left, right)
        except (TypeError, ZeroDivisionError):
            return Unknown(text)

    # Templates -------------------------------------------------------------------------------
    def template(self, node) -> Any:
        if node.type == "quoted_template":
            parts = []
            for child in node.children:
                if child.type == "template_literal":
                    parts.append(unescape(self.text(child)))
                elif child.type in ("quoted_template_start", "quoted_template_end"):
                    continue
                elif child.type == "template_interpolation":
                    written = _template_text(self.interpolation(child))
                    if written is None:
                        return Unknown(self.text(node))
                    parts.append(written)
                else:
                    return Unknown(self.text(node))
            return "".join(parts)
        if node.type == "heredoc_template":
            return self.heredoc(node)
        return Unknown(self.text(node))

    def interpolation(self, node) -> Any:
        expr = next((c for c in node.children if c.type == "expression"), None)
        if expr is None:
            return Unknown(self.text(node))
        reference = self.text(expr).replace(" ", "")
        if reference in ("path.module", "path.root", "path.cwd"):
            return (self.module_dir if reference == "path.module" else self.root_dir) or "."
        return self.expression(expr, Located({}, self.display), ())

    def heredoc(self, node) -> Any:
        start = node.children[0]
        strip_indent = self.text(start).startswith("<<-")
        identifiers = [c for c in node.children if c.type == "heredoc_identifier"]
        if len(identifiers) < 2:
            return Unknown(self.text(node))
        first_row = identifiers[0].end_point.row + 1
        closing_row = identifiers[-1].start_point.row
        source_lines = self.parsed.lines[first_row:closing_row]
        # per row: (start byte, end byte, replacement text or None for a hole)
        spans: dict[int, list[tuple[int, int, str | None]]] = {}
        dropped: set[int] = set()
        templated = False
        for child in node.children:
            if child.type not in ("template_interpolation", "template_directive"):
                continue
            (srow, scol), (erow, ecol) = tuple(child.start_point), tuple(child.end_point)
            srow, erow = srow - first_row, erow - first_row
            read_before = len(self.files_read)
            text = None if child.type == "template_directive" else _template_text(self.interpolation(child))
            if text is None:
                self.parsed.embedded.update(self.files_read[read_before:])
            if text is not None and "\n" in text:
                text = None  # a multi-line value changes the structure around it: treated as unknown lines
            if srow == erow and (text is not None or child.type == "template_interpolation"):
                spans.setdefault(srow, []).append((scol, ecol, text))
                continue
            # a directive (or an expression spread over lines): what it yields is not known
            templated = True
            if srow == erow:
                spans.setdefault(srow, []).append((scol, ecol, None))
            else:
                dropped.update(range(srow, erow + 1))
        rows: list[str] = []
        holes: list[tuple[int, int, int]] = []
        line_holes: list[int] = []
        for index, raw in enumerate(source_lines):
            row_spans = sorted(spans.get(index, ()))
            if index in dropped:
                rows.append("")
                line_holes.append(index)
                continue
            if not row_spans:
                rows.append(_unescape_template(raw.decode("utf-8", "replace")))
                continue
            out, cursor, row_holes = "", 0, []
            for begin, end, replacement in row_spans:
                if begin < cursor:
                    continue
                out += _unescape_template(raw[cursor:begin].decode("utf-8", "replace"))
                original = raw[begin:end].decode("utf-8", "replace")
                if replacement is None:
                    row_holes.append((len(out) + 1, len(out) + len(original) + 1))
                    out += "_" * len(original)
                else:
                    out += replacement
                cursor = end
            out += _unescape_template(raw[cursor:].decode("utf-8", "replace"))
            if row_holes and not _blank_outside(out, row_holes):
                # the line is nothing but values Terraform fills in: they may be whole YAML lines
                rows.append("")
                line_holes.append(index)
                templated = True
                continue
            rows.append(out)
            holes.extend((index + 1, a, b) for a, b in row_holes)
        indent = 0
        if strip_indent:
            widths = [len(line) - len(line.lstrip(b" ")) for line in source_lines if line.strip()]
            indent = min(widths) if widths else 0
            rows = [row[indent:] if row[:indent].strip() == "" else row.lstrip(" ") for row in rows]
            holes = [(ln, a - indent, b - indent) for ln, a, b in holes]
        holes.extend((index + 1, 1, 1 << 30) for index in line_holes)
        text = "\n".join(rows) + ("\n" if rows else "")
        return HeredocText(text, first_row, indent, tuple(holes), self.display, templated)

    # Functions ---------------------------------------------------------------------------------
    def function(self, node, doc: Located, path: Path) -> Any:
        name = self.text(node.children[0])
        args_node = next((c for c in node.children if c.type == "function_arguments"), None)
        args = [c for c in args_node.children if c.type == "expression"] if args_node is not None else []
        expanded = args_node is not None and any(c.type == "ellipsis" for c in args_node.children)
        unknown = Unknown(self.text(node))
        if expanded:
            return unknown
        if name in ("yamlencode", "jsonencode") and len(args) == 1:
            return Encoded(name[:4], self.expression(args[0], doc, path))
        if name in ("yamldecode", "jsondecode") and len(args) == 1:
            text = self.expression(args[0], Located({}, self.display), ())
            return Decoded(name[:4], text) if isinstance(text, (str, FileRef, TemplateRef)) else unknown
        if name == "file" and len(args) == 1:
            target = self.expression(args[0], Located({}, self.display), ())
            if isinstance(target, str):
                self.files_read.append(os.path.normpath(os.path.join(self.root_dir, target)))
                called = self.scope is not None and self.scope.root_dir != self.scope.module_dir
                return FileRef(self.files_read[-1], cwd_unknown=not os.path.isabs(target) and not called, written=target)
            return unknown
        if name == "templatefile" and len(args) == 2:
            target = self.expression(args[0], Located({}, self.display), ())
            variables = Located({}, self.display)
            variables.data = self.expression(args[1], variables, ())
            if isinstance(target, str):
                self.files_read.append(os.path.normpath(os.path.join(self.root_dir, target)))
                self.parsed.templates.add(self.files_read[-1])
                return TemplateRef(self.files_read[-1], variables if isinstance(variables.data, dict) else variables.data)
            return unknown
        if name == "fileset" and len(args) == 2:
            base, pattern = (self.expression(a, Located({}, self.display), ()) for a in args)
            if isinstance(base, str) and isinstance(pattern, str):
                root = os.path.join(self.root_dir, base) if not os.path.isabs(base) else base
                found = glob.glob(os.path.join(glob.escape(root), pattern), recursive=True)
                return sorted({os.path.relpath(f, root).replace(os.sep, "/") for f in found if os.path.isfile(f)})
            return unknown
        if name == "merge":
            # the merged object keeps the locations of the part each key came from
            merged: dict = {}
            for arg in args:
                part = Located({}, self.display)
                part.data = self.expression(arg, part, ())
                if not isinstance(part.data, dict):
                    return unknown
                for key, value in part.data.items():
                    merged[key] = value
                    for table, target in ((part.locations, doc.locations), (part.key_locations, doc.key_locations)):
                        for p, loc in table.items():
                            if p[:1] == (key,):
                                target[path + p] = loc
            return merged
        values = [self.expression(a, Located({}, self.display), ()) for a in args]
        return _call(name, values, unknown)


MAX_ELEMENTS = 1000  # a for expression or dynamic block over more is not expanded


def elements(collection: Any) -> list[tuple[Any, Any]] | None:
    """(key, position in the collection) of each element of a known map or list; None when the
    collection (or how many elements it has) is not known."""
    if isinstance(collection, dict) and len(collection) <= MAX_ELEMENTS:
        return [(key, key) for key in collection]
    if isinstance(collection, list) and len(collection) <= MAX_ELEMENTS:
        return [(index, index) for index in range(len(collection))]
    return None


def element(source: Located, key: Any, position: Any) -> Located:
    """{key, value} of one element of a collection (an `each`, a `for` or `dynamic` iterator), with
    the locations its value was written at."""
    element = Located({"key": key, "value": source.data[position]}, source.file)
    anchor = source.key_locations.get((position,)) or source.location((position,))
    element.locations[()] = element.locations[("key",)] = anchor
    for table, target in ((source.locations, element.locations), (source.key_locations, element.key_locations)):
        for path, loc in table.items():
            if path[:1] == (position,):
                target[("value",) + path[1:]] = loc
    return element


def _unescape_template(text: str) -> str:
    return text.replace("$${", "${").replace("%%{", "%{")


def _blank_outside(line: str, holes: list[tuple[int, int]]) -> bool:
    """True when something other than whitespace is on the line outside the holes."""
    cursor = 1
    for start, end in holes:
        if line[cursor - 1 : start - 1].strip():
            return True
        cursor = end
    return bool(line[cursor - 1 :].strip())


def _known_scalar(value: Any) -> bool:
    return value is None or isinstance(value, _SCALARS) and not isinstance(value, HeredocText)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _equal(a: Any, b: Any) -> bool:
    """Terraform's ==: values of different types are never equal ("1" != 1)."""
    return a == b if (_is_number(a) and _is_number(b)) or type(a) is type(b) else False


def _numeric(op):
    def run(a, b):
        if not (_is_number(a) and _is_number(b)):
            raise TypeError("not numbers")
        return op(a, b)

    return run


_BINARY = {
    "==": _equal, "!=": lambda a, b: not _equal(a, b),
    "<": _numeric(lambda a, b: a < b), ">": _numeric(lambda a, b: a > b),
    "<=": _numeric(lambda a, b: a <= b), ">=": _numeric(lambda a, b: a >= b),
    "+": _numeric(lambda a, b: a + b), "-": _numeric(lambda a, b: a - b), "*": _numeric(lambda a, b: a * b),
    "/": _numeric(lambda a, b: a / b), "%": _numeric(lambda a, b: a % b),
    "&&": None, "||": None,
}


def fully_known(value: Any) -> bool:
    """True when a value is fully known: nothing inside is known at apply time only, or still to be read."""
    if isinstance(value, (Unknown, Encoded, FileRef, TemplateRef, Decoded)):
        return False
    if isinstance(value, dict):
        return all(fully_known(v) for v in value.values())
    if isinstance(value, list):
        return all(fully_known(v) for v in value)
    return True


def _call(name: str, args: list[Any], unknown: Unknown) -> Any:
    """The pure functions whose results platform repos feed into what otelstack reads."""
    if name in ("tostring", "trimspace", "lower", "upper") and len(args) == 1 and isinstance(args[0], str):
        text = str(args[0]) if not isinstance(args[0], HeredocText) or name == "tostring" else None
        if text is None:
            return unknown
        return {"tostring": text, "trimspace": text.strip(), "lower": text.lower(), "upper": text.upper()}[name]
    if name in ("tostring", "tonumber", "tobool") and len(args) == 1 and _known_scalar(args[0]):
        return args[0]
    if name == "join" and len(args) == 2 and isinstance(args[0], str) and isinstance(args[1], list):
        parts = [p for p in args[1] if p is not None]
        if len(parts) == 1 and isinstance(parts[0], str):
            return parts[0]  # one part: itself, with its own positions (a heredoc stays one)
        if all(isinstance(p, str) and not isinstance(p, HeredocText) for p in parts):
            return args[0].join(parts)
        return unknown
    if name in ("toset", "tolist") and len(args) == 1 and isinstance(args[0], list):
        if name == "toset":
            if not all(isinstance(v, (str, int, float, bool)) for v in args[0]):
                return unknown  # a set of unknowns: how many elements is not known
            seen: list = []
            for item in args[0]:
                if item not in seen:
                    seen.append(item)
            return seen
        return args[0]
    if name == "tomap" and len(args) == 1 and isinstance(args[0], dict):
        return args[0]
    if name == "concat" and args and all(isinstance(a, list) for a in args):
        return [item for a in args for item in a]
    if name == "lookup" and len(args) in (2, 3) and isinstance(args[0], dict) and isinstance(args[1], str):
        if args[1] in args[0]:
            return args[0][args[1]]
        return args[2] if len(args) == 3 else unknown
    if name == "element" and len(args) == 2 and isinstance(args[0], list) and args[0] and isinstance(args[1], int):
        return args[0][args[1] % len(args[0])]
    if name == "length" and len(args) == 1 and isinstance(args[0], (list, dict, str)) and fully_known(args[0]):
        return len(args[0])
    if name in ("keys", "values") and len(args) == 1 and isinstance(args[0], dict):
        return sorted(args[0]) if name == "keys" else [args[0][k] for k in sorted(args[0])]
    if name == "coalesce" and args:
        for value in args:
            if isinstance(value, Unknown):
                return unknown
            if value is not None and value != "":
                return value
        return unknown
    if name == "try" and args:
        # the first argument that evaluates: a known one is that value, an unknown one may fail or not
        return args[0] if fully_known(args[0]) else unknown
    if name == "format" and args and isinstance(args[0], str) and all(_known_scalar(a) for a in args[1:]):
        return _format(args[0], args[1:], unknown)
    return unknown


def _format(spec: str, args: list[Any], unknown: Unknown) -> Any:
    """format() with the verbs platform repos use for names (%s, %d, %v, %q, %%)."""
    remaining = list(args)

    def repl(match: re.Match) -> str:
        if match.group(1) == "%":
            return "%"
        written = _template_text(remaining.pop(0)) if remaining else None
        if written is None:
            raise ValueError("cannot format")
        return f'"{written}"' if match.group(1) == "q" else written

    try:
        return re.sub(r"%([sdvq%])", repl, spec)
    except ValueError:
        return unknown
