output "clusters" {
  description = "Cluster registrations by name."
  value       = local.clusters

  precondition {
    condition     = length(local.unmatched) == 0
    error_message = "These ApplicationSets select no cluster: ${join(", ", local.unmatched)}."
  }
}

output "argocd_clusters" {
  description = "Clusters to register with argocd_cluster: every one but the in-cluster target."
  value       = local.argocd_clusters

  precondition {
    condition     = length(local.in_cluster_members) == 0 || length(var.registrations) > 0
    error_message = "Cluster ${join(", ", local.in_cluster_members)} is Argo CD's own (https://kubernetes.default.svc): argocd_cluster cannot register it; give a registrations application that syncs its cluster Secret."
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
