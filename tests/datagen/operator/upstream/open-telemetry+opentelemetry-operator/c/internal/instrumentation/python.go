package instrumentation

const (
	envOtelExporterOTLPProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL"
)

func injectPythonSDK(container corev1.Container) corev1.Container {
	container.Env = append(container.Env, corev1.EnvVar{
		Name:  envOtelExporterOTLPProtocol,
		Value: "http/protobuf",
	})
	return container
}
