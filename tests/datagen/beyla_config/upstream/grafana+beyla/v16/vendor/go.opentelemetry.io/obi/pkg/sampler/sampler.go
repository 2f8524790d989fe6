package sampler

type Config struct {
	Name string  `yaml:"name" env:"OTEL_TRACES_SAMPLER"`
	Arg  float64 `yaml:"arg" env:"OTEL_TRACES_SAMPLER_ARG"`
}
