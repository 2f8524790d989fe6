output "application_sets" {
  description = "Declared ApplicationSets: name => component."
  value       = { for name, set in module.spec.application_sets : name => set.component }
}

output "clusters" {
  description = "Registered clusters: name => server."
  value       = { for name, c in argocd_cluster.this : name => c.server }
}
