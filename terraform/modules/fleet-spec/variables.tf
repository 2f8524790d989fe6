variable "argocd_namespace" {
  description = "Namespace of the Argo CD ApplicationSet objects."
  type        = string
}

variable "clusters" {
  description = "Clusters by name: server URL, registration labels and annotations (rendered by otelstack)."
  type = map(object({
    server      = string
    labels      = optional(map(string), {})
    annotations = optional(map(string), {})
  }))

  validation {
    condition     = alltrue([for name, c in var.clusters : can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name))])
    error_message = "Cluster names must be DNS-1123 labels: they name the generated applications."
  }

  validation {
    condition     = alltrue([for c in var.clusters : startswith(c.server, "https://")])
    error_message = "Each cluster's server must be its API server URL (https://...)."
  }

  validation {
    condition     = length(distinct([for c in var.clusters : c.server])) == length(var.clusters)
    error_message = "Two clusters have the same server URL: Argo CD registers a server once."
  }
}

variable "application_sets" {
  description = "ApplicationSet specs by name (rendered by otelstack)."
  type = map(object({
    component        = string
    tier             = number
    project          = optional(string, "default")
    selector         = map(string)
    application_name = string
    destination = object({
      server    = string
      namespace = string
    })
    source = object({
      repo_url        = string
      chart           = optional(string)
      path            = optional(string)
      target_revision = string
      release_name    = optional(string)
      value_files     = optional(list(string), [])
    })
    values_source = optional(object({
      repo_url        = string
      target_revision = string
      ref             = string
      exclude         = optional(string)
    }))
    sync_options = optional(list(string), ["CreateNamespace=true"])
    ignore_differences = optional(list(object({
      group               = optional(string, "")
      kind                = string
      name                = optional(string)
      namespace           = optional(string)
      json_pointers       = optional(list(string), [])
      jq_path_expressions = optional(list(string), [])
    })), [])
    retry = optional(object({
      limit = number
      backoff = object({
        duration     = string
        factor       = number
        max_duration = string
      })
    }))
    go_template_options = optional(list(string), ["missingkey=error"])
  }))

  validation {
    condition     = alltrue([for s in var.application_sets : length(s.selector) > 0])
    error_message = "Each ApplicationSet selects clusters by label: an empty selector would also target the built-in in-cluster cluster."
  }

  validation {
    condition     = alltrue([for s in var.application_sets : contains(s.go_template_options, "missingkey=error")])
    error_message = "Go templates must fail on a missing key (go_template_options = [\"missingkey=error\"]): otherwise a cluster without a label gets an empty value."
  }

  validation {
    condition     = alltrue([for s in var.application_sets : strcontains(s.application_name, "{{")])
    error_message = "application_name must be templated per cluster (e.g. \"{{ .nameNormalized }}-beyla\"): fixed names collide across clusters."
  }

  validation {
    condition     = alltrue([for s in var.application_sets : (s.source.chart == null) != (s.source.path == null)])
    error_message = "Each source sets exactly one of chart (a Helm repository) or path (a git repository)."
  }

  validation {
    condition     = alltrue([for s in var.application_sets : contains(s.sync_options, "CreateNamespace=true")])
    error_message = "Every ApplicationSet needs the sync option CreateNamespace=true: the namespace does not exist on a new cluster."
  }

  validation {
    condition     = alltrue([for s in var.application_sets : length(s.source.value_files) == 0 || s.values_source != null])
    error_message = "value_files from $values need a values_source (the platform repo, with ref = \"values\")."
  }
}

variable "registrations" {
  description = "Names of the Argo CD applications that sync cluster Secrets for members argocd_cluster cannot register (the in-cluster target)."
  type        = set(string)
  default     = []
}

variable "cluster_credentials" {
  description = "Credentials per cluster name: bearer_token, ca_data, insecure."
  type        = map(map(string))
  default     = {}
  sensitive   = true
}
