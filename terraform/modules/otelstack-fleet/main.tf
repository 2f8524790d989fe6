# A fleet: cluster registrations carrying labels and annotations (the gitops-bridge pattern), and
# one ApplicationSet per component with a clusters generator selecting on its label. Argo CD's
# ApplicationSet controller generates the applications; convergence comes from the sync options
# and retries in the specs (the collector waits for the operator's CRDs), not from ordering here.

module "spec" {
  source = "../fleet-spec"

  argocd_namespace    = var.argocd_namespace
  clusters            = var.clusters
  application_sets    = var.application_sets
  registrations       = keys(var.registrations)
  cluster_credentials = var.cluster_credentials
}

# Members at Argo CD's own address are registered by a cluster Secret in this repository, synced by
# an ordinary application (the same modules as a single environment's applications).
module "registration_spec" {
  source = "../stack-spec"

  argocd_namespace = var.argocd_namespace
  applications     = var.registrations
}

module "registrations" {
  source   = "../argocd-application"
  for_each = module.registration_spec.applications

  application = each.value
}

resource "argocd_cluster" "this" {
  for_each = module.spec.argocd_clusters

  name   = each.value.name
  server = each.value.server

  metadata {
    labels      = each.value.labels
    annotations = each.value.annotations
  }

  config {
    bearer_token = try(var.cluster_credentials[each.key]["bearer_token"], null)

    tls_client_config {
      ca_data  = try(var.cluster_credentials[each.key]["ca_data"], null)
      insecure = try(tobool(var.cluster_credentials[each.key]["insecure"]), false)
    }
  }
}

resource "argocd_application_set" "this" {
  for_each = module.spec.application_sets

  metadata {
    name      = each.value.name
    namespace = each.value.namespace
    labels    = each.value.labels
  }

  spec {
    go_template         = true
    go_template_options = each.value.go_template_options

    generator {
      clusters {
        selector {
          match_labels = each.value.selector
        }
      }
    }

    template {
      metadata {
        name = each.value.application_name
      }

      spec {
        project = each.value.project

        destination {
          server    = each.value.destination.server
          namespace = each.value.destination.namespace
        }

        dynamic "source" {
          for_each = each.value.sources
          content {
            repo_url        = source.value.repo_url
            chart           = source.value.chart
            path            = source.value.path
            target_revision = source.value.target_revision
            ref             = source.value.ref

            # A values-only `ref` source: the provider sets path = "." on every source, so without
            # this the repository root would be deployed as a directory source too.
            dynamic "directory" {
              for_each = source.value.exclude == null ? [] : [source.value.exclude]
              content {
                exclude = directory.value
              }
            }

            dynamic "helm" {
              for_each = source.value.helm == null ? [] : [source.value.helm]
              content {
                release_name = helm.value.release_name
                value_files  = helm.value.value_files
              }
            }
          }
        }

        sync_policy {
          automated {
            prune     = true
            self_heal = true
          }

          sync_options = each.value.sync_options

          dynamic "retry" {
            for_each = each.value.retry == null ? [] : [each.value.retry]
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
          for_each = each.value.ignore_differences
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
  }

  # Registrations first: a generator that sees no cluster generates (and prunes) nothing.
  depends_on = [argocd_cluster.this, module.registrations]
}
