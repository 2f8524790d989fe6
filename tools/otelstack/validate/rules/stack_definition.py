"""Problems in the stack definition (otelstack.yaml): schema, overrides, cross-key facts.

The same checks `otelstack render` makes before writing anything: unknown keys, wrong types,
overrides of keys that do not exist, an export to a receiver the collector does not have.

Problematic:
    collector:
      mode: deploymnet
Correct:
    collector:
      mode: deployment
"""

ID = "stack-definition"
SEVERITY = "error"
GROUP = "syntax"

# No check(): found while loading files (or by the engine) and reported under this id.
