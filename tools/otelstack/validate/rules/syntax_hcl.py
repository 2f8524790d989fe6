"""HCL syntax errors in .tf files, with the line of the fault.

Terraform refuses the whole root when one file does not parse. otelstack keeps checking the
blocks that do parse, and points at the fault itself: an unterminated string, or the bracket
that is never closed.

Problematic:
    resource "argocd_application" "beyla" {
      metadata { name = "beyla }
    }
Correct:
    resource "argocd_application" "beyla" {
      metadata { name = "beyla" }
    }
"""

ID = "syntax-hcl"
SEVERITY = "error"
GROUP = "syntax"

# No check(): found while loading files (or by the engine) and reported under this id.
