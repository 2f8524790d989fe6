package receivers

// A fixture in the option-call style of the registry.
func scraper(name string) components.ComponentPortParser {
	return components.NewSinglePortParser(components.ComponentType(name), components.UnsetPort)
}

var (
	componentParsers = []components.ComponentPortParser{
		components.NewMultiPortReceiver("otlp",
			components.WithPortMapping("grpc", 4317,
				components.WithAppProtocol(&components.GrpcProtocol)),
			components.WithPortMapping(components.HttpProtocol, 4318,
				components.WithAppProtocol(&components.HttpProtocol)),
		),
		components.NewSinglePortParser("opencensus", 55678, components.WithAppProtocol(nil)),
		components.NewSinglePortParser("statsd", 8125, components.WithProtocol(corev1.ProtocolUDP)),
		components.NewSinglePortParser("tcplog", components.UnsetPort, components.WithProtocol(corev1.ProtocolTCP)),
	}
)
