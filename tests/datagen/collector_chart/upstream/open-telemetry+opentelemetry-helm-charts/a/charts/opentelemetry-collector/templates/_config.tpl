{{/* A fixture of a collector chart: its config, with a preset that prepends a processor. */}}
{{- define "opentelemetry-collector.config" -}}
{{- $config := deepCopy .Values.config }}
{{- if .Values.presets.kubernetesAttributes.enabled }}
{{- $_ := set $config.processors "k8sattributes" (dict "passthrough" false) }}
{{- $_ := set $config.service.pipelines.traces "processors" (prepend $config.service.pipelines.traces.processors "k8sattributes") }}
{{- end }}
{{- toYaml $config }}
{{- end }}

{{- define "opentelemetry-collector.fullname" -}}
{{- if .Values.fullnameOverride }}{{ .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains .Chart.Name .Release.Name }}{{ .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{ end }}
{{- end }}
