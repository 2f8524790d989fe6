# A provider-free stand-in for an environment root: each application is a terraform_data whose
# input has the fields otelstack plan summarises (name, chart, target_revision, repo_url, values).
# Changing the chart replaces the application, as a new chart source does in Argo CD.

variable "applications" {
  description = "Applications by name, as in applications.auto.tfvars.json."
  # any: the values of each application have their own shape
  type = any
}

resource "terraform_data" "application" {
  for_each = var.applications

  input = {
    name            = each.key
    chart           = each.value.chart
    target_revision = each.value.target_revision
    repo_url        = each.value.repo_url
    values          = yamlencode(each.value.values)
  }

  triggers_replace = [each.value.chart]
}

output "applications" {
  value = { for name, app in terraform_data.application : name => app.output.target_revision }
}
