{{- define "tempo.tcp"}}
- name: tempo-prom-metrics
  port: 3100
{{- with .Values.tempo.receivers.otlp.protocols.grpc.endpoint }}
{{- $port := regexSplit ":" . -1 | last }}
- name: grpc-tempo-otlp
  port: {{ $port }}
{{- end }}
{{- with .Values.tempo.receivers.otlp.protocols.http.endpoint }}
{{- $port := regexSplit ":" . -1 | last }}
- name: tempo-otlp-http
  port: {{ $port }}
{{- end }}
{{- end }}
