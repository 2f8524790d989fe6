{{- $config := deepCopy .Values.config }}
{{- if .Values.presets.kubernetesAttributes.enabled }}{{- end }}
{{- $vals := .Values.Values -}}
kind: {{ .Values.mode }}
image: {{ .Values.image.repository }}
