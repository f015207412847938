package io.peapod.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.kube.testing.KubeTestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A static pod directory: added, changed, broken and removed manifests. Needs root. */
class StaticPodsIT {
    @BeforeAll
    static void requireRoot() {
        KubeTestEnv.assumeUsable();
    }

    private static String manifest(String name, String message) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: %s
                    imagePullPolicy: Never
                    command: [sh, -c, 'echo %s; sleep 1000']
                """.formatted(name, KubeTestEnv.IMAGE, message);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void manifestsAreRunReplacedAndStopped() throws Exception {
        try (KubeTestEnv env = new KubeTestEnv()) {
            Path dir = Files.createDirectories(env.dir.resolve("manifests"));
            Path a = dir.resolve("a.yaml");
            Files.writeString(a, manifest("alpha", "one"));
            Files.writeString(dir.resolve("broken.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: [\n");
            Files.writeString(dir.resolve("notes.txt"), "not a manifest");
            StaticPods pods = new StaticPods(env.engine(), dir, new PodRunner.Options(Duration.ofMillis(200),
                    Duration.ofSeconds(1), Duration.ofMillis(50)), Duration.ofMillis(200));
            try {
                pods.start();
                assertEquals(1, pods.pods().size());
                RunningPod first = pods.pods().get(a);
                assertTrue(first.awaitReady(Duration.ofSeconds(20)).ready());
                assertNotNull(pods.errorOf(dir.resolve("broken.yaml")));
                assertTrue(pods.errorOf(dir.resolve("broken.yaml")).contains("YAML syntax error at line"));

                Files.writeString(a, manifest("alpha", "two"));
                await(() -> pods.pods().get(a) != null && pods.pods().get(a) != first, "the pod to be replaced");
                RunningPod second = pods.pods().get(a);
                assertNotEquals(first.sandboxId(), second.sandboxId());
                assertTrue(second.awaitReady(Duration.ofSeconds(20)).ready());
                assertEquals(1, env.engine().pods().list().size(), "the old sandbox is gone");

                Path b = dir.resolve("b.yml");
                Files.writeString(b, manifest("beta", "three"));
                await(() -> pods.pods().containsKey(b), "the second pod");

                Files.delete(a);
                await(() -> !pods.pods().containsKey(a), "the first pod to stop");
                assertEquals(1, env.engine().pods().list().size());
                assertEquals("beta", env.engine().pods().list().get(0).config().name());
            } finally {
                pods.stop();
            }
            assertTrue(env.engine().pods().list().isEmpty(), "stop() leaves no pod");
            assertTrue(env.engine().containers().list().isEmpty(), "stop() leaves no container");
        }
    }
}
