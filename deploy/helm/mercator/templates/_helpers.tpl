{{/* The release's resource name prefix, at most 63 characters. */}}
{{- define "mercator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "mercator.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component (api, worker): pass (dict "root" $ "component" "api"). */}}
{{- define "mercator.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "mercator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "mercator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The image reference: by digest when one is given; never a "latest" tag. */}}
{{- define "mercator.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag | toString -}}
{{- if eq $tag "latest" -}}
{{- fail "image.tag must name a version, not \"latest\"" -}}
{{- end -}}
{{- if .Values.image.digest -}}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "mercator.passwordSecret" -}}
{{- if .Values.neo4j.existingSecret -}}
{{- .Values.neo4j.existingSecret -}}
{{- else if .Values.neo4j.password -}}
{{- printf "%s-neo4j" (include "mercator.fullname" .) -}}
{{- else -}}
{{- fail "set neo4j.existingSecret (a Secret holding the Neo4j password) or neo4j.password" -}}
{{- end -}}
{{- end -}}

{{/* What both containers share: settings, the password file, writable /tmp. */}}
{{- define "mercator.containerCommon" -}}
image: {{ include "mercator.image" . }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
securityContext:
  {{- toYaml .Values.securityContext | nindent 2 }}
envFrom:
  - configMapRef:
      name: {{ include "mercator.fullname" . }}
{{- with .Values.secretEnv }}
env:
  {{- range $name, $ref := . }}
  - name: {{ $name }}
    valueFrom:
      secretKeyRef:
        name: {{ $ref.secret }}
        key: {{ $ref.key }}
  {{- end }}
{{- end }}
volumeMounts:
  - name: neo4j-password
    mountPath: /var/run/secrets/mercator
    readOnly: true
  - name: tmp
    mountPath: /tmp
{{- end -}}

{{- define "mercator.podCommon" -}}
serviceAccountName: {{ include "mercator.serviceAccountName" . }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  - name: neo4j-password
    secret:
      secretName: {{ include "mercator.passwordSecret" . }}
      items:
        - key: {{ if .Values.neo4j.existingSecret }}{{ .Values.neo4j.existingSecretKey }}{{ else }}password{{ end }}
          path: neo4j-password
  - name: tmp
    emptyDir: {}
{{- end -}}
