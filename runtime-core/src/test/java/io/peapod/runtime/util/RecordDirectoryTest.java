package io.peapod.runtime.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordDirectoryTest {
    record Thing(String name, int size) {
    }

    @TempDir
    Path tmp;

    @Test
    void anUnchangedRecordIsNotParsedAgainButAnyChangeIsSeen() throws Exception {
        RecordDirectory<Thing> dir = new RecordDirectory<>(tmp, "thing.json", Thing.class, "thing", false);
        dir.reserve("a");
        dir.save("a", new Thing("one", 1));
        Thing first = dir.load("a").orElseThrow();
        assertSame(first, dir.load("a").orElseThrow(), "the same file is not parsed twice");

        dir.save("a", new Thing("two", 2));
        assertEquals(new Thing("two", 2), dir.load("a").orElseThrow(), "our own write");

        // another process replaces the file (a new inode, as every writer here renames into place)
        Path other = tmp.resolve("other.json");
        Files.writeString(other, "{\"name\":\"three\",\"size\":3}");
        Files.move(other, dir.directoryOf("a").resolve("thing.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(new Thing("three", 3), dir.load("a").orElseThrow(), "another writer's change");

        dir.remove("a");
        assertTrue(dir.load("a").isEmpty());
    }
}
