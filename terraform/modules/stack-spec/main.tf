# Provider-free: shapes the rendered application specs into what the argocd-application module
# declares, so that `terraform test` can check the composition offline.

locals {
  tiers = [0, 1, 2]

  applications = {
    for name, app in var.applications : name => {
      name      = name
      namespace = var.argocd_namespace
      component = app.component
      tier      = app.tier
      project   = app.project
      labels = {
        "app.kubernetes.io/managed-by" = "otelstack"
        "otelstack.io/component"       = app.component
      }
      destination = app.destination
      source = {
        repo_url        = app.source.repo_url
        chart           = app.source.chart
        path            = app.source.path
        target_revision = app.source.target_revision
        helm = app.source.chart == null ? null : {
          release_name = coalesce(app.source.release_name, name)
          values       = lookup(var.values, name, null)
        }
      }
      automated = {
        prune       = true
        self_heal   = true
        allow_empty = false
      }
      sync_options       = distinct(app.sync_options)
      ignore_differences = app.ignore_differences
      wait               = app.wait
      timeouts           = app.timeouts
      retry = app.retry == null ? null : {
        limit = tostring(app.retry.limit)
        backoff = {
          duration     = app.retry.backoff.duration
          factor       = tostring(app.retry.backoff.factor)
          max_duration = app.retry.backoff.max_duration
        }
      }
    }
  }

  by_tier = {
    for tier in local.tiers : tostring(tier) => {
      for name, app in local.applications : name => app if app.tier == tier
    }
  }

  missing_values = [
    for name, app in var.applications : name if app.source.values_file != null && !contains(keys(var.values), name)
  ]
}
