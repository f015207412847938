package io.peapod.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupFilesTest {
    @TempDir
    Path tmp;

    @Test
    void normalizeAcceptsRelativeAndRootedPaths() {
        assertEquals("peapod/abc", CgroupFiles.normalize("peapod/abc"));
        assertEquals("kubepods/burstable/pod1/abc", CgroupFiles.normalize("/kubepods/burstable/pod1/abc/"));
    }

    @Test
    void normalizeRefusesEscapes() {
        assertEquals("cgroup path 'a/../../etc' is invalid: component '..' is not allowed",
                assertThrows(IllegalArgumentException.class, () -> CgroupFiles.normalize("a/../../etc")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CgroupFiles.normalize(".."));
        assertThrows(IllegalArgumentException.class, () -> CgroupFiles.normalize("a//b"));
        assertThrows(IllegalArgumentException.class, () -> CgroupFiles.normalize("a/./b"));
        assertEquals("cgroup path '/' names the root cgroup",
                assertThrows(IllegalArgumentException.class, () -> CgroupFiles.normalize("/")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CgroupFiles.normalize(null));
    }

    @Test
    void writeToMissingFileNamesFileAndValue() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> CgroupFiles.write(tmp.resolve("memory.max"), "100"));
        assertEquals("cannot write '100' to " + tmp.resolve("memory.max") + ": the file does not exist",
                e.getMessage());
    }

    @Test
    void readLimitMapsKernelSpellingsOfUnlimited() throws Exception {
        Files.writeString(tmp.resolve("a"), "max\n");
        Files.writeString(tmp.resolve("b"), "9223372036854771712\n");
        Files.writeString(tmp.resolve("c"), "1048576\n");
        assertEquals(-1, CgroupFiles.readLimit(tmp.resolve("a")));
        assertEquals(-1, CgroupFiles.readLimit(tmp.resolve("b")));
        assertEquals(1048576, CgroupFiles.readLimit(tmp.resolve("c")));
    }

    @Test
    void pidsAreCollectedFromDescendants() throws Exception {
        new FakeCgroupFs(tmp).file("x/cgroup.procs", "10\n11\n").file("x/sub/cgroup.procs", "12\n")
                .file("x/sub/deeper/cgroup.procs", "");
        assertEquals(Set.of(10, 11, 12), CgroupFiles.pidsRecursive(tmp.resolve("x")));
        assertEquals(Set.of(), CgroupFiles.pidsRecursive(tmp.resolve("missing")));
    }

    @Test
    void createDirectoriesReportsOnlyWhatItCreatedAndUndoRemovesIt() throws Exception {
        Files.createDirectories(tmp.resolve("a"));
        List<Path> created = CgroupFiles.createDirectories(tmp, "a/b/c");
        assertEquals(List.of(tmp.resolve("a/b"), tmp.resolve("a/b/c")), created);
        CgroupFiles.undoCreate(created);
        assertFalse(Files.exists(tmp.resolve("a/b")));
        assertTrue(Files.isDirectory(tmp.resolve("a")));
    }

    @Test
    void removeTreeIsIdempotentAndChildrenFirst() throws Exception {
        Files.createDirectories(tmp.resolve("x/y/z"));
        Files.createDirectories(tmp.resolve("x/w"));
        CgroupFiles.removeTree(tmp.resolve("x"), 100);
        assertFalse(Files.exists(tmp.resolve("x")));
        CgroupFiles.removeTree(tmp.resolve("x"), 100);
    }
}
