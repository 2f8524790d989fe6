# Offline tests of the composition (no provider needed): `terraform test` in this directory.

variables {
  argocd_namespace = "argocd"
  applications = {
    operator = {
      component   = "operator"
      tier        = 1
      destination = { server = "https://kubernetes.default.svc", namespace = "opentelemetry-operator-system" }
      source = {
        repo_url        = "https://open-telemetry.github.io/opentelemetry-helm-charts"
        chart           = "opentelemetry-operator"
        target_revision = "0.74.0"
        release_name    = "opentelemetry-operator"
        values_file     = "values/operator.yaml"
      }
      sync_options = ["CreateNamespace=true", "ServerSideApply=true", "CreateNamespace=true"]
      wait         = true
    }
    collector = {
      component   = "collector"
      tier        = 2
      destination = { server = "https://kubernetes.default.svc", namespace = "otel" }
      source = {
        repo_url        = "https://github.com/example/platform.git"
        path            = "manifests/rendered/kind"
        target_revision = "main"
      }
      sync_options = ["CreateNamespace=true", "SkipDryRunOnMissingResource=true"]
      retry        = { limit = 10, backoff = { duration = "15s", factor = 2, max_duration = "5m" } }
    }
  }
  values = {
    operator = "manager:\n  collectorImage:\n    repository: otel/opentelemetry-collector\n"
  }
}

run "composes_applications" {
  command = plan

  assert {
    condition     = output.applications["operator"].source.helm.values == var.values["operator"]
    error_message = "The operator's Helm values must come from its values file."
  }
  assert {
    condition     = output.applications["operator"].source.helm.release_name == "opentelemetry-operator"
    error_message = "release_name must be passed through."
  }
  assert {
    condition     = output.applications["operator"].sync_options == tolist(["CreateNamespace=true", "ServerSideApply=true"])
    error_message = "Sync options must be de-duplicated, order kept."
  }
  assert {
    condition     = output.applications["collector"].source.helm == null
    error_message = "A directory source has no helm block."
  }
  assert {
    condition     = output.applications["collector"].retry.backoff.factor == "2"
    error_message = "Retry numbers are passed to the provider as strings."
  }
  assert {
    condition     = output.applications["operator"].namespace == "argocd" && output.applications["operator"].project == "default"
    error_message = "Applications live in the Argo CD namespace and default to the default project."
  }
  assert {
    condition     = keys(output.tiers["1"]) == ["operator"] && keys(output.tiers["2"]) == ["collector"] && length(output.tiers["0"]) == 0
    error_message = "Applications must be grouped by tier."
  }
}

run "rejects_unpinned_chart" {
  command = plan
  variables {
    applications = merge(var.applications, {
      operator = merge(var.applications.operator, { source = merge(var.applications.operator.source, { target_revision = "HEAD" }) })
    })
  }
  expect_failures = [var.applications]
}

run "rejects_chart_and_path_together" {
  command = plan
  variables {
    applications = merge(var.applications, {
      collector = merge(var.applications.collector, { source = merge(var.applications.collector.source, { chart = "x" }) })
    })
  }
  expect_failures = [var.applications]
}

run "rejects_missing_create_namespace" {
  command = plan
  variables {
    applications = merge(var.applications, {
      collector = merge(var.applications.collector, { sync_options = ["SkipDryRunOnMissingResource=true"] })
    })
  }
  expect_failures = [var.applications]
}

run "rejects_unknown_tier" {
  command = plan
  variables {
    applications = merge(var.applications, { collector = merge(var.applications.collector, { tier = 5 }) })
  }
  expect_failures = [var.applications]
}

run "rejects_missing_values" {
  command = plan
  variables {
    values = {}
  }
  expect_failures = [output.applications]
}

run "accepts_a_cluster_by_name" {
  command = plan
  variables {
    applications = merge(var.applications, {
      collector = merge(var.applications.collector, { destination = { name = "prod-eu-1", namespace = "otel" } })
    })
  }
  assert {
    condition     = output.applications["collector"].destination.name == "prod-eu-1" && output.applications["collector"].destination.server == null
    error_message = "A destination may name its cluster instead of giving its API server."
  }
}

run "rejects_server_and_name_together" {
  command = plan
  variables {
    applications = merge(var.applications, {
      collector = merge(var.applications.collector, { destination = { server = "https://x", name = "x", namespace = "otel" } })
    })
  }
  expect_failures = [var.applications]
}
