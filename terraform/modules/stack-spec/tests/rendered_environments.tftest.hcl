# The specs `otelstack render` wrote for each bundled environment pass this module's validation.

run "kind_environment" {
  command = plan
  variables {
    argocd_namespace = jsondecode(file("../../environments/kind/otelstack.auto.tfvars.json")).argocd_namespace
    applications     = jsondecode(file("../../environments/kind/otelstack.auto.tfvars.json")).applications
    values = {
      for name, app in jsondecode(file("../../environments/kind/otelstack.auto.tfvars.json")).applications :
      name => file("../../environments/kind/${app.source.values_file}") if app.source.values_file != null
    }
  }
  assert {
    condition     = output.applications["opentelemetry-operator"].wait && output.applications["opentelemetry-operator"].timeouts.create == "15m"
    error_message = "The operator must be waited for, longer than the provider's 5-minute default."
  }
  assert {
    # the chart's certificate Secret is a Helm hook: respecting the caBundle ignores at sync would keep
    # the old CA in the webhooks while the hook writes a new certificate (x509 errors)
    condition     = !contains(output.applications["opentelemetry-operator"].sync_options, "RespectIgnoreDifferences=true")
    error_message = "The self-generated webhook certificate must not be combined with RespectIgnoreDifferences."
  }
  assert {
    condition     = alltrue([for app in output.applications : app.wait])
    error_message = "Every tier waits, so destroy removes the collectors before the operator."
  }
  assert {
    condition     = strcontains(output.applications["beyla"].source.helm.values, "otel-collector-collector.otel.svc.cluster.local:4317")
    error_message = "Beyla must export to the operator's collector Service."
  }
}

run "kind_full_environment" {
  command = plan
  variables {
    argocd_namespace = jsondecode(file("../../environments/kind-full/otelstack.auto.tfvars.json")).argocd_namespace
    applications     = jsondecode(file("../../environments/kind-full/otelstack.auto.tfvars.json")).applications
    values = {
      for name, app in jsondecode(file("../../environments/kind-full/otelstack.auto.tfvars.json")).applications :
      name => file("../../environments/kind-full/${app.source.values_file}") if app.source.values_file != null
    }
  }
  assert {
    # the backends are Synced and Healthy before the collector exports to them
    condition     = keys(output.tiers["0"]) == ["prometheus", "tempo"]
    error_message = "Tempo and Prometheus belong to the first tier."
  }
  assert {
    # Grafana comes after the backends its datasources read
    condition     = contains(keys(output.tiers["2"]), "grafana") && contains(keys(output.tiers["2"]), "otel-collector")
    error_message = "Grafana and the collector belong to the last tier."
  }
  assert {
    condition     = strcontains(output.applications["grafana"].source.helm.values, "http://tempo.tempo.svc.cluster.local:3200")
    error_message = "Grafana's Tempo datasource must read Tempo's HTTP API port."
  }
  assert {
    condition     = strcontains(output.applications["prometheus"].source.helm.values, "web.enable-otlp-receiver")
    error_message = "Prometheus must accept the collector's OTLP pushes."
  }
}

run "production_environment" {
  command = plan
  variables {
    argocd_namespace = jsondecode(file("../../environments/production/otelstack.auto.tfvars.json")).argocd_namespace
    applications     = jsondecode(file("../../environments/production/otelstack.auto.tfvars.json")).applications
    values = {
      for name, app in jsondecode(file("../../environments/production/otelstack.auto.tfvars.json")).applications :
      name => file("../../environments/production/${app.source.values_file}") if app.source.values_file != null
    }
  }
  assert {
    condition     = keys(output.tiers["0"]) == ["cert-manager"]
    error_message = "Production installs cert-manager before the operator."
  }
}

run "kind_fleet_cluster_registrations" {
  command = plan
  variables {
    argocd_namespace = jsondecode(file("../../environments/kind-fleet/otelstack.auto.tfvars.json")).argocd_namespace
    applications     = jsondecode(file("../../environments/kind-fleet/otelstack.auto.tfvars.json")).registrations
  }
  assert {
    condition     = output.applications["kind-fleet-clusters"].wait && output.applications["kind-fleet-clusters"].source.path == "manifests/rendered/kind-fleet/_clusters"
    error_message = "The kind-fleet cluster Secret is synced by a waited-for application before the ApplicationSets."
  }
}
