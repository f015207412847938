package io.peapod.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.runtime.errors.AlreadyExistsException;
import io.peapod.runtime.errors.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStateStoreTest {
    @TempDir
    Path root;

    @Test
    void roundTripsARecord() {
        FileStateStore store = new FileStateStore(root, false);
        store.reserve("c1");
        ContainerRecord r = new ContainerRecord("c1", "/b", "/b/rootfs", ContainerStatus.CREATED, 42, 7, 41,
                "peapod/c1", "2026-01-01T00:00:00Z", null, null, null, null, "root", Map.of("a", "b"));
        store.save(r);
        assertEquals(r, store.load("c1").orElseThrow());
        ContainerRecord stopped = r.withExit(137, true, "2026-01-01T00:00:01Z");
        store.save(stopped);
        assertEquals(ContainerStatus.STOPPED, store.load("c1").orElseThrow().status());
        assertEquals(137, store.load("c1").orElseThrow().exitCode());
        assertEquals(List.of("c1"), store.ids());
    }

    @Test
    void refusesADuplicateAndBadIds() {
        FileStateStore store = new FileStateStore(root, false);
        store.reserve("c1");
        assertThrows(AlreadyExistsException.class, () -> store.reserve("c1"));
        assertThrows(InvalidArgumentException.class, () -> store.reserve("../escape"));
        assertThrows(InvalidArgumentException.class, () -> store.reserve("a/b"));
        assertFalse(Files.exists(root.resolve("../escape")));
    }

    @Test
    void removeIsIdempotentAndThorough() throws Exception {
        FileStateStore store = new FileStateStore(root, true);
        Path dir = store.reserve("c2");
        Files.writeString(dir.resolve("exit"), "status 0\n");
        store.remove("c2");
        store.remove("c2");
        assertFalse(Files.exists(dir));
        assertTrue(store.load("c2").isEmpty());
    }
}
