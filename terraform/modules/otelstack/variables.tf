variable "argocd_namespace" {
  description = "Namespace of the Argo CD Application objects."
  type        = string
}

variable "applications" {
  description = "Application specs by name, as rendered by `otelstack render`."
  type        = any
}

variable "values" {
  description = "Helm values (YAML) by application name."
  type        = map(string)
  default     = {}
}
