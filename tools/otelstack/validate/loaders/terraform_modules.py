"""Terraform modules read as Terraform reads them: every `.tf` file of a directory is one module,
whose locals and data sources all its files share; `count`/`for_each` over known values expand a
block into its instances; a `module` block with a local source reads that directory with the
call's arguments bound to its variables (defaults otherwise, unknown when neither).

A module directory that a `module` block in the tree calls is read through its calls only: its
variables then mean something, and one reading per call is what Terraform plans. A directory no
call reaches is read as a root module: its variables are unknown (tfvars, -var or the environment
set them), never their defaults.
"""

from __future__ import annotations

import glob
import os
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

from otelstack.hcl import HclBlock, Locals, ParsedHcl, Scope, element, parse_hcl, render_template
from otelstack.source import Located, Location, Unknown
from otelstack.validate.loaders.core import MAX_FILE_BYTES, Loader
from otelstack.validate.model import SourceFile, TerraformResource
from otelstack.yamlsource import read_text

LOCAL_SOURCES = ("./", "../", ".\\", "..\\")
# Remote modules that install things into a cluster (add-ons, Helm, Argo CD, operators): what they
# create is not visible. Network and account modules (vpc, iam, eks itself) are not among them.
CLUSTER_CONTENT = re.compile(r"addon|helm|kubernetes|k8s|argo|gitops|cert-manager|operator|blueprint|manifest", re.I)
# A provisioner that applies to a cluster
KUBE_COMMAND = re.compile(r"\b(kubectl|helm|kustomize)\b")
META_ARGUMENTS = {"source", "version", "count", "for_each", "providers", "depends_on"}
MAX_INSTANCES = 256  # a for_each beyond this is read once, its instances unknown
MAX_MODULE_DEPTH = 16


@dataclass
class Resource:
    """One instance of a `resource` block, as a reader gets it."""

    loader: Loader
    module: "ModuleInstance"
    file: SourceFile
    block: HclBlock
    type: str
    name: str
    address: str


Reader = Callable[[Resource], None]


class TerraformState:
    """What the Terraform carrier knows across files of one run."""

    def __init__(self, loader: Loader, readers: dict[str, Reader]) -> None:
        self.loader = loader
        self.readers = readers
        self.parsed: dict[tuple[str, str], ParsedHcl] = {}
        self.called: set[str] = set()  # module directories read through their calls
        self.current_root: ModuleInstance | None = None  # discovery lists a directory's files together
        self.reported: set[str] = set()  # files whose syntax problems are reported
        self.skips: set[tuple[str, str]] = set()
        self.documents: dict[str, int] = {}  # display path -> objects numbered so far (typed resources, manifests)
        self.texts: dict[str, SourceFile | None] = {}
        self.excluded = {s.file for s in loader.skipped if s.reason.startswith("excluded by configuration")}
        self.pending: dict[str, str] = {}  # files Terraform reads in a way not evaluated here -> why (until a reader reads them)

    # Files ------------------------------------------------------------------------------------
    def parse(self, file: SourceFile) -> ParsedHcl:
        key = (file.fs_path or file.path, file.text)
        parsed = self.parsed.get(key)
        if parsed is None:
            parsed = self.parsed[key] = parse_hcl(file.text, file.path, file.fs_path)
        return parsed

    def register(self, file: SourceFile, parsed: ParsedHcl) -> None:
        """The file joins the report once, with its syntax problems."""
        if file.path in self.reported:
            return
        self.reported.add(file.path)
        self.loader.register(file)
        for location, message in parsed.problems:
            self.loader.problem("syntax-hcl", location, message)

    def text_file(self, fs_path: str, kind: str = "yaml") -> SourceFile | None:
        """A file a configuration reads (file(), templatefile(), a module's .tf): generated text
        when the stack definition renders it, else the file on disk; None when it is not there."""
        if fs_path not in self.texts:
            self.texts[fs_path] = self._text_file(fs_path, kind)
        return self.texts[fs_path]

    def _text_file(self, fs_path: str, kind: str) -> SourceFile | None:
        text = self.loader.generated.get(fs_path)
        if text is None:
            try:
                if not os.path.isfile(fs_path) or os.path.getsize(fs_path) > MAX_FILE_BYTES:
                    return None
                text = read_text(fs_path, fs_path)
            except (OSError, ValueError):
                return None
        display = self.loader.display(fs_path)
        existing = self.loader.platform.files.get(display)
        if existing is not None and existing.fs_path == fs_path:
            return existing
        return SourceFile(display, fs_path, kind, text)

    def directory_files(self, directory: str) -> list[SourceFile]:
        files = []
        for fs_path in sorted(glob.glob(os.path.join(glob.escape(directory), "*.tf"))):
            file = self.text_file(fs_path, "hcl")
            if file is not None:
                files.append(file)
        return files

    def hold(self, parsed: ParsedHcl) -> None:
        """Templates and files embedded through functions are not YAML files of their own: keep
        them from the YAML carrier; `finish` lists those nothing read."""
        for paths, why in ((parsed.templates, "a template for templatefile() in {}: not checked where it is not rendered"),
                           (parsed.embedded, "put into a heredoc in {} through an expression otelstack does not evaluate: not checked")):
            for path in paths:
                if path not in self.loader.claimed and path not in self.loader.values_files and self.claim(path, "pending"):
                    self.pending[path] = why.format(parsed.display)

    def claim(self, path: str, how: str) -> bool:
        """Terraform reads this file (`how`): the YAML carrier leaves it. Terraform files stay Terraform's."""
        if path.endswith(".tf"):
            return False
        self.loader.claimed[path] = how
        return True

    def finish(self) -> None:
        for path, why in sorted(self.pending.items()):
            display = self.loader.display(path)
            if self.loader.claimed.get(path) == "pending" and display not in self.loader.platform.files and os.path.isfile(path):
                self.skip(display, why)

    def skip(self, display: str, reason: str) -> None:
        if (display, reason) not in self.skips:
            self.skips.add((display, reason))
            self.loader.skip(display, reason)

    def next_index(self, display: str) -> int:
        index = self.documents.get(display, 0)
        self.documents[display] = index + 1
        return index

    def render(self, template, where: Location) -> Any:
        """templatefile(): the template rendered with what its variables are known to be. The file
        is read here and only here (it is not YAML until rendered)."""
        file = self.text_file(template.path)
        shown = self.loader.display(template.path)
        if file is None:
            self.skip(where.file, f"templatefile({shown}): no such file here: what it renders is not checked")
            return Unknown(f"templatefile({shown!r})")
        self.claim(template.path, "templatefile")
        if file.path not in self.loader.platform.files:
            self.loader.register(file)
        return render_template(file.text, file.path, file.fs_path, template.variables)

    # Module directories -------------------------------------------------------------------------
    def read_root(self, file: SourceFile) -> None:
        """A file of a root module, with the locals and data sources of its directory. Syntax trees
        are let go once read (a tree's node objects are many: the run should not hold them all)."""
        directory = os.path.dirname(file.fs_path) if file.fs_path else ""
        instance = self.current_root
        if instance is None or instance.directory != directory or not directory:
            files = self.directory_files(directory) if directory else []
            instance = self.current_root = ModuleInstance(self, directory, files, None, "", ())
        instance.include(file)
        instance.read(file)
        self.parsed.pop((file.fs_path or file.path, file.text), None)

    def note_calls(self, file: SourceFile) -> None:
        """The local module directories a file calls (before anything is read: a called
        directory is read through its calls, not on its own)."""
        parsed = self.parse(file)
        directory = os.path.dirname(file.fs_path)
        for node in parsed.block_nodes:
            kind, labels = parsed.block_header(node)
            if kind != "module" or not labels:
                continue
            source = parsed.evaluate_block(node, None).doc.data.get("source")
            if isinstance(source, str) and source.startswith(LOCAL_SOURCES):
                module = os.path.normpath(os.path.join(directory, source))
                self.called.add(module)
                # who calls whom: a child module's provider versions are chosen by its callers
                callers = self.loader.platform.terraform_callers.setdefault(self.loader.display(module), set())
                callers.add(self.loader.display(directory))


class ModuleInstance:
    """One module as Terraform plans it: a root, or one call of a module."""

    def __init__(self, state: TerraformState, directory: str, files: list[SourceFile], arguments: dict[str, Located] | None,
                 prefix: str, stack: tuple[str, ...]) -> None:
        self.state = state
        self.directory = directory
        self.prefix = prefix  # "module.x." in addresses
        self.stack = stack  # the module directories above this one
        self.locals = Locals()
        self.files: list[tuple[SourceFile, ParsedHcl]] = []
        self.data_nodes: dict[tuple[str, str], tuple[SourceFile, ParsedHcl, Any]] = {}
        self.data_blocks: dict[tuple[str, str], HclBlock | None] = {}
        self.applied: set[Any] = set()  # data sources whose documents are applied already
        self.variable_nodes: dict[str, tuple[ParsedHcl, Any]] = {}
        for file in files:
            self.include(file)
        variables = None if arguments is None else self._bind(arguments)
        self.scope = Scope(directory, variables, self.locals, root_dir=stack[0] if stack else directory)
        self.locals.scope = self.scope

    def include(self, file: SourceFile) -> None:
        """A file of this module (a generated one replaces the copy on disk)."""
        if any(known.fs_path == file.fs_path and known.fs_path and known.text == file.text for known, _ in self.files):
            return
        self.files = [(known, parsed) for known, parsed in self.files if not (file.fs_path and known.fs_path == file.fs_path)]
        parsed = self.state.parse(file)
        self.files.append((file, parsed))
        for node in parsed.block_nodes:
            kind, labels = parsed.block_header(node)
            if kind == "locals":
                self.locals.add(parsed, node)
            elif kind == "data" and len(labels) == 2:
                self.data_nodes[(labels[0], labels[1])] = (file, parsed, node)
            elif kind == "variable" and labels:
                self.variable_nodes[labels[0]] = (parsed, node)

    def _bind(self, arguments: dict[str, Located]) -> dict[str, Located]:
        bound: dict[str, Located] = {}
        for name, (parsed, node) in self.variable_nodes.items():
            if name in arguments:
                bound[name] = arguments[name]
                continue
            declared = parsed.evaluate_block(node, None).doc
            if "default" in declared.data:
                bound[name] = declared.sub(("default",))
        return bound

    # Reading ------------------------------------------------------------------------------------
    def read_all(self) -> None:
        for file, parsed in self.files:
            if file.path in self.state.excluded:
                continue  # its locals and variables still count; its findings are not wanted
            self.state.register(file, parsed)
            self.read(file)

    def read(self, file: SourceFile) -> None:
        parsed = next(p for f, p in self.files if f.path == file.path)
        unread: Counter = Counter()
        for node in parsed.block_nodes:
            kind, labels = parsed.block_header(node)
            if kind == "resource" and len(labels) == 2:
                self.state.loader.guard(Location(file.path, node.start_point.row + 1), f"reading {labels[0]}.{labels[1]}",
                                        self._resource, file, parsed, node, labels[0], labels[1], unread)
            elif kind == "module" and labels:
                self.state.loader.guard(Location(file.path, node.start_point.row + 1), f"reading module {labels[0]}",
                                        self._call, file, parsed, node, labels[0])
        for _, known in self.files:
            self.state.hold(known)
        if unread:
            self.state.skip(file.path, "Terraform resources otelstack does not read: "
                            + ", ".join(f"{kind} ({count})" if count > 1 else kind for kind, count in sorted(unread.items())))

    def instances(self, block: HclBlock, scope: Scope) -> list[tuple[str, Scope | None]]:
        """(address suffix, scope) per instance of a block; one unexpanded instance when its
        count/for_each is not known (each.* and count.index then stay unknown)."""
        data = block.doc.data
        if "for_each" in data:
            collection = data["for_each"]
            source = block.doc.sub(("for_each",))
            if isinstance(collection, dict) and len(collection) <= MAX_INSTANCES:
                return [(f'["{key}"]', scope.with_names(each=element(source, key, key)))
                        for key in collection]
            if isinstance(collection, list) and len(collection) <= MAX_INSTANCES and all(isinstance(v, str) for v in collection):
                return [(f'["{value}"]', scope.with_names(each=element(source, value, index)))
                        for index, value in enumerate(collection)]
            return [("", None)]
        if "count" in data:
            count = data["count"]
            if isinstance(count, int) and not isinstance(count, bool) and 0 <= count <= MAX_INSTANCES:
                where = block.doc.location(("count",))
                return [(f"[{index}]", scope.with_names(count=Located({"index": index}, where.file, {(): where, ("index",): where})))
                        for index in range(count)]
            return [("", None)]
        return [("", None)]

    def _resource(self, file: SourceFile, parsed: ParsedHcl, node, kind: str, name: str, unread: Counter) -> None:
        loader = self.state.loader
        reader = self.state.readers.get(kind)
        base = parsed.evaluate_block(node, self.scope)
        if reader is None:
            unread[kind] += 1
            text = node.text.decode("utf-8", "replace") if node.text else ""
            if "local-exec" in text and KUBE_COMMAND.search(text):
                self.state.loader.platform.unseen_applied.append(f"{self.prefix}{kind}.{name} runs kubectl or helm (local-exec)")
        instances = self.instances(base, self.scope)
        for_each = base.doc.data.get("for_each")
        # (over a kubectl documents data source, the reader applies every document: nothing is left unknown)
        if reader is not None and instances == [("", None)] and isinstance(for_each, Unknown) and "data.kubectl_" not in for_each.expression:
            self.state.skip(file.path, f"{self.prefix}{kind}.{name}: for_each is known at apply time only: "
                                       "read once, with each.key and each.value unknown")
        for suffix, scope in instances:
            block = base if scope is None else parsed.evaluate_block(node, scope)
            loader.platform.terraform_resources.append(TerraformResource(kind, name, block.doc, file))
            if reader is not None:
                address = f"{self.prefix}{kind}.{name}{suffix}"
                loader.guard(block.location, f"reading {address}", reader,
                             Resource(loader, self, file, block, kind, name, address))

    def _call(self, file: SourceFile, parsed: ParsedHcl, node, name: str) -> None:
        base = parsed.evaluate_block(node, self.scope)
        source = base.doc.data.get("source")
        if not isinstance(source, str):
            self.state.skip(file.path, f"module {name}: its source is not a literal string (Terraform refuses it)")
            return
        if not source.startswith(LOCAL_SOURCES):
            self.state.skip(file.path, f"module {name}: source {source} is not read (only local module directories are followed)")
            if CLUSTER_CONTENT.search(source):
                self.state.loader.platform.unseen_applied.append(f"{self.prefix}module.{name} ({source}) is not read")
            return
        directory = os.path.normpath(os.path.join(self.directory, source))
        if not os.path.isdir(directory):
            self.state.skip(file.path, f"module {name}: {self.state.loader.display(directory)} is not a directory here")
            return
        if directory == self.directory or directory in self.stack or len(self.stack) >= MAX_MODULE_DEPTH:
            self.state.skip(file.path, f"module {name}: {self.state.loader.display(directory)} calls itself: read once")
            return
        self.state.called.add(directory)
        files = self.state.directory_files(directory)
        for suffix, scope in self.instances(base, self.scope):
            block = base if scope is None else parsed.evaluate_block(node, scope)
            arguments = {key: block.doc.sub((key,)) for key in block.doc.data if key not in META_ARGUMENTS}
            child = ModuleInstance(self.state, directory, files, arguments, f"{self.prefix}module.{name}{suffix}.",
                                   self.stack + (self.directory,))
            child.read_all()

    # Data sources ---------------------------------------------------------------------------------
    def data(self, kind: str, name: str) -> tuple[SourceFile, HclBlock] | None:
        key = (kind, name)
        if key not in self.data_nodes:
            return None
        if key not in self.data_blocks:
            file, parsed, node = self.data_nodes[key]
            self.data_blocks[key] = parsed.evaluate_block(node, self.scope)
        block = self.data_blocks[key]
        return (self.data_nodes[key][0], block) if block is not None else None
