"""Just enough Go for reading configuration out of upstream source: a tokenizer, a parser of
package-level declarations (types, constants, variables, functions) and expressions, and an
evaluator of the small functions that build Terraform provider schemas.

Not a Go implementation: statements other than declarations, assignments, `if` and `return` are
skipped, and anything that cannot be evaluated offline (a call into another library) becomes an
`Opaque` value that records what it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

# Tokens ---------------------------------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<ws>[ \t\r]+)
  | (?P<nl>\n)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<raw>`[^`]*`)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<rune>'(?:[^'\\\n]|\\.)*')
  | (?P<number>0[xX][0-9a-fA-F_]+|(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?i?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\.\.\.|<<=|>>=|&\^=|&&|\|\||<-|\+\+|--|==|!=|<=|>=|:=|\+=|-=|\*=|/=|%=|&=|\|=|\^=|<<|>>|&\^|[-+*/%&|^<>=!()\[\]{},;.:~])
""", re.S | re.X)

_SEMI_AFTER = {"ident", "number", "string", "raw", "rune"}
_SEMI_KEYWORDS = {"break", "continue", "fallthrough", "return"}
_SEMI_OPS = {"++", "--", ")", "]", "}"}


@dataclass(frozen=True)
class Token:
    kind: str  # ident | number | string | op | eof
    text: str
    line: int


def tokenize(source: str, comments: dict[int, str] | None = None) -> list[Token]:
    """Go tokens with automatic semicolons; `//` comments go to `comments` (line -> text) if given."""
    tokens: list[Token] = []
    line = 1
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise SyntaxError(f"line {line}: cannot read {source[position:position + 20]!r}")
        kind = match.lastgroup
        text = match.group()
        position = match.end()
        newline = kind == "nl" or (kind == "comment" and "\n" in text)
        if newline and tokens and _ends_statement(tokens[-1]):
            tokens.append(Token("op", ";", line))
        if kind == "comment" and comments is not None and text.startswith("//"):
            comments[line] = text[2:].strip()
        line += text.count("\n")
        if kind in ("ws", "nl", "comment"):
            continue
        if kind == "raw":
            tokens.append(Token("string", text[1:-1], line))
        elif kind == "string":
            tokens.append(Token("string", _unquote(text), line))
        elif kind == "rune":
            tokens.append(Token("number", text, line))
        else:
            tokens.append(Token(kind, text, line))
    if tokens and _ends_statement(tokens[-1]):
        tokens.append(Token("op", ";", line))
    tokens.append(Token("eof", "", line))
    return tokens


def _ends_statement(token: Token) -> bool:
    if token.kind == "ident":
        return token.text not in _KEYWORDS or token.text in _SEMI_KEYWORDS
    if token.kind in ("number", "string"):
        return True
    return token.kind == "op" and token.text in _SEMI_OPS


_KEYWORDS = {"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for", "func", "go",
             "goto", "if", "import", "interface", "map", "package", "range", "return", "select", "struct", "switch", "type", "var"}


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "\\": "\\", '"': '"'}.get(m.group(1), m.group(1)), body)


# Syntax tree ----------------------------------------------------------------------------------
# Types: ("name", pkg|None, name) ("ptr", T) ("slice", T) ("array", T) ("map", K, V)
#        ("struct", [Field]) ("interface",) ("func",) ("chan", T) ("generic", T, [args])
# Expressions: ("lit", value) ("ident", name) ("sel", X, name) ("call", F, [args]) ("composite", T, [(key, value)])
#        ("unary", op, X) ("binary", op, X, Y) ("index", X, I) ("funclit",) ("paren", X) ("typeexpr", T)


@dataclass
class Field:
    name: str | None  # None: embedded
    type: Any
    tag: str = ""
    doc: str = ""  # the comment lines just above it

    @property
    def deprecated(self) -> str | None:
        """The text after `Deprecated:` in its doc comment (Go's convention), or None."""
        marker = self.doc.find("Deprecated:")
        return self.doc[marker + len("Deprecated:"):].strip() or "deprecated" if marker >= 0 else None


@dataclass
class Func:
    name: str
    receiver: str | None  # receiver's type name, for methods
    params: list[str]
    body: list  # statements, or None
    file: "GoFile | None" = None


@dataclass
class GoFile:
    package: str
    imports: dict[str, str]  # local name -> import path
    types: dict[str, Any] = field(default_factory=dict)  # name -> type
    consts: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # name -> (type or None, expression)
    vars: dict[str, Any] = field(default_factory=dict)
    funcs: dict[str, Func] = field(default_factory=dict)
    methods: dict[str, set[str]] = field(default_factory=dict)  # type name -> method names


class Parser:
    def __init__(self, source: str, bodies: bool = True) -> None:
        self.comments: dict[int, str] = {}
        self.tokens = tokenize(source, self.comments)
        self.pos = 0
        self.no_composite = 0
        self.bodies = bodies  # False: skip function bodies (declarations only, faster)

    # token helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def next(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def at(self, text: str) -> bool:
        return self.tok.text == text and self.tok.kind in ("op", "ident")

    def accept(self, text: str) -> bool:
        if self.at(text):
            self.pos += 1
            return True
        return False

    def expect(self, text: str) -> Token:
        if not self.at(text):
            raise SyntaxError(f"line {self.tok.line}: expected {text!r}, found {self.tok.text!r}")
        return self.next()

    def skip_semis(self) -> None:
        while self.accept(";"):
            pass

    def skip_block(self) -> None:
        """Skip a balanced { ... } starting at the current '{'."""
        self.expect("{")
        depth = 1
        while depth and self.tok.kind != "eof":
            token = self.next()
            if token.kind == "op" and token.text == "{":
                depth += 1
            elif token.kind == "op" and token.text == "}":
                depth -= 1

    # file
    def file(self) -> GoFile:
        self.skip_semis()
        self.expect("package")
        package = self.next().text
        out = GoFile(package, {})
        self.skip_semis()
        while self.at("import"):
            self.next()
            specs = self._group(self._import_spec)
            for name, path in specs:
                out.imports[name] = path
            self.skip_semis()
        while self.tok.kind != "eof":
            if self.accept("type"):
                for name, typ in self._group(self._type_spec):
                    out.types[name] = typ
            elif self.accept("const"):
                last: tuple[Any, Any] = (None, None)
                for index, (names, typ, values) in enumerate(self._group(self._value_spec)):
                    if values is None:
                        typ, values = last  # implicit repetition of the previous expression list
                    else:
                        last = (typ, values)
                    for position, name in enumerate(names):
                        expression = values[position] if values and position < len(values) else None
                        out.consts[name] = (typ, _with_iota(expression, index))
            elif self.accept("var"):
                for names, typ, values in self._group(self._value_spec):
                    for position, name in enumerate(names):
                        out.vars[name] = values[position] if values and position < len(values) else None
            elif self.at("func"):
                func = self._func_decl()
                func.file = out
                if func.receiver:
                    out.methods.setdefault(func.receiver, set()).add(func.name)
                else:
                    out.funcs[func.name] = func
            else:
                self.next()
            self.skip_semis()
        return out

    def _group(self, spec: Callable[[], Any]) -> list:
        if self.accept("("):
            items = []
            self.skip_semis()
            while not self.accept(")"):
                items.append(spec())
                self.skip_semis()
            return items
        return [spec()]

    def _import_spec(self) -> tuple[str, str]:
        name = None
        if self.tok.kind == "ident" or self.at("."):
            name = self.next().text
        path = self.next().text
        return (name or path.rsplit("/", 1)[-1]), path

    def _type_spec(self) -> tuple[str, Any]:
        name = self.next().text
        if self.at("[") and self.peek().kind == "ident" and self.peek(2).text not in ("]",):
            self._skip_brackets()  # type parameters
        self.accept("=")
        return name, self.type()

    def _skip_brackets(self) -> None:
        depth = 0
        while True:
            token = self.next()
            if token.text == "[":
                depth += 1
            elif token.text == "]":
                depth -= 1
                if depth == 0:
                    return

    def _value_spec(self) -> tuple[list[str], Any, list | None]:
        names = [self.next().text]
        while self.accept(","):
            names.append(self.next().text)
        typ = None
        if not self.at("=") and not self.at(";") and not self.at(")"):
            typ = self.type()
        values = None
        if self.accept("="):
            values = [self.expression()]
            while self.accept(","):
                values.append(self.expression())
        return names, typ, values

    def _func_decl(self) -> Func:
        self.expect("func")
        receiver = None
        if self.at("("):
            self.next()
            parts = []
            while not self.at(")"):
                parts.append(self.next().text)
            self.next()
            receiver = next((p for p in reversed(parts) if re.match(r"^[A-Za-z_]\w*$", p)), None)
        name = self.next().text
        if self.at("["):
            self._skip_brackets()
        params = self._params()
        # results
        if self.at("("):
            self._params()
        elif not self.at("{") and not self.at(";"):
            self.type()
        body = None
        if self.at("{"):
            if self.bodies:
                body = self.block()
            else:
                self.skip_block()
        return Func(name, receiver, params, body)

    def _params(self) -> list[str]:
        self.expect("(")
        groups: list[list[Token]] = [[]]
        depth = 0
        while True:
            token = self.next()
            if token.text in ("(", "[", "{"):
                depth += 1
            elif token.text in (")", "]", "}"):
                if depth == 0 and token.text == ")":
                    break
                depth -= 1
            if token.text == "," and depth == 0:
                groups.append([])
            else:
                groups[-1].append(token)
        names = []
        for group in groups:
            if len(group) >= 2 and group[0].kind == "ident":
                names.append(group[0].text)
            elif len(group) == 1 and group[0].kind == "ident":
                names.append(group[0].text)  # `a, b int`: a's type comes later
        return names

    # types
    def type(self) -> Any:
        token = self.tok
        if self.accept("*"):
            return ("ptr", self.type())
        if self.accept("["):
            if self.accept("]"):
                return ("slice", self.type())
            while not self.accept("]"):
                self.next()
            return ("array", self.type())
        if self.accept("map"):
            self.expect("[")
            key = self.type()
            self.expect("]")
            return ("map", key, self.type())
        if self.accept("struct"):
            return ("struct", self._fields())
        if self.accept("interface"):
            self.skip_block()
            return ("interface",)
        if self.accept("func"):
            self._params()
            if self.at("("):
                self._params()
            elif self.tok.kind == "ident" or self.at("*") or self.at("["):
                self.type()
            return ("func",)
        if self.accept("chan") or (self.at("<-") and self.next()):
            self.accept("chan")
            self.accept("<-")
            return ("chan", self.type())
        if self.accept("("):
            inner = self.type()
            self.expect(")")
            return inner
        if token.kind == "ident":
            self.next()
            pkg, name = None, token.text
            if self.at(".") and self.peek().kind == "ident":
                self.next()
                pkg, name = name, self.next().text
            typ: Any = ("name", pkg, name)
            if self.at("[") and not (self.peek().text == "]"):
                args = []
                self.next()
                while not self.accept("]"):
                    args.append(self.type())
                    self.accept(",")
                typ = ("generic", typ, args)
            return typ
        raise SyntaxError(f"line {token.line}: not a type: {token.text!r}")

    def _fields(self) -> list[Field]:
        self.expect("{")
        fields: list[Field] = []
        self.skip_semis()
        while not self.accept("}"):
            names: list[str] = []
            embedded = False
            doc_lines = []
            line = self.tok.line - 1
            while line in self.comments:
                doc_lines.insert(0, self.comments[line])
                line -= 1
            doc = " ".join(doc_lines)
            if self.at("*"):
                embedded = True
            elif self.tok.kind == "ident":
                # embedded when a bare type name (T, pkg.T, T[A], pkg.T[A]) ends the field
                offset = 1
                if self.peek(1).text == "." and self.peek(2).kind == "ident":
                    offset = 3
                if self.peek(offset).text == "[":
                    depth = 0
                    while True:
                        text = self.peek(offset).text
                        depth += text == "["
                        depth -= text == "]"
                        offset += 1
                        if depth == 0 or self.peek(offset).kind == "eof":
                            break
                following = self.peek(offset)
                embedded = following.text in (";", "}") or following.kind == "string"
            if embedded:
                typ = self.type()
            else:
                names.append(self.next().text)
                while self.accept(","):
                    names.append(self.next().text)
                typ = self.type()
            tag = self.next().text if self.tok.kind == "string" else ""
            if embedded:
                fields.append(Field(None, typ, tag, doc))
            else:
                fields.extend(Field(name, typ, tag, doc) for name in names)
            self.skip_semis()
        return fields

    # statements (only what schema functions use)
    def block(self) -> list:
        self.expect("{")
        statements = []
        self.skip_semis()
        while not self.accept("}"):
            statement = self.statement()
            if statement is not None:
                statements.append(statement)
            self.skip_semis()
        return statements

    def statement(self) -> Any:
        if self.accept("return"):
            values = []
            if not self.at(";") and not self.at("}"):
                values.append(self.expression())
                while self.accept(","):
                    values.append(self.expression())
            return ("return", values)
        if self.accept("if"):
            self.no_composite += 1
            init = None
            condition = self.simple_statement()
            if self.accept(";"):
                init, condition = condition, self.simple_statement()
            self.no_composite -= 1
            then = self.block()
            otherwise = None
            if self.accept("else"):
                otherwise = [self.statement()] if self.at("if") else self.block()
            return ("if", init, condition, then, otherwise)
        if self.at("go") or self.at("defer"):
            self.next()
            self.expression()
            return None
        if self.at("for") or self.at("switch") or self.at("select"):
            self.next()
            depth = 0
            while not (depth == 0 and self.at("{")):
                token = self.next()
                if token.text in ("(", "["):
                    depth += 1
                elif token.text in (")", "]"):
                    depth -= 1
                elif token.text in ("interface", "struct") and self.at("{"):
                    self.skip_block()
            self.skip_block()
            return None
        if self.accept("var"):
            specs = self._group(self._value_spec)
            return ("var", [(names, values) for names, _, values in specs])
        if self.at("const") or self.at("type"):
            while not self.at(";") and not self.at("}"):
                if self.at("{") or self.at("("):
                    self._skip_balanced()
                else:
                    self.next()
            return None
        if self.at("{"):
            return ("block", self.block())
        return self.simple_statement()

    def _skip_balanced(self) -> None:
        opener = self.next().text
        closer = {"(": ")", "{": "}", "[": "]"}[opener]
        depth = 1
        while depth:
            token = self.next()
            if token.text == opener:
                depth += 1
            elif token.text == closer:
                depth -= 1

    def simple_statement(self) -> Any:
        left = [self.expression()]
        while self.accept(","):
            left.append(self.expression())
        for op in (":=", "=", "+=", "-=", "|=", "&="):
            if self.accept(op):
                right = [self.expression()]
                while self.accept(","):
                    right.append(self.expression())
                return ("assign", op, left, right)
        if self.accept("++") or self.accept("--"):
            return None
        return ("expr", left[0])

    # expressions
    def expression(self, precedence: int = 1) -> Any:
        left = self.unary()
        while True:
            op = self.tok.text if self.tok.kind == "op" else None
            level = _PRECEDENCE.get(op or "")
            if level is None or level < precedence:
                return left
            self.next()
            right = self.expression(level + 1)
            left = ("binary", op, left, right)

    def unary(self) -> Any:
        if self.tok.kind == "op" and self.tok.text in ("+", "-", "!", "^", "*", "&", "<-"):
            op = self.next().text
            return ("unary", op, self.unary())
        return self.primary()

    def primary(self) -> Any:
        token = self.tok
        node: Any
        if token.kind == "string":
            self.next()
            node = ("lit", token.text)
        elif token.kind == "number":
            self.next()
            node = ("lit", _number(token.text))
        elif self.at("func"):
            self.next()
            self._params()
            if self.at("("):
                self._params()
            elif not self.at("{"):
                self.type()
            if self.at("{"):
                self.skip_block()
            node = ("funclit",)
        elif self.at("("):
            self.next()
            self.no_composite, saved = 0, self.no_composite
            inner = self.expression()
            self.no_composite = saved
            self.expect(")")
            node = ("paren", inner)
        elif self.at("[") or self.at("map") or self.at("struct") or self.at("interface") or self.at("chan"):
            typ = self.type()
            node = self._composite(typ) if self.at("{") else ("typeexpr", typ)
        elif token.kind == "ident":
            self.next()
            node = ("ident", token.text)
        else:
            raise SyntaxError(f"line {token.line}: unexpected {token.text!r}")
        while True:
            if self.at("."):
                self.next()
                if self.accept("("):
                    typ = self.type() if not self.at("type") else self.next()
                    self.expect(")")
                    node = ("assert", node)
                else:
                    node = ("sel", node, self.next().text)
            elif self.at("("):
                self.next()
                args = []
                self.no_composite, saved = 0, self.no_composite
                while not self.accept(")"):
                    args.append(self.expression())
                    self.accept("...")
                    self.accept(",")
                self.no_composite = saved
                node = ("call", node, args)
            elif self.at("["):
                self.next()
                self.no_composite, saved = 0, self.no_composite
                index = None if self.at(":") else self.expression()
                while self.accept(","):  # generic instantiation: F[A, B]
                    if not self.at("]"):
                        self.expression()
                if self.accept(":"):
                    if not self.at("]"):
                        self.expression()
                    if self.accept(":"):
                        self.expression()
                self.no_composite = saved
                self.expect("]")
                node = ("index", node, index)
            elif self.at("{") and not self.no_composite and _can_be_type(node):
                node = self._composite(_as_type(node))
            else:
                return node

    def _composite(self, typ: Any) -> Any:
        self.expect("{")
        self.no_composite, saved = 0, self.no_composite
        elements = []
        self.skip_semis()
        while not self.accept("}"):
            first = self._element()
            if self.accept(":"):
                elements.append((first, self._element()))
            else:
                elements.append((None, first))
            self.accept(",")
            self.skip_semis()
        self.no_composite = saved
        return ("composite", typ, elements)

    def _element(self) -> Any:
        if self.at("{"):
            return self._composite(None)
        return self.expression()


_PRECEDENCE = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
               "+": 4, "-": 4, "|": 4, "^": 4, "*": 5, "/": 5, "%": 5, "<<": 5, ">>": 5, "&": 5, "&^": 5}


def _can_be_type(node: Any) -> bool:
    return node[0] == "ident" or (node[0] == "sel" and node[1][0] == "ident") or (node[0] == "index" and _can_be_type(node[1]))


def _as_type(node: Any) -> Any:
    if node[0] == "ident":
        return ("name", None, node[1])
    if node[0] == "sel":
        return ("name", node[1][1], node[2])
    return _as_type(node[1])


def _number(text: str) -> Any:
    clean = text.replace("_", "")
    try:
        if clean.startswith(("0x", "0X")):
            return int(clean, 16)
        if clean.startswith("'"):
            return clean
        return int(clean) if re.match(r"^\d+$", clean) else float(clean.rstrip("i"))
    except ValueError:
        return clean


def _with_iota(expression: Any, index: int) -> Any:
    return ("iota-scope", index, expression) if expression is not None else None


def parse(source: str, bodies: bool = True) -> GoFile:
    return Parser(source, bodies).file()


# Evaluation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opaque:
    """A value only the Go program knows (a call into a library, a function literal, ...)."""

    what: str
    args: tuple = ()

    def __repr__(self) -> str:
        return f"Opaque({self.what})"


@dataclass
class Struct:
    """A composite literal of a named (or elided) type."""

    type: str
    fields: dict


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class Package:
    """The package-level declarations of one Go package (all its non-test files)."""

    def __init__(self, files: list[GoFile]) -> None:
        self.files = files
        self.funcs: dict[str, Func] = {}
        self.consts: dict[str, tuple[Any, Any, GoFile]] = {}
        self.vars: dict[str, tuple[Any, GoFile]] = {}
        self.types: dict[str, tuple[Any, GoFile]] = {}
        self.methods: dict[str, set[str]] = {}
        for file in files:
            self.funcs.update(file.funcs)
            for name, (typ, expression) in file.consts.items():
                self.consts[name] = (typ, expression, file)
            for name, expression in file.vars.items():
                self.vars[name] = (expression, file)
            for name, typ in file.types.items():
                self.types[name] = (typ, file)
            for name, methods in file.methods.items():
                self.methods.setdefault(name, set()).update(methods)


class Evaluator:
    """Evaluates calls of a package's functions with constant arguments."""

    def __init__(self, package: Package, builtins: dict[str, Callable] | None = None, max_depth: int = 64) -> None:
        self.package = package
        self.builtins = builtins or {}
        self.max_depth = max_depth
        self.depth = 0

    def call(self, name: str, *args: Any) -> Any:
        func = self.package.funcs.get(name)
        if func is None or func.body is None:
            return Opaque(name, tuple(args))
        self.depth += 1
        if self.depth > self.max_depth:
            raise RecursionError(f"{name}: nested more than {self.max_depth} calls deep")
        env = dict(zip(func.params, args))
        try:
            self._run(func.body, env)
        except _Return as result:
            return result.value
        finally:
            self.depth -= 1
        return None

    def _run(self, statements: list, env: dict) -> None:
        for statement in statements:
            kind = statement[0]
            if kind == "return":
                values = [self.eval(value, env) for value in statement[1]]
                raise _Return(values[0] if len(values) == 1 else tuple(values))
            if kind == "if":
                _, init, condition, then, otherwise = statement
                if init is not None:
                    self._run([init], env)
                truth = self.eval(condition[1] if condition[0] == "expr" else condition, env)
                if isinstance(truth, Opaque):
                    raise ValueError(f"cannot decide `if` on {truth!r} offline")
                if truth:
                    self._run(then, env)
                elif otherwise:
                    self._run(otherwise, env)
            elif kind == "assign":
                _, op, left, right = statement
                values = [self.eval(value, env) for value in right]
                for target, value in zip(left, values):
                    self._assign(target, value, env, op)
            elif kind == "var":
                for names, values in statement[1]:
                    for position, name in enumerate(names):
                        env[name] = self.eval(values[position], env) if values else None
            elif kind == "block":
                self._run(statement[1], env)

    def _assign(self, target: Any, value: Any, env: dict, op: str) -> None:
        if target[0] == "ident":
            env[target[1]] = value
        elif target[0] == "sel":
            holder = self.eval(target[1], env)
            if isinstance(holder, Struct):
                holder.fields[target[2]] = value
        elif target[0] == "index":
            holder = self.eval(target[1], env)
            if isinstance(holder, dict):
                holder[self.eval(target[2], env)] = value

    def eval(self, node: Any, env: dict) -> Any:
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "paren":
            return self.eval(node[1], env)
        if kind == "ident":
            name = node[1]
            if name in env:
                return env[name]
            if name in ("true", "false"):
                return name == "true"
            if name == "nil":
                return None
            if name in self.package.consts:
                return self._const(name)
            if name in self.package.vars:
                expression, _ = self.package.vars[name]
                return self.eval(expression, {}) if expression is not None else None
            return Opaque(name)
        if kind == "sel":
            if node[1][0] == "ident" and node[1][1] not in env:
                return f"{node[1][1]}.{node[2]}"  # a package member: symbolic
            holder = self.eval(node[1], env)
            if isinstance(holder, Struct):
                return holder.fields.get(node[2])
            return Opaque(f"{holder}.{node[2]}")
        if kind == "call":
            return self._call(node, env)
        if kind == "composite":
            return self._composite(node[1], node[2], env)
        if kind == "unary":
            value = self.eval(node[2], env)
            if node[1] == "!":
                return not value if isinstance(value, bool) else Opaque("!", (value,))
            if node[1] == "-":
                return -value if isinstance(value, (int, float)) else Opaque("-", (value,))
            return value  # & and * do not matter here
        if kind == "binary":
            return self._binary(node[1], self.eval(node[2], env), self.eval(node[3], env))
        if kind == "funclit":
            return Opaque("func")
        if kind == "index":
            holder = self.eval(node[1], env)
            key = self.eval(node[2], env) if node[2] is not None else None
            if isinstance(holder, (dict, list)) and not isinstance(key, Opaque):
                try:
                    return holder[key]
                except (KeyError, IndexError, TypeError):
                    return Opaque("index")
            return Opaque("index")
        return Opaque(kind)

    def _const(self, name: str) -> Any:
        _, expression, _ = self.package.consts[name]
        if expression is None:
            return Opaque(name)
        _, index, inner = expression
        return self.eval(inner, {"iota": index})

    def _call(self, node: Any, env: dict) -> Any:
        function = node[1]
        args = [self.eval(arg, env) for arg in node[2]]
        if function[0] == "ident" and function[1] in self.package.funcs and function[1] not in env:
            return self.call(function[1], *args)
        name = _callee(function)
        if name in self.builtins:
            return self.builtins[name](*args)
        return Opaque(name, tuple(_freeze(a) for a in args))

    def _composite(self, typ: Any, elements: list, env: dict) -> Any:
        if typ is not None and typ[0] in ("slice", "array"):
            return [self._element(value, typ[1], env) for _, value in elements]
        if typ is not None and typ[0] == "map":
            return {self._key(key, env): self._element(value, typ[2], env) for key, value in elements}
        name = _type_name(typ)
        fields = {}
        for key, value in elements:
            if key is not None and key[0] == "ident":
                fields[key[1]] = self._element(value, None, env)
        return Struct(name, fields)

    def _element(self, value: Any, element_type: Any, env: dict) -> Any:
        if value[0] == "composite" and value[1] is None:
            return self._composite(element_type[1] if element_type and element_type[0] == "ptr" else element_type, value[2], env)
        return self.eval(value, env)

    def _key(self, key: Any, env: dict) -> Any:
        return self.eval(key, env)

    @staticmethod
    def _binary(op: str, left: Any, right: Any) -> Any:
        if isinstance(left, Opaque) or isinstance(right, Opaque):
            return Opaque(op, (_freeze(left), _freeze(right)))
        try:
            return {
                "+": lambda: left + right, "-": lambda: left - right, "*": lambda: left * right,
                "/": lambda: left // right if isinstance(left, int) else left / right,
                "==": lambda: left == right, "!=": lambda: left != right, "<": lambda: left < right,
                "<=": lambda: left <= right, ">": lambda: left > right, ">=": lambda: left >= right,
                "&&": lambda: left and right, "||": lambda: left or right, "<<": lambda: left << right,
                "|": lambda: left | right, "&": lambda: left & right,
            }[op]()
        except (KeyError, TypeError):
            return Opaque(op, (_freeze(left), _freeze(right)))


def _callee(node: Any) -> str:
    if node[0] == "ident":
        return node[1]
    if node[0] == "sel":
        return f"{_callee(node[1])}.{node[2]}"
    return node[0]


def _type_name(typ: Any) -> str:
    if typ is None:
        return ""
    if typ[0] == "ptr":
        return _type_name(typ[1])
    if typ[0] == "name":
        return f"{typ[1]}.{typ[2]}" if typ[1] else typ[2]
    if typ[0] == "generic":
        return _type_name(typ[1])
    return typ[0]


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, Struct):
        return (value.type, _freeze(value.fields))
    return value


def struct_tag(tag: str, key: str) -> str | None:
    """The value of `key:"..."` in a struct tag, or None."""
    match = re.search(rf'(?:^|\s){re.escape(key)}:"([^"]*)"', tag)
    return match.group(1) if match else None
