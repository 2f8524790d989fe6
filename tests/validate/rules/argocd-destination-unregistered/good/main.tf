resource "argocd_cluster" "prod" {
  server = "https://prod.k8s.example.com"
  name   = "prod"
}

resource "argocd_application" "beyla" {
  metadata {
    name      = "beyla"
    namespace = "argocd"
  }

  spec {
    project = "default"

    destination {
      server    = "https://prod.k8s.example.com"
      namespace = "beyla"
    }

    source {
      repo_url        = "https://grafana.github.io/helm-charts"
      chart           = "beyla"
      target_revision = "1.4.13"
    }
  }
}

resource "argocd_application" "beyla_staging" {
  metadata {
    name      = "beyla-staging"
    namespace = "argocd"
  }

  spec {
    project = "default"

    destination {
      name      = "staging" # registered outside this repository: .otelstack.yaml registeredClusters
      namespace = "beyla"
    }

    source {
      repo_url        = "https://grafana.github.io/helm-charts"
      chart           = "beyla"
      target_revision = "1.4.13"
    }
  }
}

resource "argocd_application" "beyla_local" {
  metadata {
    name      = "beyla-local"
    namespace = "argocd"
  }

  spec {
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "beyla"
    }

    source {
      repo_url        = "https://grafana.github.io/helm-charts"
      chart           = "beyla"
      target_revision = "1.4.13"
    }
  }
}
