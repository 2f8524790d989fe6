"""An inline suppression without a reason, or naming a rule that does not exist.

Suppress one finding with a comment on its line or the line above, naming the rule and why:
    # otelstack: ignore=security-beyla-privileged reason="kind smoke cluster only"
A suppression without a reason does not suppress anything.

Problematic:
    # otelstack: ignore=security-beyla-privileged
Correct:
    # otelstack: ignore=security-beyla-privileged reason="kind smoke cluster only"
"""

ID = "suppression-invalid"
SEVERITY = "warning"
GROUP = "meta"

# No check(): found while loading files (or by the engine) and reported under this id.
