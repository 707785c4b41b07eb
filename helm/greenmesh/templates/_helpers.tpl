{{/*
Names, labels and derived settings shared by the templates. Component labels: signaling, turn, test.
*/}}

{{- define "greenmesh.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "greenmesh.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "greenmesh.signaling.fullname" -}}
{{- printf "%s-signaling" (include "greenmesh.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "greenmesh.turn.fullname" -}}
{{- printf "%s-turn" (include "greenmesh.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "greenmesh.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels: stable across upgrades. Pass (dict "context" $ "component" "signaling"). */}}
{{- define "greenmesh.selectorLabels" -}}
app.kubernetes.io/name: {{ include "greenmesh.name" .context }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "greenmesh.labels" -}}
helm.sh/chart: {{ include "greenmesh.chart" .context }}
{{ include "greenmesh.selectorLabels" . }}
app.kubernetes.io/version: {{ .context.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .context.Release.Service }}
app.kubernetes.io/part-of: greenmesh
{{- with .context.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels for resources without a component. */}}
{{- define "greenmesh.commonLabels" -}}
helm.sh/chart: {{ include "greenmesh.chart" . }}
app.kubernetes.io/name: {{ include "greenmesh.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: greenmesh
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "greenmesh.annotations" -}}
{{- with .Values.commonAnnotations }}
annotations:
{{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* registry/repository:tag or @digest. Pass (dict "image" .Values.x.image "context" $). */}}
{{- define "greenmesh.image" -}}
{{- $repo := .image.repository -}}
{{- if .image.registry -}}{{- $repo = printf "%s/%s" .image.registry .image.repository -}}{{- end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $repo .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default .context.Chart.AppVersion .image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "greenmesh.imagePullSecrets" -}}
{{- with . }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "greenmesh.serviceAccountName" -}}
{{- if .Values.signaling.serviceAccount.create -}}
{{- default (include "greenmesh.signaling.fullname" .) .Values.signaling.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.signaling.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "greenmesh.secretName" -}}
{{- default (printf "%s-secrets" (include "greenmesh.fullname" .)) .Values.auth.existingSecret -}}
{{- end -}}

{{/* Contact points Cluster Bootstrap needs before it forms a new cluster. */}}
{{- define "greenmesh.requiredContactPoints" -}}
{{- if gt (int .Values.signaling.requiredContactPoints) 0 -}}
{{- .Values.signaling.requiredContactPoints -}}
{{- else if .Values.signaling.autoscaling.enabled -}}
{{- .Values.signaling.autoscaling.minReplicas -}}
{{- else -}}
{{- .Values.signaling.replicaCount -}}
{{- end -}}
{{- end -}}

{{/* Pekko Kubernetes-API discovery finds its peers by these labels. */}}
{{- define "greenmesh.podLabelSelector" -}}
{{- printf "app.kubernetes.io/name=%s,app.kubernetes.io/instance=%s,app.kubernetes.io/component=signaling" (include "greenmesh.name" .) .Release.Name -}}
{{- end -}}

{{/* Port clients use for TURN over TLS. */}}
{{- define "greenmesh.turn.tlsPublicPort" -}}
{{- if .Values.turn.hostNetwork -}}{{- .Values.turn.tls.containerPort -}}{{- else -}}{{- .Values.turn.ports.tls -}}{{- end -}}
{{- end -}}

{{/* TURN URLs handed to clients: explicit, or derived from the relay's public host. */}}
{{- define "greenmesh.turnUrls" -}}
{{- if .Values.signaling.turnUrls -}}
{{- join "," .Values.signaling.turnUrls -}}
{{- else if .Values.turn.enabled -}}
{{- $h := .Values.turn.publicHost -}}
{{- $urls := list (printf "turn:%s:%d?transport=udp" $h (int .Values.turn.ports.udp)) (printf "turn:%s:%d?transport=tcp" $h (int .Values.turn.ports.udp)) -}}
{{- if .Values.turn.tls.enabled -}}
{{- $urls = append $urls (printf "turns:%s:%s?transport=tcp" $h (include "greenmesh.turn.tlsPublicPort" .)) -}}
{{- end -}}
{{- join "," $urls -}}
{{- end -}}
{{- end -}}

{{- define "greenmesh.stunUrls" -}}
{{- if .Values.signaling.stunUrls -}}
{{- join "," .Values.signaling.stunUrls -}}
{{- else if .Values.turn.enabled -}}
{{- printf "stun:%s:%d" .Values.turn.publicHost (int .Values.turn.ports.udp) -}}
{{- end -}}
{{- end -}}

{{/* Fails rendering on combinations the schema cannot express. */}}
{{- define "greenmesh.validate" -}}
{{- if and .Values.turn.enabled (not .Values.turn.publicHost) -}}
{{- fail "turn.publicHost is required when turn.enabled: the host name or address clients reach the relay at" -}}
{{- end -}}
{{- if and .Values.turn.tls.enabled (not .Values.turn.tls.existingSecret) -}}
{{- fail "turn.tls.existingSecret is required when turn.tls.enabled (a kubernetes.io/tls Secret)" -}}
{{- end -}}
{{- if lt (int .Values.turn.relayPortRange.max) (int .Values.turn.relayPortRange.min) -}}
{{- fail "turn.relayPortRange.max must not be below turn.relayPortRange.min" -}}
{{- end -}}
{{- if and .Values.turn.enabled (not .Values.turn.hostNetwork) (gt (sub (int .Values.turn.relayPortRange.max) (int .Values.turn.relayPortRange.min)) 199) -}}
{{- fail "turn.relayPortRange spans more than 200 ports: a LoadBalancer Service lists every port, keep the range narrow" -}}
{{- end -}}
{{- if and .Values.turn.enabled (not .Values.turn.hostNetwork) (eq .Values.turn.kind "DaemonSet") -}}
{{- fail "turn.kind DaemonSet needs turn.hostNetwork: true; behind a Service use kind Deployment" -}}
{{- end -}}
{{- end -}}
