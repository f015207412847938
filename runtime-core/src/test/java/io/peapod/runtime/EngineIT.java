package io.peapod.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peapod.image.registry.RegistryConfig;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerStatus;
import io.peapod.runtime.container.CreateOptions;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.network.CniOptions;
import io.peapod.runtime.network.NamespaceType;
import io.peapod.runtime.spec.DefaultSpec;
import io.peapod.runtime.spec.Spec;
import io.peapod.runtime.testing.BusyboxBundle;
import io.peapod.runtime.testing.BusyboxImage;
import io.peapod.runtime.testing.ShortTempDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine as one piece: containers from images, the root's lock, recovery after a crash. Needs root. */
class EngineIT {
    @TempDir(factory = ShortTempDir.class)
    Path tmp;

    private EngineConfig config;
    private Engine engine;

    @BeforeAll
    static void requireRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(BusyboxBundle.available(), "needs /bin/busybox (Debian's busybox-static)");
    }

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(tmp.resolve("cni"));
        config = new EngineConfig(tmp.resolve("r"), tmp.resolve("s"), new CniOptions(tmp.resolve("cni"),
                CniOptions.DEFAULT_BIN_DIRS, tmp.resolve("r/cni"), Duration.ofSeconds(30)), new RegistryConfig(),
                "peapod-test-" + UUID.randomUUID().toString().substring(0, 8));
        engine = Engine.open(config);
    }

    @AfterEach
    void tearDown() {
        for (ContainerRecord c : engine.containers().list()) {
            engine.removeContainer(c.id(), true);
        }
        for (var p : engine.pods().list()) {
            engine.pods().remove(p.id());
        }
        engine.pods().context().pinner().releaseRunDirs();
        engine.close();
        CgroupManagers.forPath(config.cgroupParent()).destroy();
    }

    @Test
    void runsAContainerFromAnImageAndRemovesItsLayer() throws Exception {
        BusyboxImage.importInto(engine.images(), "localhost/busybox:engine", tmp);
        Spec spec = DefaultSpec.create(false);
        spec.process.terminal = false;
        spec.root.readonly = false;
        spec.process.args = List.of("sh", "-c", "echo from-image > /written; cat /written; ls /bin/busybox");
        Path out = tmp.resolve("out");
        Files.createFile(out);
        String id = "from-image";
        engine.createFromImage(id, "localhost/busybox:engine", spec, null,
                new CreateOptions(Map.of(0, "/dev/null", 1, out.toString(), 2, out.toString()), null, null, null,
                        false, false));
        engine.containers().start(id);
        ContainerRecord done = engine.containers().waitFor(id, Duration.ofSeconds(20)).orElseThrow();
        assertEquals(0, done.exitCode(), Files.readString(out));
        assertEquals("from-image\n/bin/busybox\n", Files.readString(out));
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(engine.bundleOf(id).toString()),
                "the overlay is mounted in the container's namespace only");
        assertEquals(List.of(id), engine.images().snapshotter().activeKeys());
        engine.removeContainer(id, false);
        assertTrue(engine.images().snapshotter().activeKeys().isEmpty());
        assertFalse(Files.exists(engine.bundleOf(id)));
    }

    @Test
    void aSecondEngineOnTheSameRootIsRefused() {
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> Engine.open(config));
        assertTrue(e.getMessage().contains(config.root().toString()), e.getMessage());
    }

    @Test
    void reconcileRepairsWhatACrashLeft() throws Exception {
        Path strayPin = engine.pods().context().pinner().pin(NamespaceType.NET, "stray-pod");
        engine.containers().context().store().reserve("half-made");
        engine.containers().context().store().save(new ContainerRecord("half-made", "/nowhere", "/nowhere/rootfs",
                ContainerStatus.CREATING, 0, 0, 0, null, "2026-01-01T00:00:00Z", null, null, null, null, "root",
                Map.of()));
        List<String> repairs = engine.reconcile();
        assertEquals(2, repairs.size(), repairs.toString());
        assertFalse(Files.exists(strayPin));
        assertTrue(engine.containers().list().isEmpty());
        assertTrue(engine.reconcile().isEmpty(), "a second pass finds nothing");
    }
}
