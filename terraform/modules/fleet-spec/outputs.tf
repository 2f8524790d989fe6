output "clusters" {
  description = "Cluster registrations by name."
  value       = local.clusters

  precondition {
    condition     = length(local.unmatched) == 0
    error_message = "These ApplicationSets select no cluster: ${join(", ", local.unmatched)}."
  }
}

output "application_sets" {
  description = "Normalised ApplicationSet specs by name."
  value       = local.application_sets
}

output "missing_credentials" {
  description = "Clusters (other than the in-cluster target) with no credentials given."
  value       = local.missing_credentials
}
