# One Argo CD Application. The spec is already composed and validated by the stack-spec module.

resource "argocd_application" "this" {
  metadata {
    name      = var.application.name
    namespace = var.application.namespace
    labels    = var.application.labels
  }

  # The provider waits until the application is Synced and Healthy (on destroy: until it is gone):
  # later tiers depend on it. Its default 5-minute timeouts are too short for a first operator
  # install, and a timed-out create taints the application: the next apply would replace it with
  # cascade = true and delete what it deployed, CRDs included.
  wait = var.application.wait

  timeouts {
    create = var.application.timeouts.create
    update = var.application.timeouts.update
    delete = var.application.timeouts.delete
  }

  spec {
    project = var.application.project

    destination {
      server    = try(var.application.destination.server, null)
      name      = try(var.application.destination.name, null)
      namespace = var.application.destination.namespace
    }

    source {
      repo_url        = var.application.source.repo_url
      chart           = var.application.source.chart
      path            = var.application.source.path
      target_revision = var.application.source.target_revision

      dynamic "helm" {
        for_each = var.application.source.helm == null ? [] : [var.application.source.helm]
        content {
          release_name = helm.value.release_name
          values       = helm.value.values
        }
      }
    }

    sync_policy {
      automated {
        prune       = var.application.automated.prune
        self_heal   = var.application.automated.self_heal
        allow_empty = var.application.automated.allow_empty
      }

      sync_options = var.application.sync_options

      dynamic "retry" {
        for_each = var.application.retry == null ? [] : [var.application.retry]
        content {
          limit = retry.value.limit
          backoff {
            duration     = retry.value.backoff.duration
            factor       = retry.value.backoff.factor
            max_duration = retry.value.backoff.max_duration
          }
        }
      }
    }

    dynamic "ignore_difference" {
      for_each = var.application.ignore_differences
      content {
        group               = ignore_difference.value.group
        kind                = ignore_difference.value.kind
        name                = ignore_difference.value.name
        namespace           = ignore_difference.value.namespace
        json_pointers       = ignore_difference.value.json_pointers
        jq_path_expressions = ignore_difference.value.jq_path_expressions
      }
    }
  }
}
