package configgrpc

import "go.opentelemetry.io/collector/config/configcompression"

type ClientConfig struct {
	Endpoint    string                 `mapstructure:"endpoint"`
	Compression configcompression.Type `mapstructure:"compression"`
	Headers     map[string]string      `mapstructure:"headers"`
}
