apiVersion: opentelemetry.io/v1alpha1
kind: OpenTelemetryCollector
metadata:
  name: ${COLLECTOR_NAME}
  namespace: ${COLLECTOR_NAMESPACE}
spec:
  image: ${COLLECTOR_IMAGE}
  mode: ${DEPLOY_MODE}
  config: |
    ${COLLECTOR_CONFIG}
