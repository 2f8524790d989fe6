"""Beyla as a privileged container where a fixed capability set would do.

Beyla needs eBPF, not full privileges. From chart 1.4.0, `privileged: false` runs it with a fixed
capability set instead: BPF, SYS_PTRACE, NET_RAW, CHECKPOINT_RESTORE, DAC_READ_SEARCH, PERFMON;
add SYS_RESOURCE on kernels older than 5.11, and SYS_ADMIN for Go context propagation or when
kernel.perf_event_paranoid >= 3 (chart value extraCapabilities). A warning: some clusters need it.

Problematic:
    privileged: true        # the chart default
Correct:
    privileged: false
    extraCapabilities: []   # SYS_RESOURCE on kernels < 5.11
"""

from otelstack import versions
from otelstack.source import is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context, chart_version

ID = "security-beyla-privileged"
SEVERITY = "warning"
GROUP = "security"

CAPABILITIES = "BPF, SYS_PTRACE, NET_RAW, CHECKPOINT_RESTORE, DAC_READ_SEARCH, PERFMON (+ SYS_RESOURCE on kernels < 5.11, SYS_ADMIN for Go context propagation)"


def check(ctx: Context):
    for app, source in ctx.chart_sources("beyla"):
        if source.values_unknown:
            continue
        values = source.values
        version, _ = chart_version(source)
        has_switch = version is None or versions.at_least(version, "1.4.0") is not False
        # charts from 1.4.0 have a `privileged` switch; older ones only the container's securityContext
        path = ("privileged",) if has_switch else ("securityContext", "privileged")
        setting = values.get(path, True) if values is not None else True
        where = values.location(path) if values is not None and values.get(path) is not None else app.key_loc(*source.base)
        if is_unknown(setting) or setting is False:
            continue
        how = "set privileged: false" if has_switch else f"chart {version} has no unprivileged mode: upgrade to chart 1.4.0 or later and set privileged: false"
        yield Problem(where, f"application {app.label}: Beyla runs privileged; unprivileged mode needs only {CAPABILITIES}", how)
