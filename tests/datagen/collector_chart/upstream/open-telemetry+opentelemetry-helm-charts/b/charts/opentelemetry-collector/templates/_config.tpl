{{/* A fixture of a collector chart: its config, with a preset that prepends a processor. */}}
{{- define "opentelemetry-collector.config" -}}
{{- $config := deepCopy .Values.config }}
{{- if .Values.presets.kubernetesAttributes.enabled }}
{{- $_ := set $config.processors "k8sattributes" (dict "passthrough" false) }}
{{- $_ := set $config.service.pipelines.traces "processors" (prepend $config.service.pipelines.traces.processors "k8sattributes") }}
{{- end }}
{{- if .Values.presets.logsCollection.enabled }}
{{- $_ := set $config.receivers "filelog" (dict "include" (list "/var/log/pods/*/*/*.log")) }}
{{- $logs := get $config.service.pipelines "logs" | default (dict "receivers" list "exporters" (list "debug")) }}
{{- $_ := set $logs "receivers" (append $logs.receivers "filelog") }}
{{- $_ := set $config.service.pipelines "logs" $logs }}
{{- end }}
{{- if .Values.presets.profiling.enabled }}
{{- if ne .Values.image.repository "fixture/profiler" }}{{ fail "the profiling preset needs the profiler image" }}{{ end }}
{{- $_ := set $config.receivers "profiling" dict }}
{{- end }}
{{- if .Values.presets.broken.enabled }}{{ fail "this preset never renders" }}{{ end }}
{{- toYaml $config }}
{{- end }}

{{- define "opentelemetry-collector.fullname" -}}
{{- if .Values.fullnameOverride }}{{ .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains .Chart.Name .Release.Name }}{{ .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{ end }}
{{- end }}
