data "kubectl_file_documents" "operator" {
  content = file("${path.module}/operator.yaml")
}

resource "kubectl_manifest" "operator" {
  for_each  = data.kubectl_file_documents.operator.manifests
  yaml_body = each.value
}
