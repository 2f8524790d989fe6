# Offline tests of the fleet composition: `terraform test` in this directory.

variables {
  argocd_namespace = "argocd"
  clusters = {
    eu = {
      server      = "https://eu.example.com"
      labels      = { "otelstack.io/environment" = "fleet", enable_beyla = "true" }
      annotations = { otelstack_beyla_chart_version = "1.4.13" }
    }
    local = {
      server = "https://kubernetes.default.svc"
      labels = { "otelstack.io/environment" = "fleet", enable_beyla = "true" }
    }
  }
  application_sets = {
    beyla = {
      component        = "beyla"
      tier             = 2
      selector         = { "otelstack.io/environment" = "fleet", enable_beyla = "true" }
      application_name = "{{ .nameNormalized }}-beyla"
      destination      = { server = "{{ .server }}", namespace = "beyla" }
      source = {
        repo_url        = "https://grafana.github.io/helm-charts"
        chart           = "beyla"
        target_revision = "{{ .metadata.annotations.otelstack_beyla_chart_version }}"
        release_name    = "beyla"
        value_files     = ["$values/terraform/environments/fleet/values/{{ .name }}/beyla.yaml"]
      }
      values_source = { repo_url = "https://github.com/example/platform.git", target_revision = "main", ref = "values", exclude = "*" }
    }
  }
  registrations       = ["fleet-clusters"]
  cluster_credentials = { eu = { bearer_token = "t" } }
}

run "composes_a_multi_source_application_set" {
  command = plan

  assert {
    condition     = length(output.application_sets["beyla"].sources) == 2 && output.application_sets["beyla"].sources[1].ref == "values"
    error_message = "Chart sources get the platform repo as a second source with ref = values."
  }
  assert {
    condition     = output.application_sets["beyla"].go_template_options == tolist(["missingkey=error"])
    error_message = "Go templates fail on missing keys by default."
  }
  assert {
    condition     = output.application_sets["beyla"].sources[0].helm.value_files[0] == "$values/terraform/environments/fleet/values/{{ .name }}/beyla.yaml"
    error_message = "Per-cluster values are layered from files."
  }
  assert {
    condition     = output.missing_credentials == [] && output.clusters["local"].needs_credentials == false
    error_message = "The in-cluster target needs no credentials."
  }
}

run "rejects_a_fixed_application_name" {
  command = plan
  variables {
    application_sets = { beyla = merge(var.application_sets.beyla, { application_name = "beyla" }) }
  }
  expect_failures = [var.application_sets]
}

run "rejects_an_empty_selector" {
  command = plan
  variables {
    application_sets = { beyla = merge(var.application_sets.beyla, { selector = {} }) }
  }
  expect_failures = [var.application_sets]
}

run "rejects_templates_without_missingkey_error" {
  command = plan
  variables {
    application_sets = { beyla = merge(var.application_sets.beyla, { go_template_options = [] }) }
  }
  expect_failures = [var.application_sets]
}

run "rejects_a_selector_that_matches_no_cluster" {
  command = plan
  variables {
    application_sets = { beyla = merge(var.application_sets.beyla, { selector = { enable_beyla = "yes" } }) }
  }
  expect_failures = [output.clusters]
}

run "rejects_duplicate_servers" {
  command = plan
  variables {
    clusters = merge(var.clusters, { again = { server = "https://eu.example.com" } })
  }
  expect_failures = [var.clusters]
}

run "reports_clusters_without_credentials" {
  command = plan
  variables {
    cluster_credentials = {}
  }
  assert {
    condition     = output.missing_credentials == ["eu"]
    error_message = "A remote cluster without credentials is listed."
  }
}

run "registers_the_in_cluster_member_by_its_secret_not_by_argocd_cluster" {
  command = plan
  assert {
    condition     = keys(output.argocd_clusters) == ["eu"] && contains(keys(output.clusters), "local")
    error_message = "argocd_cluster cannot register the in-cluster address: only remote members go to argocd_cluster."
  }
  assert {
    condition     = output.application_sets["beyla"].sources[1].exclude == "*" && output.application_sets["beyla"].sources[0].exclude == null
    error_message = "The values ref source renders no manifests of the repository root."
  }
}

run "rejects_an_in_cluster_member_without_a_registrations_application" {
  command = plan
  variables {
    registrations = []
  }
  expect_failures = [output.argocd_clusters]
}
