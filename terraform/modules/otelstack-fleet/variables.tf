variable "argocd_namespace" {
  description = "Namespace of the Argo CD ApplicationSet objects."
  type        = string
}

variable "clusters" {
  description = "Clusters by name, as rendered by `otelstack render`."
  type        = any
}

variable "application_sets" {
  description = "ApplicationSet specs by name, as rendered by `otelstack render`."
  type        = any
}

variable "registrations" {
  description = "Applications syncing the cluster Secrets of in-cluster members, as rendered by `otelstack render` (may be empty)."
  type        = any
  default     = {}
}

variable "cluster_credentials" {
  description = "Credentials per cluster name: bearer_token, ca_data, insecure."
  type        = map(map(string))
  default     = {}
  sensitive   = true
}
