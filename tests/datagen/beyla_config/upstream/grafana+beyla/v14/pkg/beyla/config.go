package beyla

type Config struct {
	LogLevel string `yaml:"log_level" env:"BEYLA_LOG_LEVEL"`
}
