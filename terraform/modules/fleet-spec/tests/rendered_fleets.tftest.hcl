# The fleet specs `otelstack render` wrote for the bundled fleet environments pass this module's validation.

run "fleet_environment" {
  command = plan
  variables {
    argocd_namespace = jsondecode(file("../../environments/fleet/otelstack.auto.tfvars.json")).argocd_namespace
    clusters         = jsondecode(file("../../environments/fleet/otelstack.auto.tfvars.json")).clusters
    application_sets = jsondecode(file("../../environments/fleet/otelstack.auto.tfvars.json")).application_sets
    cluster_credentials = {
      eu-west-1  = { bearer_token = "x" }
      us-east-1  = { bearer_token = "x" }
      ap-south-1 = { bearer_token = "x" }
    }
  }
  assert {
    condition     = length(output.clusters) == 3 && length(output.application_sets) == 4
    error_message = "Three clusters and an ApplicationSet per component (cert-manager, operator, collector, Beyla)."
  }
  assert {
    condition     = output.clusters["us-east-1"].annotations["otelstack_beyla_chart_version"] == "1.4.12"
    error_message = "A held-back chart version travels as the cluster's annotation."
  }
}

run "kind_fleet_environment" {
  command = plan
  variables {
    argocd_namespace = jsondecode(file("../../environments/kind-fleet/otelstack.auto.tfvars.json")).argocd_namespace
    clusters         = jsondecode(file("../../environments/kind-fleet/otelstack.auto.tfvars.json")).clusters
    application_sets = jsondecode(file("../../environments/kind-fleet/otelstack.auto.tfvars.json")).application_sets
    registrations    = keys(jsondecode(file("../../environments/kind-fleet/otelstack.auto.tfvars.json")).registrations)
  }
  assert {
    condition     = output.missing_credentials == []
    error_message = "The kind cluster is the in-cluster target: no credentials needed."
  }
  assert {
    condition     = output.argocd_clusters == {} && length(var.registrations) == 1
    error_message = "The in-cluster member is registered by its synced cluster Secret, not by argocd_cluster."
  }
}
