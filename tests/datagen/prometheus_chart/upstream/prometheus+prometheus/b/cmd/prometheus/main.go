package main

func main() {
	a.Flag("web.enable-remote-write-receiver", "Accept remote write requests.").BoolVar(&cfg.web.EnableRemoteWriteReceiver)
	for _, o := range features {
		switch o {
		case "remote-write-receiver":
			enableRemoteWrite = true
		case "otlp-write-receiver":
			enableOTLP = true
		}
	}
}
