output "applications" {
  description = "Declared Argo CD applications: name => target revision."
  value = merge(
    { for name, app in module.prerequisites : name => app.target_revision },
    { for name, app in module.operator : name => app.target_revision },
    { for name, app in module.workloads : name => app.target_revision },
  )
}
