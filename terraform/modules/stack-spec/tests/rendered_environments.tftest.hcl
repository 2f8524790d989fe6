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
    condition     = output.applications["opentelemetry-operator"].wait && contains(output.applications["opentelemetry-operator"].sync_options, "RespectIgnoreDifferences=true")
    error_message = "The operator must be waited for, and its ignore-differences respected at sync."
  }
  assert {
    condition     = strcontains(output.applications["beyla"].source.helm.values, "otel-collector-collector.otel.svc.cluster.local:4317")
    error_message = "Beyla must export to the operator's collector Service."
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
