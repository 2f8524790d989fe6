"""Jinja syntax errors in templates (*.j2).

A broken template fails `otelstack render`; this finds it in the same run as everything else.

Problematic:
    {% if collector.replicas %}replicas: {{ collector.replicas }}
Correct:
    {% if collector.replicas %}replicas: {{ collector.replicas }}{% endif %}
"""

ID = "syntax-jinja"
SEVERITY = "error"
GROUP = "syntax"

# No check(): found while loading files (or by the engine) and reported under this id.
