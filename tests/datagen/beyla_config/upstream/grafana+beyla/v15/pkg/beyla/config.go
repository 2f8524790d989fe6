package beyla

import (
	"github.com/grafana/beyla/pkg/export/debug"
	"github.com/grafana/beyla/pkg/export/otel"
	"github.com/grafana/beyla/pkg/services"
)

// Config is what beyla-config.yml decodes into.
type Config struct {
	Discovery services.DiscoveryConfig `yaml:"discovery"`
	Traces    otel.TracesConfig        `yaml:"otel_traces_export"`
	LogLevel  string                   `yaml:"log_level" env:"BEYLA_LOG_LEVEL"`
	// Deprecated: use trace_printer.
	Printer debug.PrintEnabled `yaml:"print_traces" env:"BEYLA_PRINT_TRACES"`

	Internal  string `yaml:"-"`
	cached    bool
}
