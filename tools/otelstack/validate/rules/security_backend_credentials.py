"""Passwords, keys and tokens written in plain text in the Helm values of a backend (Tempo, Prometheus, Grafana).

Grafana's `adminPassword`, a datasource's `secureJsonData` or `basicAuthPassword`, Prometheus's
remote-write `basic_auth.password` or `authorization.credentials`, Tempo's object-storage keys:
as literal values they end up in the Git history, the Argo CD UI and the rendered manifests.
Reference a Secret instead: `admin.existingSecret`, `$VAR` / `${VAR}` in Grafana's provisioning
(filled from `envFromSecret` / `envValueFrom`), `password_file` / `credentials_file` in Prometheus,
`${VAR}` with `-config.expand-env` and `extraEnv` for Tempo.

Problematic:
    adminPassword: s3cr3t
Correct:
    admin: {existingSecret: grafana-admin}
"""

import re

from otelstack.source import Located, dotted, is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules._backends import backends
from otelstack.validate.rules.base import Context

ID = "security-backend-credentials"
SEVERITY = "error"
GROUP = "security"

# Keys whose string value is a credential (a `...Key` that names a Secret key, like passwordKey, is not).
CREDENTIAL_KEY = re.compile(r"(?i)(password|passwd|secret_key|account_key|access_key_secret|^credentials|bearer_token|api_?key|^token)$")
ENCRYPTED_SECTIONS = {"secureJsonData"}  # Grafana datasources: every value in it is a secret
REFERENCE = re.compile(r"^\$(\{[A-Za-z_][A-Za-z0-9_:.-]*\}|[A-Za-z_][A-Za-z0-9_]*)$")  # $VAR, ${VAR}, ${env:VAR}


def check(ctx: Context):
    for backend in backends(ctx):
        if backend.values is None:
            continue
        for path in _literal_credentials(backend.values):
            yield Problem(backend.values.location(path), f"application {backend.app.label}: {dotted(path)} holds a credential in plain text "
                                                         f"({backend.title} values)", _HINT[backend.component])


_HINT = {
    "grafana": "use admin.existingSecret for the admin account, and $VAR in datasources with the variable from a Secret (envFromSecret / envValueFrom)",
    "prometheus": "use password_file / credentials_file with a mounted Secret (server.extraSecretMounts)",
    "tempo": "use ${VAR} with -config.expand-env=true and the variable from a Secret (tempo.extraEnv / extraEnvFrom)",
}


def _literal_credentials(values: Located):
    def walk(node, path, secret_section):
        if isinstance(node, dict):
            for key, value in node.items():
                inside = secret_section or key in ENCRYPTED_SECTIONS
                if isinstance(value, (dict, list)):
                    yield from walk(value, path + (key,), inside)
                elif (inside or (isinstance(key, str) and CREDENTIAL_KEY.search(key))) and _literal(value):
                    yield path + (key,)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                yield from walk(item, path + (index,), secret_section)

    yield from walk(values.data, (), False)


def _literal(value) -> bool:
    return isinstance(value, str) and bool(value.strip()) and not is_unknown(value) and not REFERENCE.match(value.strip())
