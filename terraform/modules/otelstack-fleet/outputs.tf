output "application_sets" {
  description = "Declared ApplicationSets: name => component."
  value       = { for name, set in module.spec.application_sets : name => set.component }
}

output "clusters" {
  description = "Registered clusters (by argocd_cluster or by a synced cluster Secret): name => server."
  value       = { for name, c in module.spec.clusters : name => c.server }
}
