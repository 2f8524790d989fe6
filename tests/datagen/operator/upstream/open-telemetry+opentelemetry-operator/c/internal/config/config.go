package config

func New() Config {
	return Config{
		CollectorImage:             fmt.Sprintf("ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector:%s", v.OpenTelemetryCollector),
		AutoInstrumentationJavaImage: fmt.Sprintf("ghcr.io/open-telemetry/opentelemetry-operator/java-agent:%s", v.AutoInstrumentationJava),
		AutoInstrumentationPythonImage: fmt.Sprintf("ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-python:%s", v.AutoInstrumentationPython),
	}
}
