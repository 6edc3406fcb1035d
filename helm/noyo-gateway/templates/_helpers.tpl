{{/*
The chart's name, or .Values.nameOverride.
*/}}
{{- define "noyo-gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The fully qualified app name (63 characters at most: DNS names). A release whose name already
contains the chart name is used as it is, so release "noyo-gateway" gives "noyo-gateway".
*/}}
{{- define "noyo-gateway.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "noyo-gateway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The standard labels (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/).
*/}}
{{- define "noyo-gateway.labels" -}}
{{ include "noyo-gateway.selectorLabels" . }}
app.kubernetes.io/component: graphql-gateway
{{ include "noyo-gateway.commonLabels" . }}
{{- end }}

{{/*
Labels every object of the release carries, the gateway's and the test pod's alike.
*/}}
{{- define "noyo-gateway.commonLabels" -}}
helm.sh/chart: {{ include "noyo-gateway.chart" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/part-of: noyo-gateway
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
The test pod's own labels: not the gateway's selector (the Service must never route to it, nor the
gateway's NetworkPolicy confine it); the NetworkPolicy lets pods with these labels in.
*/}}
{{- define "noyo-gateway.testSelectorLabels" -}}
app.kubernetes.io/name: {{ include "noyo-gateway.name" . }}-test
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Selector labels: stable across upgrades.
*/}}
{{- define "noyo-gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "noyo-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The ServiceAccount's name.
*/}}
{{- define "noyo-gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "noyo-gateway.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The Secret holding credentials: an existing one, or the one this chart creates.
*/}}
{{- define "noyo-gateway.secretName" -}}
{{- default (include "noyo-gateway.fullname" .) .Values.secret.existingSecret }}
{{- end }}

{{/*
The container image: a digest, when given, pins it; otherwise the tag (default: appVersion).
*/}}
{{- define "noyo-gateway.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
The non-secret environment: .Values.config, then what other values imply.
*/}}
{{- define "noyo-gateway.config" -}}
{{- $config := deepCopy .Values.config }}
{{- if .Values.redis.url }}
{{- $_ := set $config "GATEWAY_CACHE_URL" .Values.redis.url }}
{{- end }}
{{- $_ := set $config "GATEWAY_SECRETS_DIR" .Values.secretsMountPath }}
{{- $_ := set $config "GATEWAY_METRICS_ENABLED" (ternary "true" "false" .Values.metrics.enabled) }}
{{- if .Values.otel.enabled }}
{{- $_ := set $config "OTEL_SERVICE_NAME" (default (include "noyo-gateway.fullname" .) .Values.otel.serviceName) }}
{{- $_ := set $config "OTEL_TRACES_EXPORTER" "otlp" }}
{{- $_ := set $config "OTEL_EXPORTER_OTLP_ENDPOINT" .Values.otel.endpoint }}
{{- $_ := set $config "OTEL_EXPORTER_OTLP_PROTOCOL" .Values.otel.protocol }}
{{- $_ := set $config "OTEL_TRACES_SAMPLER" .Values.otel.sampler }}
{{- $_ := set $config "OTEL_TRACES_SAMPLER_ARG" (toString .Values.otel.samplerArg) }}
{{- end }}
{{- range $key, $value := $config }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

