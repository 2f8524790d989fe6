package main

func main() {
	a.Flag("web.enable-remote-write-receiver", "Accept remote write requests.").BoolVar(&cfg.web.EnableRemoteWriteReceiver)
	a.Flag("web.enable-otlp-receiver", "Accept OTLP write requests.").BoolVar(&cfg.web.EnableOTLPWriteReceiver)
}
