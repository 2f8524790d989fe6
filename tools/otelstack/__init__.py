"""otelstack: deploy, validate and smoke-test an eBPF tracing stack on Kubernetes."""

__version__ = "0.1.0"

# Where otelstack lives: platform repos pin its Terraform modules and pre-commit hooks here.
PROJECT_URL = "https://github.com/otelstack/otelstack"
