resource "argocd_application" "grafana" {
  metadata {
    name      = "grafana"
    namespace = "argocd"
  }
  spec {
    project = "default"
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "grafana"
    }
    source {
      repo_url        = "https://grafana-community.github.io/helm-charts"
      chart           = "grafana"
      target_revision = "12.11.1"
      helm {
        release_name = "grafana"
        values = yamlencode({
          admin = { existingSecret = "grafana-admin" }
          datasources = {
            "datasources.yaml" = {
              apiVersion = 1
              datasources = [
                # the Services the releases create
                { name = "Tempo", type = "tempo", url = "http://tempo.tempo.svc.cluster.local:3200" },
                # port 80 by default
                { name = "Prometheus", type = "prometheus", url = "http://prometheus-server.prometheus.svc.cluster.local" },
              ]
            }
          }
        })
      }
    }
  }
}

# A datasource outside the cluster is not checked.
resource "argocd_application" "grafana_cloud" {
  metadata {
    name      = "grafana-cloud"
    namespace = "argocd"
  }
  spec {
    project = "default"
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "grafana-cloud"
    }
    source {
      repo_url        = "https://grafana-community.github.io/helm-charts"
      chart           = "grafana"
      target_revision = "12.11.1"
      helm {
        values = yamlencode({
          admin = { existingSecret = "grafana-admin" }
          datasources = { "datasources.yaml" = { apiVersion = 1, datasources = [
            { name = "Hosted", type = "prometheus", url = "https://prometheus.example.com/api/prom" },
          ] } }
        })
      }
    }
  }
}
