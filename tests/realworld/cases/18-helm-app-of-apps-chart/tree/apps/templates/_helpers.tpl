{{- define "apps.labels" -}}
app.kubernetes.io/part-of: platform-apps
{{- end -}}
