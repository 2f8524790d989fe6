package exporterhelper

// Config of a helper package: not a component, not read.
type Config struct {
	Internal bool `mapstructure:"internal"`
}
