"""`otelstack smoke`: the stack end to end on a kind cluster — spans from an uninstrumented Python
service, produced by Beyla through eBPF, reach the collector."""
