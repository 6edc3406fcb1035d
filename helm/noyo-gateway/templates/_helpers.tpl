{{- define "noyo-gateway.name" -}}{{ .Chart.Name }}{{- end -}}
{{- define "noyo-gateway.fullname" -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- define "noyo-gateway.labels" -}}
app.kubernetes.io/name: {{ include "noyo-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
