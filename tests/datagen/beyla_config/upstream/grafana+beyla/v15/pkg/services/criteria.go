package services

import "time"

type DiscoveryConfig struct {
	Services     DefinitionCriteria `yaml:"services"`
	PollInterval time.Duration      `yaml:"poll_interval" env:"BEYLA_DISCOVERY_POLL_INTERVAL"`
}

// DefinitionCriteria is a list of service selectors.
type DefinitionCriteria []Attributes

type Attributes struct {
	Name      string                 `yaml:"name"`
	OpenPorts PortEnum               `yaml:"open_ports"`
	Metadata  map[string]*RegexpAttr `yaml:",inline"`
}

type PortEnum struct {
	Ranges []int
}

func (p *PortEnum) UnmarshalText(text []byte) error { return nil }

type RegexpAttr struct {
	re string
}

func (p *RegexpAttr) UnmarshalYAML(value *yaml.Node) error { return nil }
