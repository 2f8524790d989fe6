package otlpexporter

import (
	"time"

	"go.opentelemetry.io/collector/config/configgrpc"
)

// Config of the fixture's OTLP exporter.
type Config struct {
	TimeoutSettings         `mapstructure:",squash"`
	configgrpc.ClientConfig `mapstructure:",squash"`
	Queue                   QueueSettings `mapstructure:"sending_queue"`
	secret                  string
}

type TimeoutSettings struct {
	Timeout time.Duration `mapstructure:"timeout"`
}

type QueueSettings struct {
	Enabled   bool `mapstructure:"enabled"`
	QueueSize int  `mapstructure:"queue_size"`
}
