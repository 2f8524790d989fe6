"""YAML syntax errors, also inside Helm values strings and v1alpha1 collector configs.

Each YAML document is loaded on its own: documents before the error are still checked.
Files with NUL bytes or nested too deeply to read are reported here too.

Problematic:
    spec:
      config: {receivers: [otlp}
Correct:
    spec:
      config: {receivers: {otlp: {}}}
"""

ID = "syntax-yaml"
SEVERITY = "error"
GROUP = "syntax"

# No check(): found while loading files (or by the engine) and reported under this id.
