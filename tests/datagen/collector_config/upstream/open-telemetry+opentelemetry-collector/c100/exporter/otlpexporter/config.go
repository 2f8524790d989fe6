package otlpexporter

import (
	"time"

	"go.opentelemetry.io/collector/config/configgrpc"
	"go.opentelemetry.io/collector/config/configoptional"
)

type Config struct {
	TimeoutSettings         `mapstructure:",squash"`
	configgrpc.ClientConfig `mapstructure:",squash"`
	Queue                   configoptional.Optional[QueueSettings] `mapstructure:"sending_queue"`
}

type TimeoutSettings struct {
	Timeout time.Duration `mapstructure:"timeout"`
}

type QueueSettings struct {
	QueueSize int `mapstructure:"queue_size"`
}
