# The reference deployment otelstack was designed from, exactly as it was written.

resource "argocd_application" "beyla" {
  metadata {
    name = "beyla"
  }

  spec {
    source {
      repo_url        = "https://github.com/grafana/beyla.git"
      path            = "charts/beyla"
      target_revision = "v1.8.7"

      helm {
        release_name = "beyla"
        values = yamlencode({
          env = {
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = "http://otel-collector.otel.svc.cluster.local:4317"
          }
          volumes = ["/sys/kernel/security:/sys/kernel/security"]
        })
      }
    }
  }
}

resource "argocd_application" "opentelemetry_operator" {
  metadata {
    name = "opentelemetry-operator"
  }

  spec {
    source {
      repo_url        = "https://open-telemetry.github.io/opentelemetry-helm-charts"
      chart           = "opentelemetry-operator"
      target_revision = "0.74.0"

      helm {
        release_name = "opentelemetry-operator"
        values = yamlencode({
          manager = {
            extraArgs = ["--enable-go-instrumentation=true"]
            collectorImage = {
              repository = "otel/opentelemetry-collector"
            }
          }
        })
      }
    }
  }
}

# The root module: terraform runs here (state kept locally)
terraform {
  backend "local" {}
}
