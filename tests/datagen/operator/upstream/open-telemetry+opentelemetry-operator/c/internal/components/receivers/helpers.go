package receivers

// A fixture in the builder style of the registry.
var componentParsers = []components.Parser{
	components.NewMultiPortReceiverBuilder("otlp").
		AddPortMapping(components.NewProtocolBuilder("grpc", 4317).
			WithAppProtocol(&components.GrpcProtocol).
			WithTargetPort(4317)).
		AddPortMapping(components.NewProtocolBuilder(components.HttpProtocol, 4318).
			WithAppProtocol(&components.HttpProtocol)).
		MustBuild(),
	components.NewMultiPortReceiverBuilder("jaeger").
		AddPortMapping(components.NewProtocolBuilder("thrift_compact", 6831).
			WithProtocol(corev1.ProtocolUDP)).
		MustBuild(),
	components.NewSinglePortParserBuilder("fluent_forward", 8006).
		WithTargetPort(8006).
		WithAlias("fluentforward").
		MustBuild(),
	components.NewSinglePortParserBuilder("statsd", 8125).
		WithProtocol(corev1.ProtocolUDP).
		MustBuild(),
	components.NewBuilder[kubeletStatsConfig]().WithName("kubelet_stats").
		WithAlias("kubeletstats").
		MustBuild(),
	NewScraperParser("filelog"),
}
