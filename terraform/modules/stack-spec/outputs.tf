output "applications" {
  description = "Normalised application specs by name."
  value       = local.applications

  precondition {
    condition     = length(local.missing_values) == 0
    error_message = "No Helm values were given for: ${join(", ", local.missing_values)}."
  }
}

output "tiers" {
  description = "Application specs grouped by deployment tier (\"0\", \"1\", \"2\"); each tier is created after the previous one has synced."
  value       = local.by_tier
}
