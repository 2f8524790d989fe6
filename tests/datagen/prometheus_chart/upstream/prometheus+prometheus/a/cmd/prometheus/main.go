package main

func main() {
	for _, o := range features {
		switch o {
		case "remote-write-receiver":
			enableRemoteWrite = true
		}
	}
}
