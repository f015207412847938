package io.peapod.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ManifestReaderTest {
    private static final String GOOD = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: conf}
            data: {greeting: hello}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            stringData: {password: s3cret}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              labels: {app: web}
            spec:
              restartPolicy: Always
              volumes:
              - name: shared
                emptyDir: {medium: Memory, sizeLimit: 16Mi}
              - name: conf
                configMap: {name: conf, defaultMode: 0440}
              initContainers:
              - name: init
                image: busybox
                command: [sh, -c, 'echo hi']
              containers:
              - name: app
                image: busybox
                env:
                - name: POD
                  valueFrom: {fieldRef: {fieldPath: metadata.name}}
                - name: PASS
                  valueFrom: {secretKeyRef: {name: creds, key: password}}
                resources: {limits: {memory: 64Mi, cpu: 500m}}
                readinessProbe:
                  exec: {command: [true]}
                  periodSeconds: 1
                volumeMounts:
                - {name: shared, mountPath: /data}
            """;

    @Test
    void readsAPodWithItsConfigMapsAndSecrets() {
        Manifest m = ManifestReader.parse(GOOD, "pod.yaml");
        assertEquals("web", m.name());
        assertEquals("default", m.namespace());
        assertEquals("hello", m.configMaps().get("conf").data.get("greeting"));
        assertEquals("s3cret", m.secrets().get("creds").stringData.get("password"));
        assertEquals(0440, m.pod().spec.volumes.get(1).configMap.defaultMode);
        assertEquals("64Mi", m.pod().spec.containers.get(0).resources.limits.get("memory"));
    }

    private static ManifestException bad(String yaml) {
        return assertThrows(ManifestException.class, () -> ManifestReader.parse(yaml, "bad.yaml"));
    }

    @Test
    void yamlSyntaxErrorsNameLineAndColumn() {
        ManifestException e = bad("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n  labels: {a: b}\n");
        assertTrue(e.getMessage().startsWith("bad.yaml: YAML syntax error at line "), e.getMessage());
        assertTrue(e.getMessage().contains("column"), e.getMessage());
    }

    @Test
    void unknownFieldsAreReportedByPath() {
        ManifestException e = bad("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - {name: a, image: busybox}
                  - name: b
                    image: busybox
                    volumeDevices: [{name: x, devicePath: /dev/x}]
                """);
        assertEquals(1, e.problems().size(), e.getMessage());
        assertEquals("Pod field spec.containers[1].volumeDevices is not supported by peapod", e.problems().get(0));
    }

    @Test
    void semanticErrorsAreAllListed() {
        ManifestException e = bad("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  restartPolicy: Sometimes
                  containers:
                  - name: a
                  - name: a
                    image: busybox
                    livenessProbe: {periodSeconds: 0}
                    volumeMounts: [{name: nope, mountPath: data}]
                    env: [{name: X, valueFrom: {configMapKeyRef: {name: missing, key: k}}}]
                """);
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("spec.restartPolicy: \"Sometimes\" is not one of Always, OnFailure, Never"), all);
        assertTrue(all.contains("spec.containers[0].image: is required"), all);
        assertTrue(all.contains("spec.containers[1].name: duplicate container name \"a\""), all);
        assertTrue(all.contains("spec.containers[1].livenessProbe: needs one handler"), all);
        assertTrue(all.contains("spec.containers[1].livenessProbe.periodSeconds: must be at least 1, not 0"), all);
        assertTrue(all.contains("spec.containers[1].volumeMounts[0].name: no volume named \"nope\""), all);
        assertTrue(all.contains("spec.containers[1].volumeMounts[0].mountPath: must be an absolute path"), all);
        assertTrue(all.contains("spec.containers[1].env[0].valueFrom.configMapKeyRef: ConfigMap missing is not in"),
                all);
    }

    @Test
    void otherKindsAndVersionsAreRefused() {
        assertTrue(bad("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n").getMessage()
                .contains("apiVersion must be v1, not \"apps/v1\""));
        assertTrue(bad("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n").getMessage()
                .contains("kind \"Service\" is not supported"));
        assertTrue(bad("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n").getMessage()
                .contains("no Pod document"));
    }

    @Test
    void quantities() {
        assertEquals(64L << 20, Quantities.bytes("64Mi"));
        assertEquals(1_000_000_000L, Quantities.bytes("1G"));
        assertEquals(500, Quantities.milliCpus("500m"));
        assertEquals(1500, Quantities.milliCpus("1.5"));
        assertThrows(IllegalArgumentException.class, () -> Quantities.bytes("12 apples"));
    }
}
