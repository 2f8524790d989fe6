# The root module: it configures the provider (its version: the newest, nothing constrains it).
provider "argocd" {}
