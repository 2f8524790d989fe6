"""Helm values the pinned chart version ignores: a key from another version, or one its templates never render.

Beyla charts before 1.7.3 declare `volumes`/`volumeMounts` but never render them; no Beyla chart
renders `podSecurityContext`. Keys added in later chart versions do nothing on earlier ones.

Problematic (chart 1.4.13):
    volumes:
      - {name: security-fs, hostPath: {path: /sys/kernel/security}}
Correct:
    pin chart 1.7.3 or later for extra volumes, or drop them
"""

from otelstack.validate.rules._values import issues_of
from otelstack.validate.rules.base import Context

ID = "helm-values-ignored"
SEVERITY = "error"
GROUP = "helm"
KINDS = ("absent", "not-rendered")


def check(ctx: Context):
    return issues_of(ctx, KINDS)
