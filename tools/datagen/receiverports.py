"""The Service ports the OpenTelemetry Operator derives from a collector's receivers, read from its
receiver parser registry (internal/components/receivers/helpers.go, operator 0.103 and later).

Both spellings of that registry are read: the option-call style (`NewMultiPortReceiver("otlp",
WithPortMapping("grpc", 4317, WithAppProtocol(...)))`, `NewSinglePortParser("zipkin", 9411, ...)`)
and the builder style (`NewMultiPortReceiverBuilder("otlp").AddPortMapping(NewProtocolBuilder("grpc",
4317).WithAppProtocol(...))`, `NewSinglePortParserBuilder(...).WithAlias(...)`). A receiver without
a default port (`UnsetPort`) gets a port only from its endpoint, so it is not listed.
"""

from __future__ import annotations

import re

REGISTRY = "internal/components/receivers/helpers.go"
CONSTANTS = "internal/components/component.go"
_START = re.compile(r"components\.New(MultiPortReceiver|SinglePortParser)(?:Builder)?\(")
_MAPPING = re.compile(r"(?:NewProtocolBuilder|WithPortMapping)\(\s*([\w.\"]+)\s*,\s*([\w.]+)")
_APP = re.compile(r"WithAppProtocol\(\s*(nil|&components\.(\w+))\s*\)")
_TRANSPORT = re.compile(r"WithProtocol\(\s*corev1\.Protocol(\w+)\s*\)")
_ALIAS = re.compile(r"WithAlias\(([^)]*)\)")
_CONST = re.compile(r'(\w+Protocol)\s*=\s*"(\w+)"')


def parse(registry: str, constants: str) -> dict[str, dict[str, dict]]:
    """{receiver type: {protocol ("" for single-port receivers): {port, name, appProtocol?, protocol?}}}."""
    names = dict(_CONST.findall(constants))
    out: dict[str, dict[str, dict]] = {}
    for match in _START.finditer(registry):
        expression = _expression(registry, match.end() - 1)
        arguments = _split(expression[1:_close(expression, 0)])
        receiver = arguments[0].strip().strip('"') if arguments else ""
        if not re.fullmatch(r"[a-z0-9_]+", receiver):
            continue  # a helper building parsers from a variable name
        ports: dict[str, dict] = {}
        if match.group(1) == "MultiPortReceiver":
            mappings = list(_MAPPING.finditer(expression))
            for index, mapping in enumerate(mappings):
                options = expression[mapping.end(): mappings[index + 1].start() if index + 1 < len(mappings) else len(expression)]
                port = _port(mapping.group(2))
                if port is not None:
                    protocol = _name(mapping.group(1), names)
                    ports[protocol] = _entry(f"{receiver}-{protocol}", port, options, names)
        elif len(arguments) > 1 and _port(arguments[1].strip()) is not None:
            ports[""] = _entry(receiver, _port(arguments[1].strip()), expression, names)
        if not ports:
            continue
        out[receiver] = ports
        for alias_list in _ALIAS.findall(expression):
            for alias in re.findall(r'"([a-z0-9_]+)"', alias_list):
                out[alias] = {protocol: dict(entry, name=(f"{alias}-{protocol}" if protocol else alias).replace("_", "-"))
                              for protocol, entry in ports.items()}
    return out


def _entry(name: str, port: int, options: str, names: dict[str, str]) -> dict:
    entry: dict = {"port": port, "name": name.replace("_", "-")}
    app = _APP.search(options)
    if app and app.group(2):
        entry["appProtocol"] = names.get(app.group(2), app.group(2))
    transport = _TRANSPORT.search(options)
    if transport and transport.group(1) != "TCP":
        entry["protocol"] = transport.group(1)
    return entry


def _name(token: str, names: dict[str, str]) -> str:
    token = token.strip()
    if token.startswith('"'):
        return token.strip('"')
    return names.get(token.rsplit(".", 1)[-1], token)


def _port(token: str) -> int | None:
    return int(token) if token.isdigit() else None


def _close(text: str, start: int) -> int:
    """Index of the parenthesis closing the one at `start`."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index
    return len(text)


def _expression(text: str, start: int) -> str:
    """The call at `start` with the method chain that follows it (`.With...(...)` up to MustBuild())."""
    end = _close(text, start) + 1
    while True:
        chained = re.match(r"\s*\.\s*(\w+)\(", text[end:])
        if not chained:
            return text[start:end]
        end = _close(text, end + chained.end() - 1) + 1
        if chained.group(1) == "MustBuild":
            return text[start:end]


def _split(arguments: str) -> list[str]:
    """Top-level comma-separated arguments."""
    out, depth, current = [], 0, ""
    for char in arguments:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            out.append(current)
            current = ""
        else:
            current += char
    if current.strip():
        out.append(current)
    return out
