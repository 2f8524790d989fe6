"""otelstack failed on a file or in a rule: a bug to report; the rest of the run goes on.

Reported instead of a traceback so one bad input never hides the findings on everything else.
Please report it with the file that triggered it.

Problematic:
    (an input otelstack did not expect)
Correct:
    (no such finding)
"""

ID = "internal-error"
SEVERITY = "error"
GROUP = "syntax"

# No check(): found while loading files (or by the engine) and reported under this id.
