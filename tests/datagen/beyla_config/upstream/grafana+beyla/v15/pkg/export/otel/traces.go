package otel

type TracesConfig struct {
	Endpoint string   `yaml:"endpoint" env:"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"`
	Protocol Protocol `yaml:"protocol" env:"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"`
}

type Protocol string

const (
	ProtocolGRPC Protocol = "grpc"
	ProtocolHTTP Protocol = "http/protobuf"
)
