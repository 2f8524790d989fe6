# The tracing stack as Argo CD applications, created tier by tier: Argo CD does not order separate
# applications, so each tier waits (`wait = true` in the spec) before the next one is created.
# The collector application also retries until the operator's CRDs exist.

module "spec" {
  source = "../stack-spec"

  argocd_namespace = var.argocd_namespace
  applications     = var.applications
  values           = var.values
}

module "prerequisites" {
  source   = "../argocd-application"
  for_each = module.spec.tiers["0"]

  application = each.value
}

module "operator" {
  source   = "../argocd-application"
  for_each = module.spec.tiers["1"]

  application = each.value
  depends_on  = [module.prerequisites]
}

module "workloads" {
  source   = "../argocd-application"
  for_each = module.spec.tiers["2"]

  application = each.value
  depends_on  = [module.operator]
}
