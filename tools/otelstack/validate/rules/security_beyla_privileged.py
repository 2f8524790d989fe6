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

from otelstack.source import is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules._beyla import deployments
from otelstack.validate.rules.base import Context, chart_version

ID = "security-beyla-privileged"
SEVERITY = "warning"
GROUP = "security"

CAPABILITIES = "BPF, SYS_PTRACE, NET_RAW, CHECKPOINT_RESTORE, DAC_READ_SEARCH, PERFMON (+ SYS_RESOURCE on kernels < 5.11, SYS_ADMIN for Go context propagation)"


def check(ctx: Context):
    for beyla in deployments(ctx):
        if beyla.config_unknown and beyla.source is not None and beyla.source.values_unknown:
            continue
        if beyla.privileged is not True or is_unknown(beyla.privileged):
            continue
        if beyla.source is not None:
            version, _ = chart_version(beyla.source)
            knowledge = beyla.source.knowledge
            spec = knowledge.key(("privileged",)) if knowledge is not None else None
            has_switch = version is None or spec is None or knowledge.key_exists_in(spec, version) is not False
            how = "set privileged: false" if has_switch else \
                f"chart {version} has no unprivileged mode: upgrade to chart {spec.since} or later and set privileged: false"
        else:
            how = f"drop privileged and add the capabilities: {CAPABILITIES.split(' (')[0]}"
        yield Problem(beyla.privileged_location or beyla.location, f"{beyla.what}: Beyla runs privileged; unprivileged mode needs only {CAPABILITIES}", how)
