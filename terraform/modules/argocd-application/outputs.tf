output "name" {
  description = "Name of the Argo CD application."
  value       = argocd_application.this.metadata[0].name
}

output "target_revision" {
  description = "Revision (chart version or git ref) the application tracks."
  value       = var.application.source.target_revision
}
