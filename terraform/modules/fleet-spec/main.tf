# Provider-free: shapes the rendered fleet specs for the otelstack-fleet module, so that
# `terraform test` checks the composition offline.

locals {
  in_cluster = "https://kubernetes.default.svc"

  clusters = {
    for name, c in var.clusters : name => {
      name        = name
      server      = c.server
      labels      = c.labels
      annotations = c.annotations
      # The in-cluster target needs no credentials: Argo CD uses its own service account.
      needs_credentials = c.server != local.in_cluster
    }
  }

  # argocd_cluster cannot register Argo CD's own address: its create lists the clusters first and
  # finds Argo CD's built-in in-cluster entry ("cluster with server address ... already exists").
  # Such members are registered by a cluster Secret that an Argo CD application syncs.
  argocd_clusters    = { for name, c in local.clusters : name => c if c.server != local.in_cluster }
  in_cluster_members = [for name, c in local.clusters : name if c.server == local.in_cluster]

  application_sets = {
    for name, s in var.application_sets : name => {
      name                = name
      namespace           = var.argocd_namespace
      component           = s.component
      tier                = s.tier
      project             = s.project
      selector            = s.selector
      application_name    = s.application_name
      destination         = s.destination
      go_template_options = s.go_template_options
      labels = {
        "app.kubernetes.io/managed-by" = "otelstack"
        "otelstack.io/component"       = s.component
      }
      sources = concat(
        [{
          repo_url        = s.source.repo_url
          chart           = s.source.chart
          path            = s.source.path
          target_revision = s.source.target_revision
          ref             = null
          exclude         = null
          helm = s.source.chart == null ? null : {
            release_name = coalesce(s.source.release_name, name)
            value_files  = s.source.value_files
          }
        }],
        s.values_source == null ? [] : [{
          repo_url        = s.values_source.repo_url
          chart           = null
          path            = null
          target_revision = s.values_source.target_revision
          ref             = s.values_source.ref
          exclude         = s.values_source.exclude
          helm            = null
        }],
      )
      sync_options       = distinct(s.sync_options)
      ignore_differences = s.ignore_differences
      retry = s.retry == null ? null : {
        limit = tostring(s.retry.limit)
        backoff = {
          duration     = s.retry.backoff.duration
          factor       = tostring(s.retry.backoff.factor)
          max_duration = s.retry.backoff.max_duration
        }
      }
    }
  }

  # Selectors that match no registered cluster generate nothing: a typo in a label, usually.
  unmatched = [
    for name, s in var.application_sets : name
    if length([for c in var.clusters : c if alltrue([for k, v in s.selector : lookup(c.labels, k, null) == v])]) == 0
  ]

  # Which clusters have credentials is not secret; the credentials are.
  missing_credentials = [
    for name, c in local.clusters : name if c.needs_credentials && !contains(nonsensitive(keys(var.cluster_credentials)), name)
  ]
}
