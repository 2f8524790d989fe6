module github.com/grafana/beyla

go 1.22
