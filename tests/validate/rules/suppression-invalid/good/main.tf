locals {
  # otelstack: ignore=security-beyla-privileged reason="kind smoke cluster only"
  a = 1
}
