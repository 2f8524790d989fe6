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
                # the chart names the Service after the release: tempo, not tempo-tempo
                { name = "Tempo", type = "tempo", url = "http://tempo-tempo.tempo.svc.cluster.local:3200" }, # expect: wiring-datasource
                # the OTLP receiver, not the query API
                { name = "Tempo OTLP", type = "tempo", url = "http://tempo.tempo.svc.cluster.local:4317" }, # expect: wiring-datasource
                { name = "Tempo TLS", type = "tempo", url = "https://tempo.tempo.svc:3200" }, # expect: wiring-datasource
                # the server's Service is prometheus-server
                { name = "Prometheus", type = "prometheus", url = "http://prometheus.prometheus.svc.cluster.local:9090" }, # expect: wiring-datasource
                { name = "Metrics", type = "prometheus", url = "http://tempo.tempo.svc.cluster.local:3200" }, # expect: wiring-datasource
              ]
            }
          }
        })
      }
    }
  }
}
