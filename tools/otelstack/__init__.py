"""otelstack: deploy, validate and smoke-test an eBPF tracing stack on Kubernetes."""

__version__ = "0.1.0"
