variable "argocd_namespace" {
  description = "Namespace of the Argo CD Application objects."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.argocd_namespace))
    error_message = "argocd_namespace must be a DNS-1123 label (lowercase letters, digits, '-')."
  }
}

variable "applications" {
  description = "Application specs by name, as rendered by `otelstack render` (otelstack.auto.tfvars.json)."
  type = map(object({
    component = string
    tier      = number
    project   = optional(string, "default")
    destination = object({
      server    = optional(string)
      name      = optional(string)
      namespace = string
    })
    source = object({
      repo_url        = string
      chart           = optional(string)
      path            = optional(string)
      target_revision = string
      release_name    = optional(string)
      values_file     = optional(string)
    })
    sync_options = optional(list(string), ["CreateNamespace=true"])
    ignore_differences = optional(list(object({
      group               = optional(string, "")
      kind                = string
      name                = optional(string)
      namespace           = optional(string)
      json_pointers       = optional(list(string), [])
      jq_path_expressions = optional(list(string), [])
    })), [])
    wait = optional(bool, false)
    timeouts = optional(object({
      create = optional(string, "15m")
      update = optional(string, "15m")
      delete = optional(string, "15m")
    }), {})
    retry = optional(object({
      limit = number
      backoff = object({
        duration     = string
        factor       = number
        max_duration = string
      })
    }))
  }))

  validation {
    condition     = alltrue([for name, app in var.applications : can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name)) && length(name) <= 63])
    error_message = "Application names must be DNS-1123 labels of at most 63 characters."
  }

  validation {
    condition     = alltrue([for app in var.applications : (app.destination.server == null) != (app.destination.name == null)])
    error_message = "Each destination names its cluster by server (API URL) or by name (as registered in Argo CD), not both."
  }

  validation {
    condition = alltrue(flatten([for app in var.applications : [
      for t in [app.timeouts.create, app.timeouts.update, app.timeouts.delete] : can(regex("^[0-9]+(s|m|h)$", t))
    ]]))
    error_message = "timeouts are durations such as 15m: the provider's 5-minute default is too short for a first operator install."
  }

  validation {
    condition     = alltrue([for app in var.applications : contains([0, 1, 2], app.tier)])
    error_message = "tier must be 0 (prerequisites such as cert-manager), 1 (the operator) or 2 (collector, Beyla)."
  }

  validation {
    condition     = alltrue([for app in var.applications : (app.source.chart == null) != (app.source.path == null)])
    error_message = "Each source sets exactly one of chart (a Helm repository) or path (a git repository)."
  }

  validation {
    condition = alltrue([
      for app in var.applications : app.source.chart == null || can(regex("^v?[0-9]+\\.[0-9]+\\.[0-9]+", app.source.target_revision))
    ])
    error_message = "A Helm chart source must pin its chart version in target_revision (for example 0.74.0); an empty value, HEAD or a branch deploys whatever is newest."
  }

  validation {
    condition     = alltrue([for app in var.applications : trimspace(app.source.target_revision) != ""])
    error_message = "target_revision must not be empty."
  }

  validation {
    condition     = alltrue([for app in var.applications : contains(app.sync_options, "CreateNamespace=true")])
    error_message = "Every application needs the sync option CreateNamespace=true: its destination namespace does not exist on a new cluster."
  }

  validation {
    condition     = alltrue([for app in var.applications : app.source.chart == null || app.source.values_file != null])
    error_message = "A Helm chart source needs a values_file (rendered by otelstack)."
  }
}

variable "values" {
  description = "Helm values (YAML) by application name, read from each application's values_file."
  type        = map(string)
  default     = {}
}
