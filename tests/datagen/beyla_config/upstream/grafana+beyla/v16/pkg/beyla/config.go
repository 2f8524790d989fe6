package beyla

import (
	"example.com/extlib"
	"go.opentelemetry.io/obi/pkg/sampler"

	"github.com/grafana/beyla/pkg/export/debug"
	"github.com/grafana/beyla/pkg/export/otel"
	"github.com/grafana/beyla/pkg/services"
)

type Config struct {
	Discovery    services.DiscoveryConfig `yaml:"discovery"`
	Traces       otel.TracesConfig        `yaml:"otel_traces_export"`
	AITraces     otel.TracesConfig        `yaml:"ai_traces_export" envPrefix:"BEYLA_AI_"`
	LogLevel     string                   `yaml:"log_level" env:"BEYLA_LOG_LEVEL"`
	TracePrinter debug.TracePrinter       `yaml:"trace_printer" env:"BEYLA_TRACE_PRINTER"`
	Sampler      sampler.Config           `yaml:"sampler"`
	Extra        extlib.Thing             `yaml:"extra"`
}
