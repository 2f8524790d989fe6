locals {
  # otelstack: ignore=security-beyla-privileged   expect: suppression-invalid
  a = 1
  # otelstack: ignore=no-such-rule reason="typo"   expect: suppression-invalid
  b = 2
}
