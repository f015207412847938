package io.peapod.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.kube.testing.KubeTestEnv;
import io.peapod.runtime.errors.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pod manifests run for real on the busybox image. Needs root. */
class PodRunnerIT {
    private KubeTestEnv env;
    private PodRunner runner;
    private Path obs;
    private final List<RunningPod> started = new java.util.ArrayList<>();

    @BeforeAll
    static void requireRoot() {
        KubeTestEnv.assumeUsable();
    }

    @BeforeEach
    void setUp() throws Exception {
        env = new KubeTestEnv();
        runner = new PodRunner(env.engine(), new PodRunner.Options(Duration.ofMillis(200), Duration.ofSeconds(1),
                Duration.ofMillis(50)));
        obs = env.dir.resolve("obs");
        Files.createDirectories(obs);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            for (RunningPod p : started) {
                if (!runner.list().stream().noneMatch(r -> r.id().equals(p.sandboxId()))) {
                    p.stop(Duration.ZERO);
                }
            }
        } finally {
            env.close();
        }
    }

    private String pod(String name, String restartPolicy, String body) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, labels: {app: demo, tier: test}}
                spec:
                  restartPolicy: %s
                  terminationGracePeriodSeconds: 2
                  volumes:
                  - name: obs
                    hostPath: {path: %s, type: Directory}
                  - name: shared
                    emptyDir: {}
                %s""".formatted(name, restartPolicy, obs, body.indent(2));
    }

    private String container(String name, String script, String extra) {
        return """
                - name: %s
                  image: %s
                  imagePullPolicy: Never
                  command: [sh, -c, '%s']
                  volumeMounts: [{name: obs, mountPath: /obs}, {name: shared, mountPath: /shared}]
                """.formatted(name, KubeTestEnv.IMAGE, script) + (extra.isEmpty() ? "" : extra.indent(2));
    }

    private RunningPod run(String yaml) {
        RunningPod p = runner.run(ManifestReader.parse(yaml, "test.yaml"));
        started.add(p);
        return p;
    }

    @Test
    void initContainersRunInOrderThenAppsInParallel() throws Exception {
        String stamp = "echo $0 $(cut -d\" \" -f1 /proc/uptime) >> /shared/log";
        RunningPod p = run(pod("order", "Always", "initContainers:\n"
                + container("first", stamp + "; sleep 0.3", "").replace("$0", "first")
                + container("second", stamp + "; sleep 0.3", "").replace("$0", "second")
                + "containers:\n"
                + container("a", stamp.replace("$0", "start-a") + "; sleep 1.5; "
                        + stamp.replace("$0", "end-a") + "; cp /shared/log /obs/log; sleep 1000", "")
                + container("b", stamp.replace("$0", "start-b") + "; sleep 1.5; "
                        + stamp.replace("$0", "end-b") + "; sleep 1000", "")));
        PodStatus s = p.awaitReady(Duration.ofSeconds(30));
        assertTrue(s.ready(), "pod not ready: " + s);
        assertEquals("Running", s.phase());
        for (int i = 0; i < 100 && !Files.exists(obs.resolve("log")); i++) {
            Thread.sleep(100);
        }
        List<String> lines = Files.readAllLines(obs.resolve("log"));
        List<String> order = lines.stream().map(l -> l.split(" ")[0]).toList();
        assertEquals(List.of("first", "second"), order.subList(0, 2), lines.toString());
        assertTrue(order.subList(2, 4).containsAll(List.of("start-a", "start-b")), "apps start together: " + lines);
        double first = time(lines.get(0));
        double second = time(lines.get(1));
        assertTrue(second - first >= 0.29, "second init starts after the first ended: " + lines);
        double startA = time(lines.get(order.indexOf("start-a")));
        double startB = time(lines.get(order.indexOf("start-b")));
        assertTrue(Math.abs(startA - startB) < 1.0, "app containers start in parallel: " + lines);
        assertTrue(startA - second >= 0.29, "apps start after the last init ended: " + lines);
        assertEquals("terminated", s.initContainerStatuses().get(0).state());
        assertEquals(0, s.initContainerStatuses().get(1).exitCode());
        p.stop();
        assertTrue(env.engine().pods().list().isEmpty(), "sandbox left");
        assertTrue(env.engine().containers().list().isEmpty(), "containers left");
    }

    private static double time(String line) {
        return Double.parseDouble(line.split(" ")[1]);
    }

    @Test
    void aFailingInitContainerBlocksTheApps() throws Exception {
        RunningPod p = run(pod("initfail", "Never", "initContainers:\n" + container("fails", "exit 3", "")
                + "containers:\n" + container("app", "touch /obs/app-ran; sleep 1000", "")));
        PodStatus s = p.awaitPhase("Failed", Duration.ofSeconds(20));
        assertEquals("Failed", s.phase(), s.toString());
        assertEquals("InitContainerFailed", s.reason());
        assertEquals(3, s.initContainerStatuses().get(0).exitCode());
        assertNull(s.containerStatuses().get(0).containerId(), "the app was never created");
        assertFalse(Files.exists(obs.resolve("app-ran")));
        p.stop();
    }

    @Test
    void aFailedInitContainerIsRetriedWithOnFailure() throws Exception {
        RunningPod p = run(pod("initretry", "OnFailure", "initContainers:\n"
                + container("flaky", "if [ -f /shared/tried ]; then exit 0; fi; touch /shared/tried; exit 1", "")
                + "containers:\n" + container("app", "sleep 1000", "")));
        PodStatus s = p.awaitReady(Duration.ofSeconds(20));
        assertTrue(s.ready(), s.toString());
        assertEquals(1, s.initContainerStatuses().get(0).restartCount());
        p.stop();
    }

    @Test
    void readinessFlipsTheReadyCondition() throws Exception {
        String readiness = """
                readinessProbe:
                  exec: {command: [cat, /tmp/ready]}
                  periodSeconds: 1
                """;
        RunningPod p = run(pod("ready", "Always", "containers:\n"
                + container("slow", "sleep 1.5; touch /tmp/ready; sleep 3; rm /tmp/ready; sleep 1000", readiness)));
        Thread.sleep(500);
        assertFalse(p.status().ready(), "ready before the readiness probe passed: " + p.status());
        assertEquals("Running", p.status().phase());
        PodStatus ready = p.awaitReady(Duration.ofSeconds(20));
        assertTrue(ready.ready(), ready.toString());
        assertTrue(ready.conditions().stream().allMatch(PodStatus.Condition::status), ready.toString());
        long t0 = System.nanoTime();
        while (p.status().ready() && System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos()) {
            Thread.sleep(100);
        }
        PodStatus unready = p.status();
        assertFalse(unready.ready(), "readiness never flipped back: " + unready);
        assertFalse(unready.containerStatuses().get(0).ready());
        assertEquals(0, unready.containerStatuses().get(0).restartCount(), "readiness must not restart");
    }

    @Test
    void grpcProbesCallTheHealthService() throws Exception {
        try (HealthServer health = new HealthServer()) {
            health.health.put("app", 1);
            // host network: the probe reaches this test's server on the host's 127.0.0.1
            String readiness = """
                    readinessProbe:
                      grpc: {port: %d, service: app}
                      periodSeconds: 1
                    """.formatted(health.port());
            RunningPod p = run(pod("grpc", "Always", "hostNetwork: true\ncontainers:\n"
                    + container("app", "sleep 1000", readiness)));
            PodStatus ready = p.awaitReady(Duration.ofSeconds(20));
            assertTrue(ready.ready(), "SERVING makes the pod Ready: " + ready);
            health.health.put("app", 2);
            long t0 = System.nanoTime();
            while (p.status().ready() && System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos()) {
                Thread.sleep(100);
            }
            assertFalse(p.status().ready(), "NOT_SERVING makes it unready: " + p.status());
        }
    }

    @Test
    void livenessFailureRestartsTheContainer() throws Exception {
        String liveness = """
                livenessProbe:
                  exec: {command: [cat, /tmp/healthy]}
                  initialDelaySeconds: 1
                  periodSeconds: 1
                  failureThreshold: 1
                """;
        RunningPod p = run(pod("alive", "Always", "containers:\n"
                + container("sick", "echo run >> /obs/runs; touch /tmp/healthy; sleep 2; rm /tmp/healthy; "
                        + "sleep 1000", liveness)));
        long t0 = System.nanoTime();
        while (p.status().containerStatuses().get(0).restartCount() < 2
                && System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos()) {
            Thread.sleep(100);
        }
        PodStatus.ContainerState sick = p.status().containerStatuses().get(0);
        assertTrue(sick.restartCount() >= 2, "liveness failure did not restart twice: " + sick);
        assertTrue(Files.readAllLines(obs.resolve("runs")).size() >= 2, "the container ran again");
    }

    @Test
    void hooksRunAndTheGracePeriodIsHonoured() throws Exception {
        String hooks = """
                lifecycle:
                  postStart:
                    exec: {command: [sh, -c, 'echo poststart >> /obs/hooks']}
                  preStop:
                    exec: {command: [sh, -c, 'echo prestop >> /obs/hooks']}
                """;
        RunningPod p = run(pod("hooks", "Always", "containers:\n"
                + container("polite", "trap \"echo term >> /obs/hooks; exit 0\" TERM; "
                        + "while true; do sleep 0.1; done", hooks)
                + container("stubborn", "trap \"\" TERM; while true; do sleep 0.1; done", "")));
        assertTrue(p.awaitReady(Duration.ofSeconds(20)).ready());
        Thread.sleep(300);
        String polite = p.status().containerStatuses().get(0).containerId();
        String stubborn = p.status().containerStatuses().get(1).containerId();
        long t0 = System.nanoTime();
        p.stop();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 1900, "grace period of 2 s not honoured: " + ms + " ms");
        assertTrue(ms < 10_000, "stop took " + ms + " ms");
        assertEquals(List.of("poststart", "prestop", "term"), Files.readAllLines(obs.resolve("hooks")));
        assertFalse(env.engine().containers().list().stream().anyMatch(c -> c.id().equals(polite)
                || c.id().equals(stubborn)), "containers left");
    }

    @Test
    void downwardApiConfigMapsSecretsAndEnv() throws Exception {
        String yaml = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: conf}
                data: {greeting: hello, other: world}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: creds}
                data: {password: czNjcmV0}
                ---
                """ + pod("info", "Never", """
                volumes:
                - name: podinfo
                  downwardAPI:
                    items:
                    - {path: name, fieldRef: {fieldPath: metadata.name}}
                    - {path: labels, fieldRef: {fieldPath: metadata.labels}}
                    - {path: mem, resourceFieldRef: {containerName: show, resource: limits.memory, divisor: 1Mi}}
                - name: conf
                  configMap:
                    name: conf
                    defaultMode: 0440
                    items: [{key: greeting, path: sub/greeting.txt}, {key: other, path: other, mode: 0600}]
                - name: creds
                  secret: {secretName: creds}
                containers:
                """.replace("volumes:\n", "").replaceFirst("^", "")
                .substring(0) + container("show",
                        "cat /etc/podinfo/name > /obs/name; cat /etc/podinfo/labels > /obs/labels; "
                        + "cat /etc/podinfo/mem > /obs/mem; stat -L -c \"%a %n\" /conf/sub/greeting.txt /conf/other "
                        + "> /obs/modes; cat /conf/sub/greeting.txt > /obs/greeting; cat /creds/password > /obs/pw; "
                        + "echo $POD_NAME $NS $GREETING $PW $MEM $EXPANDED > /obs/env",
                        """
                        env:
                        - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                        - {name: NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
                        - {name: GREETING, valueFrom: {configMapKeyRef: {name: conf, key: greeting}}}
                        - {name: PW, valueFrom: {secretKeyRef: {name: creds, key: password}}}
                        - {name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
                        - {name: EXPANDED, value: "$(GREETING)-x"}
                        resources: {limits: {memory: 64Mi}}
                        """).replace("volumeMounts: [{name: obs, mountPath: /obs}, {name: shared, mountPath: /shared}]",
                        "volumeMounts: [{name: obs, mountPath: /obs}, {name: podinfo, mountPath: /etc/podinfo}, "
                                + "{name: conf, mountPath: /conf}, {name: creds, mountPath: /creds}]"));
        RunningPod p = run(yaml);
        PodStatus s = p.awaitPhase("Succeeded", Duration.ofSeconds(20));
        assertEquals("Succeeded", s.phase(), s.toString());
        assertEquals("info", Files.readString(obs.resolve("name")));
        assertEquals("app=\"demo\"\ntier=\"test\"", Files.readString(obs.resolve("labels")));
        assertEquals("64", Files.readString(obs.resolve("mem")));
        assertEquals("440 /conf/sub/greeting.txt\n600 /conf/other\n", Files.readString(obs.resolve("modes")));
        assertEquals("hello", Files.readString(obs.resolve("greeting")));
        assertEquals("s3cret", Files.readString(obs.resolve("pw")));
        assertEquals("info default hello s3cret 64 hello-x\n", Files.readString(obs.resolve("env")));
        p.stop();
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(env.dir.resolve("root").toString()),
                "a volume mount is left");
    }

    @Test
    void networkProbesReachThePodAndPodFieldsApply() throws Exception {
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata: {name: netprobe}
                spec:
                  shareProcessNamespace: true
                  hostname: custom
                  terminationGracePeriodSeconds: 1
                  volumes:
                  - {name: obs, hostPath: {path: %s}}
                  - {name: mem, emptyDir: {medium: Memory, sizeLimit: 4Mi}}
                  containers:
                  - name: web
                    image: %s
                    imagePullPolicy: Never
                    command: [httpd, -f, -p, "127.0.0.1:8080", -h, /etc]
                    ports: [{name: http, containerPort: 8080}]
                    readinessProbe: {httpGet: {path: /passwd, port: http}, periodSeconds: 1}
                    livenessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
                  - name: look
                    image: %s
                    imagePullPolicy: Never
                    command: [sh, -c, 'hostname > /obs/hostname; df -k /mem | tail -1 > /obs/df; sleep 1; ps > /obs/ps; sleep 1000']
                    volumeMounts: [{name: obs, mountPath: /obs}, {name: mem, mountPath: /mem}]
                """.formatted(obs, KubeTestEnv.IMAGE, KubeTestEnv.IMAGE);
        RunningPod p = run(yaml);
        PodStatus s = p.awaitReady(Duration.ofSeconds(20));
        assertTrue(s.ready(), "httpGet readiness on the pod's own loopback: " + s);
        Thread.sleep(2500);
        assertEquals(0, p.status().containerStatuses().get(0).restartCount(), "tcpSocket liveness passes");
        assertEquals("custom\n", Files.readString(obs.resolve("hostname")));
        String[] df = Files.readString(obs.resolve("df")).trim().split("\\s+");
        assertEquals("4096", df[1], "Memory emptyDir is a tmpfs of sizeLimit: " + String.join(" ", df));
        String ps = Files.readString(obs.resolve("ps"));
        assertTrue(ps.contains("httpd") && ps.contains("pause"), "shared process namespace: " + ps);
    }

    @Test
    void activeDeadlineFailsThePod() throws Exception {
        RunningPod p = run(pod("deadline", "Always", "activeDeadlineSeconds: 1\ncontainers:\n"
                + container("forever", "sleep 1000", "")));
        PodStatus s = p.awaitPhase("Failed", Duration.ofSeconds(20));
        assertEquals("Failed", s.phase(), s.toString());
        assertEquals("DeadlineExceeded", s.reason());
        assertEquals("terminated", s.containerStatuses().get(0).state());
    }

    @Test
    void anImageUserGivenByNameIsResolvedInTheImage() throws Exception {
        env.importBusybox(KubeTestEnv.NOBODY_IMAGE, "nobody");
        Files.setPosixFilePermissions(obs, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        RunningPod p = run(pod("byname", "Never", "securityContext: {runAsNonRoot: true}\ncontainers:\n"
                + container("app", "id -u > /obs/ids; id -g >> /obs/ids", "")
                        .replace(KubeTestEnv.IMAGE, KubeTestEnv.NOBODY_IMAGE)));
        PodStatus s = p.awaitPhase("Succeeded", Duration.ofSeconds(20));
        assertEquals("Succeeded", s.phase(), s.toString());
        assertEquals("65534\n65534\n", Files.readString(obs.resolve("ids")),
                "User nobody from the image's /etc/passwd, and runAsNonRoot accepts it");
        p.stop();
    }

    @Test
    void aMissingImageStartsNothing() {
        String yaml = pod("noimage", "Always", "containers:\n" + container("x", "true", ""))
                .replace(KubeTestEnv.IMAGE, "peapod.local/nope:1");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> run(yaml));
        assertTrue(e.getMessage().contains("image peapod.local/nope:1 is not present"), e.getMessage());
        assertTrue(env.engine().pods().list().isEmpty());
        assertTrue(env.engine().containers().list().isEmpty());
    }
}
