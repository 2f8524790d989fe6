"""Helm values that the chart copies into Kubernetes objects, checked against the Kubernetes schema.

Beyla's `volumes`/`volumeMounts` are dumped verbatim into the DaemonSet (chart 1.7.3 and later):
each item must be a Volume / VolumeMount object, never a docker-style "host:container" string.

Problematic:
    volumes: ["/sys/kernel/security:/sys/kernel/security"]
Correct:
    volumes:
      - {name: security-fs, hostPath: {path: /sys/kernel/security}}
    volumeMounts:
      - {name: security-fs, mountPath: /sys/kernel/security, readOnly: true}
"""

from otelstack.validate.rules._values import issues_of
from otelstack.validate.rules.base import Context

ID = "helm-values-k8s-schema"
SEVERITY = "error"
GROUP = "helm"
KINDS = ("k8s",)


def check(ctx: Context):
    return issues_of(ctx, KINDS)
