"""Helm values read with file() from a file that does not exist.

Terraform evaluates `file()` at plan time and fails the whole plan on a missing file.

Problematic:
    helm { values = file("${path.module}/values/beyla.yml") }   # the file is beyla.yaml
Correct:
    helm { values = file("${path.module}/values/beyla.yaml") }
"""

ID = "argocd-values-file"
SEVERITY = "error"
GROUP = "argocd"

# No check(): found while loading files (or by the engine) and reported under this id.
