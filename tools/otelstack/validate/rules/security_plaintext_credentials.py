"""OTLP auth headers, tokens or passwords as plain values instead of Secrets.

Credentials written in plain text: OTLP headers with an Authorization or API key, tokens,
passwords and secrets as literal environment values or collector exporter headers.

They end up in the Git history, the Argo CD UI and the rendered manifests. Put them in a Secret and
reference it: `envValueFrom` in the Beyla chart, `valueFrom.secretKeyRef` in a pod spec,
`${env:VAR}` in a collector config.

Problematic:
    env:
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "Authorization=Bearer abc123"
Correct:
    envValueFrom:
      OTEL_EXPORTER_OTLP_TRACES_HEADERS:
        secretKeyRef: {name: otlp-auth, key: headers}
"""

import re

from otelstack.memo import LayoutCache
from otelstack.source import is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "security-plaintext-credentials"
SEVERITY = "error"
GROUP = "security"

SECRET_NAME = re.compile(r"(TOKEN|API_?KEY|PASSWORD|PASSWD|SECRET|CREDENTIAL)", re.IGNORECASE)
HEADER_VAR = re.compile(r"^OTEL_EXPORTER_OTLP_(TRACES_|METRICS_|LOGS_)?HEADERS$")
SECRET_HEADER = re.compile(r"(authorization|api[-_]?key|x-api-key|token|x-honeycomb-team|dd-api-key|signalfx|lightstep)", re.IGNORECASE)
REFERENCE = re.compile(r"^\$\{(env:)?[A-Za-z_][A-Za-z0-9_]*\}$")
# Names about a credential rather than holding one: ALLOW_EMPTY_PASSWORD, TOKEN_TTL, SECRET_NAME,
# PASSWORD_FILE (a path), ...
ABOUT_A_CREDENTIAL = re.compile(r"(^(ALLOW|ENABLE|DISABLE|USE|REQUIRE|SKIP|IGNORE)_|_(FILE|PATH|DIR|NAME|REF|TTL|TIMEOUT|EXPIRY|"
                                r"EXPIRATION|LENGTH|SIZE|ENABLED|DISABLED|REQUIRED|TYPE|MODE|URL|URI|ENDPOINT|HEADER|LIFETIME|DURATION)$)",
                                re.IGNORECASE)
# Values no credential is: a flag, an absolute path. (SOPS ciphertext: SOPS_CIPHERTEXT.)
NOT_A_CREDENTIAL = re.compile(r"^(true|false|yes|no|on|off|y|n|enabled|disabled|none|null|/\S*)$", re.IGNORECASE)
SOPS_CIPHERTEXT = re.compile(r"^ENC\[[A-Z0-9_]+,data:")


def _secret_literal(name: str, value) -> bool:
    if not isinstance(value, str) or not value.strip() or is_unknown(value) or REFERENCE.match(value.strip()):
        return False
    if SOPS_CIPHERTEXT.match(value.strip()):
        return False  # encrypted with SOPS: decrypted only where it is applied
    if HEADER_VAR.match(name):
        return bool(SECRET_HEADER.search(value))
    return bool(SECRET_NAME.search(name)) and not ABOUT_A_CREDENTIAL.search(name) and not NOT_A_CREDENTIAL.match(value.strip())


def check(ctx: Context):
    for app in ctx.platform.applications:
        for source in app.sources:
            values = source.values
            env = values.get(("env",)) if values is not None else None
            if isinstance(env, dict):
                for name, value in env.items():
                    if isinstance(name, str) and _secret_literal(name, value):
                        yield Problem(values.location(("env", name)), f"application {app.label}: {name} holds a credential in plain text",
                                      "move it to a Secret and reference it (Beyla chart: envValueFrom.<NAME>.secretKeyRef)")
    same_files = LayoutCache()  # a fleet's per-cluster manifests: each distinct one walked once
    for obj in ctx.platform.objects:
        yield from same_files.get(obj.doc, (), lambda: list(_env_lists(obj)))
    for collector in ctx.platform.collectors:
        config = collector.config
        exporters = config.data.get("exporters") if config is not None and isinstance(config.data, dict) else None
        if not isinstance(exporters, dict):
            continue
        for name, settings in exporters.items():
            headers = settings.get("headers") if isinstance(settings, dict) else None
            if not isinstance(headers, dict):
                continue
            for header, value in headers.items():
                if isinstance(value, str) and SECRET_HEADER.search(str(header)) and not REFERENCE.match(value.strip()) and "${" not in value \
                        and not SOPS_CIPHERTEXT.match(value.strip()):
                    yield Problem(config.location(("exporters", name, "headers", header)),
                                  f"collector {collector.label}: exporter {name} sends header {header} with a literal credential",
                                  "use ${env:VAR} and set VAR from a Secret in the collector's spec.env (valueFrom.secretKeyRef)")


def _env_lists(obj):
    """Container env in pod templates, collectors and Instrumentation resources."""
    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "env" and isinstance(value, list):
                    for index, item in enumerate(value):
                        if isinstance(item, dict) and isinstance(item.get("name"), str) and "value" in item and _secret_literal(item["name"], item["value"]):
                            yield Problem(obj.doc.location(path + (key, index, "value")),
                                          f"{obj.kind} {obj.name}: env {item['name']} holds a credential in plain text",
                                          "use valueFrom.secretKeyRef")
                else:
                    yield from walk(value, path + (key,))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                yield from walk(item, path + (index,))

    spec = obj.doc.data.get("spec")
    if isinstance(spec, (dict, list)):
        yield from walk(spec, ("spec",))
