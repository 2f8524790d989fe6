"""Go's text/template in Python, as the ApplicationSet controller runs it with `goTemplate: true`:
the functions of functions.py (Sprig and Argo CD's own), and the `missingkey` option of
`goTemplateOptions`.

Parsing follows text/template/parse: actions with `{{-`/`-}}` trimming, comments, pipelines,
parenthesised pipelines and field chains, variables (`$x := `, `$x = `, `$`), `if`/`else if`,
`with`/`else with`, `range` (slices, maps in key order, integers; `break`/`continue`), `define`,
`template`, `block`. As in Go, a name that is not a defined function fails the parse ("function
"x" not defined") and an undeclared variable too. Execution follows text/template/exec: field
access on a missing map key is an error with missingkey=error, "<no value>" by default, the zero
value with missingkey=zero; arguments are converted to the functions' Go parameter types.

What Python does not evaluate (a Sprig function without an implementation here, a printf verb)
raises NeedsEngine naming it: the caller renders that template with helm's engine or reports it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from otelstack.fleet import functions
from otelstack.fleet.govalues import NeedsEngine, StrMap, TemplateError, basic_kind, is_true, printed, type_name

__all__ = ["TemplateError", "NeedsEngine", "Unsupported", "parse", "render", "references", "MISSING_KEY_OPTIONS"]

Unsupported = NeedsEngine  # the name older callers use
MISSING_KEY_OPTIONS = {"missingkey=default": "invalid", "missingkey=invalid": "invalid", "missingkey=zero": "zero",
                       "missingkey=error": "error"}
KEYWORDS = {"block", "break", "continue", "define", "else", "end", "if", "range", "nil", "template", "with"}


# --- lexer ---------------------------------------------------------------------------------------

@dataclass
class Token:
    kind: str  # space field dot var ident keyword string char number bool nil pipe lparen rparen declare assign comma
    text: str
    offset: int


_TOKEN = re.compile(r"""
    (?P<space>[ \t\r\n]+)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<raw>`[^`]*`)
  | (?P<char>'(?:[^'\\\n]|\\.)*')
  | (?P<number>[+-]?(?:0[xX][0-9a-fA-F_]+(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?\d+)?|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)i?)
  | (?P<field>\.[A-Za-z_][A-Za-z0-9_]*)
  | (?P<dot>\.)
  | (?P<var>\$[A-Za-z0-9_]*)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<declare>:=)
  | (?P<assign>=)
  | (?P<pipe>\|)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<comma>,)
""", re.X)


def _tokens(body: str, base: int) -> list[Token]:
    out: list[Token] = []
    position = 0
    while position < len(body):
        match = _TOKEN.match(body, position)
        if match is None:
            char = body[position]
            if char == '"':
                raise TemplateError("unterminated quoted string")
            if char == "`":
                raise TemplateError("unterminated raw quoted string")
            raise TemplateError(f"unexpected {char!r} in command")
        kind = match.lastgroup or ""
        text = match.group(0)
        if kind == "raw":
            kind = "string"
        elif kind == "ident":
            kind = "bool" if text in ("true", "false") else "nil" if text == "nil" else "keyword" if text in KEYWORDS else "ident"
        elif kind == "number" and match.end() < len(body) and (body[match.end()].isalnum() or body[match.end()] == "_"):
            raise TemplateError(f"bad number syntax: {text + body[match.end()]!r}")
        out.append(Token(kind, text, base + position))
        position = match.end()
    return out


@dataclass
class _Segment:
    kind: str  # text | action
    text: str
    offset: int
    tokens: list[Token] = field(default_factory=list)


def _segments(source: str) -> list[_Segment]:
    segments: list[_Segment] = []
    position = 0
    trim_next = False
    while True:
        start = source.find("{{", position)
        text = source[position:] if start < 0 else source[position:start]
        if trim_next:
            text = text.lstrip(" \t\r\n")
        trim_left = start >= 0 and source[start + 2:start + 3] == "-" and source[start + 3:start + 4] in (" ", "\t", "\r", "\n")
        if trim_left:
            text = text.rstrip(" \t\r\n")
        if text:
            segments.append(_Segment("text", text, position))
        if start < 0:
            return segments
        inner = start + (4 if trim_left else 2)
        if source.startswith("/*", inner):
            close = source.find("*/", inner + 2)
            if close < 0:
                raise TemplateError("unclosed comment")
            after = close + 2
            trim_next = source.startswith(" -}}", after) or source.startswith("\t-}}", after)
            if trim_next:
                after += 4
            elif source.startswith("}}", after):
                after += 2
            else:
                raise TemplateError("comment ends before closing delimiter")
            position = after
            continue
        end, trim_next = _action_end(source, inner)
        body = source[inner:end]
        segments.append(_Segment("action", body, inner, _tokens(body, inner)))
        position = end + (4 if trim_next else 2)


def _action_end(source: str, position: int) -> tuple[int, bool]:
    """Where the action's closing delimiter starts (strings may hold "}}"), and whether it trims."""
    index = position
    while index < len(source):
        char = source[index]
        if char in "\"'":
            close = index + 1
            while close < len(source) and source[close] != char:
                if source[close] == "\n":
                    raise TemplateError("unterminated quoted string")
                close += 2 if source[close] == "\\" else 1
            index = close + 1
            continue
        if char == "`":
            close = source.find("`", index + 1)
            if close < 0:
                raise TemplateError("unterminated raw quoted string")
            index = close + 1
            continue
        if source.startswith(" -}}", index) or source.startswith("\t-}}", index) or source.startswith("\n-}}", index) \
                or source.startswith("\r-}}", index):
            return index, True
        if source.startswith("}}", index):
            return index, False
        index += 1
    raise TemplateError("unclosed action")


# --- parse tree ----------------------------------------------------------------------------------

@dataclass
class Node:
    offset: int


@dataclass
class Text(Node):
    text: str


@dataclass
class Literal(Node):
    value: Any
    kind: str  # string bool number nil
    text: str = ""
    is_int: bool = False
    is_float: bool = False


@dataclass
class Field(Node):
    names: list[str]


@dataclass
class Dot(Node):
    pass


@dataclass
class Variable(Node):
    names: list[str]  # ["$x", "field", ...]


@dataclass
class Identifier(Node):
    name: str


@dataclass
class Chain(Node):
    node: Node
    names: list[str]


@dataclass
class Command(Node):
    args: list[Node]


@dataclass
class Pipe(Node):
    decl: list[str]
    is_assign: bool
    commands: list[Command]
    text: str = ""


@dataclass
class Action(Node):
    pipe: Pipe


@dataclass
class Branch(Node):
    kind: str  # if | with | range
    pipe: Pipe
    body: list[Node]
    otherwise: list[Node] | None


@dataclass
class TemplateCall(Node):
    name: str
    pipe: Pipe | None


@dataclass
class LoopControl(Node):
    kind: str  # break | continue


@dataclass
class Parsed:
    root: list[Node]
    defines: dict[str, list[Node]]
    source: str
    simple: list | None = None  # text and plain field actions only: rendered without walking the tree


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.segments = _segments(source)
        self.position = 0
        self.defines: dict[str, list[Node]] = {}
        self.vars: list[str] = ["$"]
        self.loop_depth = 0

    def parse(self) -> Parsed:
        root, end = self._list(())
        if end is not None:
            raise TemplateError(f"unexpected {{{{{end[0]}}}}}")
        return Parsed(root, self.defines, self.source)

    def _list(self, stops: tuple[str, ...]) -> tuple[list[Node], tuple[str, _Segment] | None]:
        nodes: list[Node] = []
        while self.position < len(self.segments):
            segment = self.segments[self.position]
            self.position += 1
            if segment.kind == "text":
                nodes.append(Text(segment.offset, segment.text))
                continue
            tokens = [t for t in segment.tokens]
            significant = [t for t in tokens if t.kind != "space"]
            if not significant:
                raise TemplateError("missing value for command")
            head = significant[0]
            if head.kind == "keyword":
                word = head.text
                if word in ("end", "else"):
                    if word not in stops:
                        raise TemplateError(f"unexpected {{{{{word}}}}}")
                    return nodes, (word, segment)
                nodes.append(self._keyword(word, tokens, segment))
                continue
            nodes.append(Action(segment.offset, self._pipeline(tokens, segment, "command")))
        if stops:
            raise TemplateError("unexpected EOF")
        return nodes, None

    def _after_keyword(self, tokens: list[Token]) -> list[Token]:
        seen = False
        out = []
        for token in tokens:
            if not seen and token.kind == "keyword":
                seen = True
                continue
            if seen:
                out.append(token)
        return out

    def _keyword(self, word: str, tokens: list[Token], segment: _Segment) -> Node:
        rest = self._after_keyword(tokens)
        if word in ("if", "with", "range"):
            return self._control(word, rest, segment)
        if word in ("break", "continue"):
            if any(t.kind != "space" for t in rest):
                raise TemplateError(f"unexpected token in {{{{{word}}}}}")
            if self.loop_depth == 0:
                raise TemplateError(f"{{{{{word}}}}} outside {{{{range}}}}")
            return LoopControl(segment.offset, word)
        if word in ("template", "block"):
            significant = [t for t in rest if t.kind != "space"]
            if not significant or significant[0].kind != "string":
                raise TemplateError(f"unexpected token in {word} clause")
            name = _unquote(significant[0].text)
            after = rest[rest.index(significant[0]) + 1:]
            pipe = self._pipeline(after, segment, word) if any(t.kind != "space" for t in after) else None
            if word == "block":
                saved_vars, self.vars = self.vars, ["$"]
                body, end = self._list(("end",))
                self.vars = saved_vars
                if end is None or end[0] != "end":
                    raise TemplateError("unexpected EOF")
                self.defines[name] = body
            return TemplateCall(segment.offset, name, pipe)
        if word == "define":
            significant = [t for t in rest if t.kind != "space"]
            if len(significant) != 1 or significant[0].kind != "string":
                raise TemplateError("unexpected token in define clause")
            saved_vars, self.vars = self.vars, ["$"]
            saved_loop, self.loop_depth = self.loop_depth, 0
            body, end = self._list(("end",))
            self.vars, self.loop_depth = saved_vars, saved_loop
            if end is None or end[0] != "end":
                raise TemplateError("unexpected EOF")
            self.defines[_unquote(significant[0].text)] = body
            return Text(segment.offset, "")
        raise TemplateError(f"unexpected {{{{{word}}}}}")

    def _control(self, word: str, rest: list[Token], segment: _Segment) -> Branch:
        saved = len(self.vars)
        pipe = self._pipeline(rest, segment, word)
        if word == "range":
            self.loop_depth += 1
        body, end = self._list(("end", "else"))
        if word == "range":
            self.loop_depth -= 1
        otherwise: list[Node] | None = None
        if end is not None and end[0] == "else":
            after = self._after_keyword(end[1].tokens)
            significant = [t for t in after if t.kind != "space"]
            if significant and significant[0].kind == "keyword" and significant[0].text in ("if", "with") and word in ("if", "with"):
                if significant[0].text != word:
                    raise TemplateError(f"expected end; found {{{{else {significant[0].text}}}}}")
                # `else if`/`else with`: a nested branch that ends with this one's {{end}}
                nested = self._control(word, self._after_keyword(after), end[1])
                otherwise = [nested]
            else:
                if significant:
                    raise TemplateError("unexpected tokens after else")
                otherwise, end = self._list(("end",))
                if end is None:
                    raise TemplateError("unexpected EOF")
        del self.vars[saved:]
        return Branch(segment.offset, word, pipe, body, otherwise)

    def _pipeline(self, tokens: list[Token], segment: _Segment, context: str) -> Pipe:
        significant = [t for t in tokens if t.kind != "space"]
        decl: list[str] = []
        is_assign = False
        # $x := / $x = / $i, $e :=
        index = 0
        if significant and significant[0].kind == "var":
            if len(significant) > 1 and significant[1].kind in ("declare", "assign"):
                decl = [significant[0].text]
                is_assign = significant[1].kind == "assign"
                index = 2
            elif context == "range" and len(significant) > 3 and significant[1].kind == "comma" \
                    and significant[2].kind == "var" and significant[3].kind in ("declare", "assign"):
                decl = [significant[0].text, significant[2].text]
                is_assign = significant[3].kind == "assign"
                index = 4
        if decl and is_assign:
            for name in decl:
                if name not in self.vars:
                    raise TemplateError(f"undefined variable {name!r}".replace("'", '"'))
        remaining = tokens[tokens.index(significant[index]):] if index < len(significant) else []
        commands = self._commands(remaining, segment)
        if not commands:
            raise TemplateError(f"missing value for {context}")
        for position, command in enumerate(commands[1:], 1):
            if isinstance(command.args[0], (Literal, Dot)):
                raise TemplateError(f"non executable command in pipeline stage {position + 1}")
        if decl and not is_assign:
            self.vars.extend(decl)
        return Pipe(segment.offset, decl, is_assign, commands, segment.text.strip())

    def _commands(self, tokens: list[Token], segment: _Segment) -> list[Command]:
        commands: list[Command] = []
        args: list[Node] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.kind == "space":
                index += 1
                continue
            if token.kind == "pipe":
                if not args:
                    raise TemplateError("missing command")
                commands.append(Command(token.offset, args))
                args = []
                index += 1
                continue
            if args and index > 0 and tokens[index - 1].kind not in ("space", "lparen") and token.kind not in ("rparen",):
                raise TemplateError(f"unexpected {token.text!r} in operand (missing space?)")
            node, index = self._operand(tokens, index, segment)
            args.append(node)
        if args:
            commands.append(Command(segment.offset, args))
        elif commands:
            raise TemplateError("missing command")
        return commands

    def _operand(self, tokens: list[Token], index: int, segment: _Segment) -> tuple[Node, int]:
        token = tokens[index]
        kind, text = token.kind, token.text
        node: Node
        if kind == "lparen":
            depth, end = 1, index + 1
            while end < len(tokens) and depth:
                depth += {"lparen": 1, "rparen": -1}.get(tokens[end].kind, 0)
                end += 1
            if depth:
                raise TemplateError("unclosed left paren")
            inner = tokens[index + 1:end - 1]
            node = self._pipeline(inner, segment, "parenthesized pipeline")
            index = end
        elif kind == "rparen":
            raise TemplateError("unexpected right paren")
        elif kind == "ident":
            if functions.lookup(text) is None:
                raise TemplateError(f'function "{text}" not defined')
            node, index = Identifier(token.offset, text), index + 1
        elif kind == "field":
            names, index = _fields(tokens, index + 1, [text[1:]])
            return Field(token.offset, names), index
        elif kind == "dot":
            node, index = Dot(token.offset), index + 1
        elif kind == "var":
            if text not in self.vars:
                raise TemplateError(f'undefined variable "{text}"')
            names, index = _fields(tokens, index + 1, [text])
            return Variable(token.offset, names), index
        elif kind == "string":
            node, index = Literal(token.offset, _unquote(text), "string", text), index + 1
        elif kind == "char":
            value = _unquote(text)
            if len(value) != 1:
                raise TemplateError(f"malformed character constant: {text}")
            node, index = Literal(token.offset, ord(value), "number", text, True, True), index + 1
        elif kind == "bool":
            node, index = Literal(token.offset, text == "true", "bool", text), index + 1
        elif kind == "nil":
            node, index = Literal(token.offset, None, "nil", text), index + 1
        elif kind == "number":
            node, index = _number(token), index + 1
        elif kind == "keyword":
            raise TemplateError(f"unexpected <{text}> in command")
        else:
            raise TemplateError(f"unexpected {text!r} in operand")
        # a field chain after a term: (pipeline).x, $x.y handled above
        if index < len(tokens) and tokens[index].kind == "field":
            if isinstance(node, (Literal,)) and node.kind != "nil":
                raise TemplateError(f"unexpected . after term {node.text!r}")
            names, index = _fields(tokens, index, [])
            node = Chain(token.offset, node, names)
        return node, index


def _fields(tokens: list[Token], index: int, names: list[str]) -> tuple[list[str], int]:
    """`.a.b.c` after an operand: the field names, and where the operand ends."""
    while index < len(tokens) and tokens[index].kind == "field":
        names.append(tokens[index].text[1:])
        index += 1
    return names, index


def _unquote(text: str) -> str:
    if text.startswith("`"):
        return text[1:-1]
    try:
        value = ast.literal_eval(text if not text.startswith("'") else text)
    except (ValueError, SyntaxError):
        raise TemplateError(f"invalid syntax: {text}") from None
    return value


def _number(token: Token) -> Literal:
    text = token.text
    if text.endswith("i"):
        raise NeedsEngine(f"the complex number {text}")
    clean = text.replace("_", "")
    is_int = is_float = False
    int_value: int | None = None
    float_value: float | None = None
    try:
        int_value = int(clean, 0)
        is_int = True
    except ValueError:
        pass
    try:
        float_value = float.fromhex(clean) if clean.lower().lstrip("+-").startswith("0x") else float(clean)
        is_float = True
    except ValueError:
        pass
    if not is_int and is_float and float_value is not None and float_value.is_integer() and abs(float_value) < 2 ** 63:
        is_int, int_value = True, int(float_value)
    if not (is_int or is_float):
        raise TemplateError(f"bad number syntax: {text!r}")
    looks_float = any(c in clean for c in ".eEpP") and not clean.lower().lstrip("+-").startswith("0x")
    value = float_value if looks_float else int_value
    return Literal(token.offset, value, "number", text, is_int, is_float)


@lru_cache(maxsize=4096)
def parse(source: str) -> Parsed:
    """The parse tree of a template (cached: a fleet renders the same template many times)."""
    parsed = _Parser(source).parse()
    parsed.simple = _simple(parsed)
    return parsed


# --- execution -----------------------------------------------------------------------------------

class _Break(Exception):
    pass


class _Continue(Exception):
    pass


_MISSING = object()  # no piped value


class _State:
    __slots__ = ("parsed", "vars", "missing", "out", "depth")

    def __init__(self, parsed: Parsed, data: Any, missing: str) -> None:
        self.parsed = parsed
        self.vars: list[tuple[str, Any]] = [("$", data)]
        self.missing = missing
        self.out: list[str] = []
        self.depth = 0

    # walking
    def walk(self, dot: Any, nodes: list[Node]) -> None:
        for node in nodes:
            kind = type(node)
            if kind is Text:
                self.out.append(node.text)  # type: ignore[attr-defined]
            elif kind is Action:
                value = self.pipeline(dot, node.pipe)  # type: ignore[attr-defined]
                if not node.pipe.decl:  # type: ignore[attr-defined]
                    self.out.append(printed(value))
            elif kind is Branch:
                self.branch(dot, node)  # type: ignore[arg-type]
            elif kind is LoopControl:
                raise _Break() if node.kind == "break" else _Continue()  # type: ignore[attr-defined]
            elif kind is TemplateCall:
                self.template(dot, node)  # type: ignore[arg-type]

    def branch(self, dot: Any, node: Branch) -> None:
        mark = len(self.vars)
        try:
            if node.kind == "range":
                self.range(dot, node)
                return
            value = self.pipeline(dot, node.pipe)
            if is_true(value):
                self.walk(value if node.kind == "with" else dot, node.body)
            elif node.otherwise is not None:
                self.walk(dot, node.otherwise)
        finally:
            del self.vars[mark:]

    def range(self, dot: Any, node: Branch) -> None:
        pipe = node.pipe
        value = self.pipeline(dot, Pipe(pipe.offset, [], False, pipe.commands))
        mark = len(self.vars)
        if isinstance(value, dict):
            items: list[tuple[Any, Any]] = [(k, value[k]) for k in sorted(value)]
        elif isinstance(value, list):
            items = list(enumerate(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            if len(pipe.decl) > 1:
                raise TemplateError(f"can't use {value} to iterate over more than one variable")
            items = [(i, i) for i in range(value)]
        elif value is None:
            items = []
        else:
            raise TemplateError(f"range can't iterate over {printed(value)}")
        for key, element in items:
            if len(pipe.decl) == 1:
                self._bind(pipe, 0, element)
            elif len(pipe.decl) == 2:
                self._bind(pipe, 0, key)
                self._bind(pipe, 1, element)
            try:
                self.walk(element, node.body)
            except _Continue:
                pass
            except _Break:
                break
            finally:
                del self.vars[mark:]
        if not items and node.otherwise is not None:
            self.walk(dot, node.otherwise)

    def _bind(self, pipe: Pipe, index: int, value: Any) -> None:
        name = pipe.decl[index]
        if pipe.is_assign:
            self.set_var(name, value)
        else:
            self.vars.append((name, value))

    def template(self, dot: Any, node: TemplateCall) -> None:
        body = self.parsed.defines.get(node.name)
        if body is None:
            raise TemplateError(f'no such template "{node.name}"')
        if self.depth > 100000:
            raise TemplateError("exceeded maximum template depth (100000)")
        value = self.pipeline(dot, node.pipe) if node.pipe is not None else None
        saved = self.vars
        self.vars = [("$", value)]
        self.depth += 1
        try:
            self.walk(value, body)
        finally:
            self.vars = saved
            self.depth -= 1

    # variables
    def var(self, name: str) -> Any:
        for key, value in reversed(self.vars):
            if key == name:
                return value
        raise TemplateError(f"undefined variable: {name}")

    def set_var(self, name: str, value: Any) -> None:
        for index in range(len(self.vars) - 1, -1, -1):
            if self.vars[index][0] == name:
                self.vars[index] = (name, value)
                return
        raise TemplateError(f"undefined variable: {name}")

    # pipelines
    def pipeline(self, dot: Any, pipe: Pipe) -> Any:
        value: Any = _MISSING
        for command in pipe.commands:
            value = self.command(dot, command, value)
        if pipe.decl:
            if pipe.is_assign:
                self.set_var(pipe.decl[0], value)
            else:
                self.vars.append((pipe.decl[0], value))
        return value

    def command(self, dot: Any, command: Command, final: Any) -> Any:
        first = command.args[0]
        kind = type(first)
        if kind is Field:
            return self.field_chain(dot, dot, first.names, command.args, final, first)  # type: ignore[attr-defined]
        if kind is Chain:
            if len(command.args) > 1 or final is not _MISSING:
                pass
            receiver = self.arg_value(dot, first.node)  # type: ignore[attr-defined]
            return self.field_chain(dot, receiver, first.names, command.args, final, first)  # type: ignore[attr-defined]
        if kind is Identifier:
            return self.function(dot, first, command.args, final)  # type: ignore[arg-type]
        if kind is Variable:
            value = self.var(first.names[0])  # type: ignore[attr-defined]
            if len(first.names) == 1:  # type: ignore[attr-defined]
                self.not_a_function(command.args, final)
                return value
            return self.field_chain(dot, value, first.names[1:], command.args, final, first)  # type: ignore[attr-defined]
        self.not_a_function(command.args, final)
        if kind is Pipe:
            return self.pipeline(dot, first)  # type: ignore[arg-type]
        if kind is Dot:
            return dot
        if kind is Literal:
            if first.kind == "nil":  # type: ignore[attr-defined]
                raise TemplateError("nil is not a command")
            return first.value  # type: ignore[attr-defined]
        raise TemplateError("can't evaluate command")

    @staticmethod
    def not_a_function(args: list[Node], final: Any) -> None:
        if len(args) > 1 or final is not _MISSING:
            raise TemplateError(f"can't give argument to non-function {_show(args[0])}")

    def field_chain(self, dot: Any, receiver: Any, names: list[str], args: list[Node], final: Any, node: Node) -> Any:
        for name in names[:-1]:
            receiver = self.field(receiver, name, node, False)
        has_args = len(args) > 1 or final is not _MISSING
        return self.field(receiver, names[-1], node, has_args)

    def field(self, receiver: Any, name: str, node: Node, has_args: bool) -> Any:
        if receiver is None:
            if self.missing == "error":
                raise TemplateError(f'nil data; no entry for key "{name}" (at <{_show(node)}>)')
            return None
        if isinstance(receiver, dict):
            if has_args:
                raise TemplateError(f"{name} is not a method but has arguments")
            if name in receiver:
                return receiver[name]
            if self.missing == "error":
                raise TemplateError(f'map has no entry for key "{name}" (at <{_show(node)}>)')
            if self.missing == "zero" and isinstance(receiver, StrMap):
                return ""
            return None
        raise TemplateError(f"can't evaluate field {name} in type {type_name(receiver)} (at <{_show(node)}>)")

    def function(self, dot: Any, node: Identifier, args: list[Node], final: Any) -> Any:
        name = node.name
        found = functions.lookup(name)
        if found is None:  # the parser refuses these; kept for trees built by hand
            raise TemplateError(f'function "{name}" not defined')
        if name in ("and", "or"):
            operands = args[1:]
            if not operands and final is _MISSING:
                raise TemplateError(f"wrong number of args for {name}: want at least 1 got 0")
            value: Any = None
            for operand in operands:
                value = self.arg_value(dot, operand)
                if is_true(value) != (name == "and"):
                    return value
            if final is not _MISSING:
                value = final
            return value
        params, variadic = found.params, found.variadic
        given = len(args) - 1 + (0 if final is _MISSING else 1)
        if variadic is None and given != len(params):
            raise TemplateError(f"wrong number of args for {name}: want {len(params)} got {given}")
        if variadic is not None and given < len(params):
            raise TemplateError(f"wrong number of args for {name}: want at least {len(params)} got {given}")
        values = []
        for position, arg in enumerate(args[1:]):
            kind = params[position] if position < len(params) else variadic
            values.append(self.typed_arg(dot, arg, kind or "any", name))
        if final is not _MISSING:
            kind = params[len(values)] if len(values) < len(params) else variadic
            values.append(_validate(final, kind or "any", name))
        try:
            return found.call(*values)
        except (TemplateError, NeedsEngine):
            raise
        except (TypeError, ValueError, IndexError, KeyError, AttributeError, RecursionError) as exc:
            raise TemplateError(f"error calling {name}: {exc}") from None

    def arg_value(self, dot: Any, node: Node) -> Any:
        kind = type(node)
        if kind is Field:
            return self.field_chain(dot, dot, node.names, [node], _MISSING, node)  # type: ignore[attr-defined]
        if kind is Dot:
            return dot
        if kind is Variable:
            value = self.var(node.names[0])  # type: ignore[attr-defined]
            return self.field_chain(dot, value, node.names[1:], [node], _MISSING, node) if len(node.names) > 1 else value  # type: ignore[attr-defined]
        if kind is Chain:
            receiver = self.arg_value(dot, node.node)  # type: ignore[attr-defined]
            return self.field_chain(dot, receiver, node.names, [node], _MISSING, node)  # type: ignore[attr-defined]
        if kind is Pipe:
            return self.pipeline(dot, node)  # type: ignore[arg-type]
        if kind is Identifier:
            return self.function(dot, node, [node], _MISSING)  # type: ignore[arg-type]
        if kind is Literal:
            if node.kind == "number":  # type: ignore[attr-defined]
                return node.value  # type: ignore[attr-defined]
            return node.value  # type: ignore[attr-defined]
        raise TemplateError("can't evaluate argument")

    def typed_arg(self, dot: Any, node: Node, kind: str, name: str) -> Any:
        if type(node) is Literal:
            return _literal_for(node, kind)  # type: ignore[arg-type]
        return _validate(self.arg_value(dot, node), kind, name)


def _literal_for(node: Literal, kind: str) -> Any:
    if node.kind == "nil":
        if kind in ("any", "value"):
            return None
        raise TemplateError(f"cannot assign nil to {kind}")
    if kind in ("any", "value"):
        return node.value
    if kind == "string":
        if node.kind != "string":
            raise TemplateError(f"expected string; found {node.text}")
        return node.value
    if kind == "bool":
        if node.kind != "bool":
            raise TemplateError(f"expected bool; found {node.text}")
        return node.value
    if kind == "int":
        if node.kind != "number" or not node.is_int:
            raise TemplateError(f"expected integer; found {node.text}")
        return int(node.value)
    if kind == "float64":
        if node.kind != "number" or not node.is_float:
            raise TemplateError(f"expected float; found {node.text}")
        return float(node.value)
    return node.value


_GO_KIND = {"string": str, "bool": bool, "float64": float}


def _validate(value: Any, kind: str, name: str) -> Any:
    """text/template's validateType: a value must be assignable to the parameter's Go type."""
    if kind in ("any", "value"):
        return value
    if value is None:
        raise TemplateError(f"error calling {name}: invalid value; expected {kind}")
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(value, _GO_KIND[kind]) and not (kind == "float64" and isinstance(value, bool)):
        return value
    raise TemplateError(f"wrong type for value; expected {kind}; got {type_name(value)}")


def _show(node: Node) -> str:
    if isinstance(node, Field):
        return "." + ".".join(node.names)
    if isinstance(node, Variable):
        return ".".join(node.names)
    if isinstance(node, Identifier):
        return node.name
    if isinstance(node, Literal):
        return node.text
    if isinstance(node, Chain):
        return f"({_show(node.node)})." + ".".join(node.names)
    if isinstance(node, Dot):
        return "."
    if isinstance(node, Pipe):
        return f"({node.text})"
    return "?"


def _simple(parsed: Parsed) -> list | None:
    """A template of text and `{{ .field.chain }}` actions only, as its parts (else None)."""
    parts: list = []
    for node in parsed.root:
        if isinstance(node, Text):
            parts.append(node.text)
        elif (isinstance(node, Action) and not node.pipe.decl and len(node.pipe.commands) == 1
              and len(node.pipe.commands[0].args) == 1 and isinstance(node.pipe.commands[0].args[0], Field)):
            parts.append(node.pipe.commands[0].args[0])
        else:
            return None
    return parts


def render(source: str, data: Any, options: list[str] | tuple[str, ...] = ()) -> str:
    """Render `source` with `data` as the dot, under the controller's goTemplateOptions.
    Raises TemplateError (the controller fails too) or NeedsEngine."""
    missing = "invalid"
    for option in options:
        mode = MISSING_KEY_OPTIONS.get(str(option).strip())
        if mode is None:
            raise TemplateError(f"unrecognized option: {option}")
        missing = mode
    parsed = parse(source)
    simple = parsed.simple
    if simple is not None:  # text and plain field actions: most ApplicationSet strings
        out = []
        for part in simple:
            if isinstance(part, str):
                out.append(part)
                continue
            state = _State(parsed, data, missing)
            out.append(printed(state.field_chain(data, data, part.names, [part], _MISSING, part)))
        return "".join(out)
    state = _State(parsed, data, missing)
    try:
        state.walk(data, parsed.root)
    except RecursionError:
        raise TemplateError("template nests too deeply") from None
    return "".join(state.out)


def references(source: str) -> list[str]:
    """Field chains read from the data at the top level (outside with/range/define), e.g.
    ['metadata.labels.region']: what another engine must find to honour missingkey=error."""
    try:
        parsed = parse(source)
    except (TemplateError, NeedsEngine):
        return []
    found: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, Field):
            found.append(".".join(node.names))
        elif isinstance(node, Action):
            visit(node.pipe)
        elif isinstance(node, Pipe):
            for command in node.commands:
                for arg in command.args:
                    visit(arg)
        elif isinstance(node, Chain):
            visit(node.node)
        elif isinstance(node, Branch):
            visit(node.pipe)
            if node.kind == "if":
                for child in node.body + (node.otherwise or []):
                    visit(child)

    for node in parsed.root:
        visit(node)
    return found
