"""`otelstack validate`: every mistake a reviewer would catch, before merge."""

from otelstack.validate.engine import Options, validate
from otelstack.validate.finding import Finding, Report, Severity

__all__ = ["Finding", "Options", "Report", "Severity", "validate"]
