{{/* Names and labels */}}
{{- define "cronjob-guardian.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cronjob-guardian.fullname" -}}
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

{{- define "cronjob-guardian.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cronjob-guardian.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "cronjob-guardian.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "cronjob-guardian.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "cronjob-guardian.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "cronjob-guardian.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The values section of the selected server database (postgres, or mysql for mysql and mariadb). */}}
{{- define "cronjob-guardian.dbValues" -}}
{{- $s := .Values.config.storage -}}
{{- if eq $s.type "postgres" -}}{{- toYaml $s.postgres -}}{{- else -}}{{- toYaml $s.mysql -}}{{- end -}}
{{- end -}}

{{/*
Refuses, at render time, what cannot work: SQLite (a file in one pod) shared by several replicas or behind a leader
election; several replicas without leader election (each would alert); a server database without a host.
*/}}
{{- define "cronjob-guardian.validate" -}}
{{- $s := .Values.config.storage -}}
{{- $replicas := int .Values.replicaCount -}}
{{- if not (has $s.type (list "sqlite" "postgres" "mysql" "mariadb")) -}}
{{- fail (printf "config.storage.type must be sqlite, postgres, mysql or mariadb, not %q" (toString $s.type)) -}}
{{- end -}}
{{- if and (eq $s.type "sqlite") (or (gt $replicas 1) .Values.leaderElection.enabled) -}}
{{- fail (printf "config.storage.type=sqlite keeps the history in one pod's file, which replicas cannot share: it needs replicaCount=1 and leaderElection.enabled=false (got replicaCount=%d, leaderElection.enabled=%v). Use config.storage.type=postgres or mysql for high availability." $replicas .Values.leaderElection.enabled) -}}
{{- end -}}
{{- if and (gt $replicas 1) (not .Values.leaderElection.enabled) -}}
{{- fail (printf "replicaCount=%d needs leaderElection.enabled=true: without it every replica would evaluate and alert" $replicas) -}}
{{- end -}}
{{- if ne $s.type "sqlite" -}}
{{- $db := include "cronjob-guardian.dbValues" . | fromYaml -}}
{{- if not $db.host -}}
{{- fail (printf "config.storage.type=%s needs config.storage.%s.host" $s.type (ternary "postgres" "mysql" (eq $s.type "postgres"))) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Guardian's configuration (guardian.* keys of the reference service), as a map. */}}
{{- define "cronjob-guardian.config" -}}
{{- $s := .Values.config.storage -}}
{{- $g := deepCopy (default dict .Values.config.extra) -}}
{{- $storage := dict "type" $s.type -}}
{{- if eq $s.type "sqlite" -}}
{{- $_ := set $storage "sqlite" (dict "path" $s.sqlite.path) -}}
{{- else -}}
{{- $db := include "cronjob-guardian.dbValues" . | fromYaml -}}
{{- $clean := dict -}}
{{- range $k, $v := omit $db "existingSecret" "passwordKey" -}}
{{- if and (not (kindIs "invalid" $v)) (ne (toString $v) "") -}}
{{- $_ := set $clean $k $v -}}
{{- end -}}
{{- end -}}
{{- $_ := set $storage $s.type $clean -}}
{{- end -}}
{{- $_ := set $g "storage" (merge $storage (default dict $g.storage)) -}}
{{- $le := dict "enabled" .Values.leaderElection.enabled -}}
{{- if .Values.leaderElection.enabled -}}
{{- range $k := list "leaseDuration" "renewDeadline" "retryPeriod" "leaseName" -}}
{{- $v := get $.Values.leaderElection $k -}}
{{- if $v -}}{{- $_ := set $le $k $v -}}{{- end -}}
{{- end -}}
{{- end -}}
{{- $_ := set $g "leaderElection" $le -}}
{{- $w := dict -}}
{{- with .Values.config.watcher.namespaces -}}{{- $_ := set $w "namespaces" (join "," .) -}}{{- end -}}
{{- with .Values.config.watcher.ignoredNamespaces -}}{{- $_ := set $w "ignoredNamespaces" (join "," .) -}}{{- end -}}
{{- if $w -}}{{- $_ := set $g "watcher" (merge $w (default dict $g.watcher)) -}}{{- end -}}
{{- with .Values.config.channels -}}{{- $_ := set $g "channels" . -}}{{- end -}}
{{- $_ := set $g "http" (merge (dict "actions" (dict "enabled" .Values.actions.enabled)) (default dict $g.http)) -}}
{{- $_ := set $g "monitors" (dict "locations" "file:/etc/cronjob-guardian/monitors/*.yaml") -}}
{{- toYaml (dict "guardian" $g) -}}
{{- end -}}
