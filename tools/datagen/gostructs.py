"""Configuration schemas from Go structs: the keys a YAML (or mapstructure) decoder accepts, their
types, and the environment variables caarlos0/env reads, following nested struct types across
packages of one repository (and its vendor/ folder)."""

from __future__ import annotations

import posixpath
from typing import Any

from datagen import golang
from datagen.upstream import UpstreamRepo

BASIC = {"string": "string", "bool": "boolean", "byte": "integer", "rune": "integer", "float32": "number", "float64": "number",
         "any": "any", "error": "any"}
BASIC.update({name: "integer" for name in ("int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
                                           "uint64", "uintptr")})
OPTIONAL = "go.opentelemetry.io/collector/config/configoptional"
EXTERNAL = {("time", "Duration"): {"type": "duration"}, ("time", "Time"): {"type": "string"},
            ("url", "URL"): {"type": "string"}, ("regexp", "Regexp"): {"type": "string"}}


class GoTree:
    """The Go packages of one repository at one ref, parsed on demand (declarations only)."""

    def __init__(self, repo: UpstreamRepo, ref: str, module: str, cache: dict) -> None:
        self.repo = repo
        self.ref = ref
        self.module = module  # module path from go.mod
        self.cache = cache  # blob id -> GoFile, shared across refs
        self.packages: dict[str, golang.Package | None] = {}
        self.files_of: dict[str, list[golang.GoFile]] = {}
        self.blobs = repo.blobs(ref, "")
        self.unresolved: set[str] = set()

    def directory(self, import_path: str) -> str | None:
        if import_path == self.module or import_path.startswith(self.module + "/"):
            return import_path[len(self.module) + 1:] if import_path != self.module else ""
        vendored = f"vendor/{import_path}"
        if any(path.startswith(vendored + "/") for path in self._dirs()):
            return vendored
        return None

    def _dirs(self) -> set[str]:
        if not hasattr(self, "_dir_set"):
            self._dir_set = {posixpath.dirname(path) + "/" for path in self.blobs}
        return self._dir_set

    def package(self, directory: str) -> golang.Package | None:
        if directory not in self.packages:
            files = []
            prefix = directory + "/" if directory else ""
            for path, blob in sorted(self.blobs.items()):
                if not path.startswith(prefix) or "/" in path[len(prefix):]:
                    continue
                if not path.endswith(".go") or path.endswith("_test.go"):
                    continue
                if blob not in self.cache:
                    try:
                        self.cache[blob] = golang.parse(self.repo.blob(blob), bodies=False)
                    except SyntaxError as exc:
                        raise SyntaxError(f"{path} at {self.ref}: {exc}") from None
                files.append(self.cache[blob])
            self.packages[directory] = golang.Package(files) if files else None
            self.files_of[directory] = files
        return self.packages[directory]


class StructReader:
    """Reads one root struct into a schema node.

    Node: {type: object, keys: {name: node}} | {type: list, items: node} | {type: map, values: node}
    | {type: string|integer|number|boolean|duration|scalar|any, enum?}. A key node may carry `env`.
    `scalar`: a type with its own text decoding (any scalar, not a mapping or list).
    """

    def __init__(self, tree: GoTree, tag: str = "yaml") -> None:
        self.tree = tree
        self.tag = tag
        self.stack: list[tuple[str, str]] = []

    def read(self, directory: str, type_name: str) -> dict:
        return self._named(directory, None, type_name, "")

    def _file_of(self, directory: str, type_name: str) -> golang.GoFile | None:
        for file in self.tree.files_of.get(directory, []):
            if type_name in file.types:
                return file
        return None

    def _named(self, directory: str, file: golang.GoFile | None, type_name: str, env_prefix: str) -> dict:
        package = self.tree.package(directory)
        if package is None or type_name not in package.types:
            self.tree.unresolved.add(f"{directory}.{type_name}")
            return {"type": "any"}
        key = (directory, type_name)
        if key in self.stack:
            return {"type": "any"}  # a recursive type
        methods = package.methods.get(type_name, set())
        underlying, _ = package.types[type_name]
        if ("UnmarshalYAML" in methods and self.tag == "yaml") or ("Unmarshal" in methods and self.tag == "mapstructure"
                                                                   and underlying[0] != "struct"):
            return {"type": "any"}  # decodes itself: anything it accepts is its own business
        if "UnmarshalText" in methods:
            node = {"type": "scalar"}
            enum = self._enum(package, type_name) if "UnmarshalText" in methods else None
            if enum:
                node["enum"] = enum
            return node
        self.stack.append(key)
        try:
            node = self._type(underlying, directory, self._file_of(directory, type_name), env_prefix)
        finally:
            self.stack.pop()
        if node.get("type") == "string" and ({"Valid", "Validate", "IsValid"} & methods):
            enum = self._enum(package, type_name)
            if enum:
                node = {**node, "enum": enum}
        return node

    def _enum(self, package: golang.Package, type_name: str) -> list[str] | None:
        values = []
        for name, (typ, expression, _) in package.consts.items():
            if expression is None:
                continue
            inner = expression[2]
            if typ == ("name", None, type_name) and inner[0] == "lit" and isinstance(inner[1], str):
                values.append(inner[1])
            elif inner[0] == "call" and inner[1] == ("ident", type_name) and inner[2] and inner[2][0][0] == "lit":
                values.append(inner[2][0][1])
        return sorted(set(values)) or None

    def _type(self, typ: Any, directory: str, file: golang.GoFile | None, env_prefix: str) -> dict:
        kind = typ[0]
        if kind == "ptr":
            return self._type(typ[1], directory, file, env_prefix)
        if kind in ("slice", "array"):
            if typ[1] == ("name", None, "byte"):
                return {"type": "string"}
            return {"type": "list", "items": self._type(typ[1], directory, file, env_prefix)}
        if kind == "map":
            return {"type": "map", "values": self._type(typ[2], directory, file, env_prefix)}
        if kind == "struct":
            return self._struct(typ[1], directory, file, env_prefix)
        if kind == "generic":
            base = typ[1]
            import_path = file.imports.get(base[1]) if file is not None and base[0] == "name" and base[1] else None
            if import_path == OPTIONAL and typ[2]:
                # configoptional.Optional[T] decodes T, plus an `enabled` switch for struct types
                # (config/configoptional/optional.go: "it supports an 'enabled' field")
                node = self._type(typ[2][0], directory, file, env_prefix)
                if node.get("type") == "object":
                    node = {**node, "keys": {"enabled": {"type": "boolean"}, **node.get("keys", {})}}
                return node
            return self._type(base, directory, file, env_prefix)
        if kind == "name":
            _, pkg, name = typ
            if pkg is None:
                if name in BASIC:
                    return {"type": BASIC[name]}
                return self._named(directory, file, name, env_prefix)
            if (pkg, name) in EXTERNAL:
                return dict(EXTERNAL[(pkg, name)])
            import_path = file.imports.get(pkg) if file is not None else None
            target = self.tree.directory(import_path) if import_path else None
            if target is None:
                self.tree.unresolved.add(f"{import_path or pkg}.{name}")
                return {"type": "any"}
            return self._named(target, None, name, env_prefix)
        return {"type": "any"}

    def _struct(self, fields: list[golang.Field], directory: str, file: golang.GoFile | None, env_prefix: str) -> dict:
        keys: dict[str, dict] = {}
        extra: dict | None = None
        for field in fields:
            tag = golang.struct_tag(field.tag, self.tag)
            options = (tag or "").split(",")
            name = options[0]
            if name == "-":
                continue
            prefix = env_prefix + (golang.struct_tag(field.tag, "envPrefix") or "")
            if field.name is None:  # embedded
                inline = "inline" in options[1:] or (self.tag == "mapstructure" and "squash" in options[1:])
                node = self._type(field.type, directory, file, prefix)
                if inline and node.get("type") == "object":
                    keys.update(node.get("keys", {}))
                    continue
                type_name = _base_name(field.type)
                name = name or (type_name.lower() if self.tag == "yaml" else type_name)
            else:
                if not field.name[0].isupper():
                    continue  # unexported: never decoded
                if "inline" in options[1:] or "squash" in options[1:]:
                    node = self._type(field.type, directory, file, prefix)
                    if node.get("type") == "map":
                        extra = node.get("values", {"type": "any"})  # an inline map takes every other key
                    else:
                        keys.update(node.get("keys", {}))
                    continue
                name = name or field.name.lower()
                node = self._type(field.type, directory, file, prefix)
            if field.deprecated:
                node = {**node, "deprecated": field.deprecated[:200]}
            env = golang.struct_tag(field.tag, "env")
            if env:
                env_name = env.split(",")[0]
                if env_name:
                    node = {**node, "env": env_prefix + env_name}
            keys[name] = node
        out = {"type": "object", "keys": keys}
        if extra is not None:
            out["additional"] = extra  # keys other than these are allowed, with this schema
        return out


def _base_name(typ: Any) -> str:
    while typ[0] in ("ptr", "generic"):
        typ = typ[1]
    return typ[2] if typ[0] == "name" else "field"


def module_path(repo: UpstreamRepo, ref: str) -> str:
    for line in (repo.show(ref, "go.mod") or "").splitlines():
        if line.startswith("module "):
            return line.split()[1]
    raise ValueError(f"no go.mod module line at {ref}")
