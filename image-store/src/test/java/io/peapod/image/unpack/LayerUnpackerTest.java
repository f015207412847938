package io.peapod.image.unpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import io.peapod.image.DigestMismatchException;
import io.peapod.image.content.Digest;
import io.peapod.image.spec.MediaTypes.Compression;
import io.peapod.image.testing.TarWriter;
import io.peapod.sys.LinuxSyscalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerUnpackerTest {
    @TempDir
    Path tmp;
    Path target;
    Path outside;

    @BeforeEach
    void dirs() throws IOException {
        target = Files.createDirectory(tmp.resolve("snapshot"));
        outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "untouched");
    }

    LayerUnpacker.Result unpack(byte[] tar, Compression c) throws IOException {
        return new LayerUnpacker(LinuxSyscalls.get()).unpack(new ByteArrayInputStream(compress(tar, c)), c, target,
                null, List.of());
    }

    static byte[] compress(byte[] tar, Compression c) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        switch (c) {
            case GZIP -> {
                try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
                    g.write(tar);
                }
            }
            case ZSTD -> {
                try (ZstdOutputStream z = new ZstdOutputStream(bo)) {
                    z.write(tar);
                }
            }
            default -> bo.write(tar);
        }
        return bo.toByteArray();
    }

    static TarWriter sample() {
        String longName = "deep/" + "d".repeat(90) + "/" + "f".repeat(120) + ".txt";
        return new TarWriter()
                .dir("./", 0755)
                .dir("bin/", 0755)
                .file("bin/tool", 04755, "#!/bin/sh\n")
                .symlink("bin/sh", "tool")
                .symlink("bin/abs", "/etc/alternatives/x")
                .hardlink("bin/tool2", "bin/tool")
                .file(longName, 0600, "long")
                .dir("ro/", 0555)
                .file("ro/inside", 0444, "x")
                .mtime(1_000_000)
                .file("old", 0640, "old");
    }

    @Test
    void unpacksFilesLinksModesAndTimes() throws IOException {
        for (Compression c : Compression.values()) {
            target = Files.createDirectory(tmp.resolve("s-" + c));
            byte[] tar = sample().toBytes();
            LayerUnpacker.Result r = unpack(tar, c);
            assertEquals(Digest.sha256(tar), r.diffId(), "diff ID is the uncompressed digest (" + c + ")");
            assertEquals(tar.length, r.uncompressedSize());
            assertEquals("#!/bin/sh\n", Files.readString(target.resolve("bin/tool")));
            assertEquals(04755, mode(target.resolve("bin/tool")), "setuid kept");
            assertEquals("tool", Files.readSymbolicLink(target.resolve("bin/sh")).toString());
            assertEquals("/etc/alternatives/x", Files.readSymbolicLink(target.resolve("bin/abs")).toString());
            assertEquals(Files.getAttribute(target.resolve("bin/tool"), "unix:ino"),
                    Files.getAttribute(target.resolve("bin/tool2"), "unix:ino"), "hard link shares the inode");
            String longName = "deep/" + "d".repeat(90) + "/" + "f".repeat(120) + ".txt";
            assertEquals("long", Files.readString(target.resolve(longName)));
            assertEquals(0555, mode(target.resolve("ro")));
            assertEquals(1_000_000_000L, Files.getLastModifiedTime(target.resolve("old")).toMillis());
            assertEquals(1_600_000_000_000L, Files.getLastModifiedTime(target.resolve("bin")).toMillis(),
                    "directory mtime set after its children were written");
        }
    }

    @Test
    void diffIdMismatchIsAnError() {
        byte[] tar = sample().toBytes();
        Digest wrong = Digest.sha256("something else");
        DigestMismatchException e = assertThrows(DigestMismatchException.class,
                () -> new LayerUnpacker(LinuxSyscalls.get()).unpack(new ByteArrayInputStream(tar), Compression.NONE,
                        target, wrong, List.of()));
        assertTrue(e.getMessage().contains(wrong.toString()) && e.getMessage().contains(Digest.sha256(tar).toString()),
                e.getMessage());
    }

    @Test
    void laterEntryReplacesEarlierOne() throws IOException {
        unpack(new TarWriter().file("a", 0644, "one").file("a", 0644, "two")
                .dir("d/", 0755).file("d/x", 0644, "x").file("d", 0644, "now a file").toBytes(), Compression.NONE);
        assertEquals("two", Files.readString(target.resolve("a")));
        assertEquals("now a file", Files.readString(target.resolve("d")));
    }

    void refused(String entry, Consumer<TarWriter> build) {
        TarWriter w = new TarWriter();
        build.accept(w);
        UnsafeEntryException e = assertThrows(UnsafeEntryException.class, () -> unpack(w.toBytes(), Compression.NONE));
        assertEquals(entry, e.entry());
        assertTrue(e.getMessage().contains("\"" + entry + "\""), e.getMessage());
        assertOutsideUntouched();
    }

    @Test
    void refusesDotDot() {
        refused("../secret", w -> w.file("../secret", 0644, "pwned"));
        refused("a/../../secret", w -> w.dir("a/", 0755).file("a/../../secret", 0644, "pwned"));
    }

    @Test
    void refusesAbsolutePath() {
        refused(outside.resolve("secret").toString(), w -> w.file(outside.resolve("secret").toString(), 0644, "pwned"));
    }

    @Test
    void refusesWalkingThroughPlantedSymlink() {
        refused("link/secret", w -> w.symlink("link", outside.toString()).file("link/secret", 0644, "pwned"));
        refused("up/outside/secret", w -> w.symlink("up", "..").file("up/outside/secret", 0644, "pwned"));
        refused("sub/link/x/", w -> w.dir("sub/", 0755).symlink("sub/link", "../..").dir("sub/link/x", 0755));
    }

    @Test
    void refusesHardLinksPointingOut() {
        refused("h", w -> w.hardlink("h", "../outside/secret"));
        refused("h", w -> w.hardlink("h", outside.resolve("secret").toString()));
        refused("h", w -> w.hardlink("h", "missing"));
        refused("h", w -> w.symlink("l", outside.toString()).hardlink("h", "l/secret"));
    }

    @Test
    void refusesFileAsParent() {
        refused("f/x", w -> w.file("f", 0644, "").file("f/x", 0644, "x"));
    }

    @Test
    void fileOverPlantedSymlinkIsContained() throws IOException {
        Path secret = outside.resolve("secret");
        unpack(new TarWriter().symlink("f", secret.toString()).file("f", 0644, "replaced").toBytes(), Compression.NONE);
        assertFalse(Files.isSymbolicLink(target.resolve("f")));
        assertEquals("replaced", Files.readString(target.resolve("f")));
        assertOutsideUntouched();
    }

    @Test
    void hardLinkToPlantedSymlinkStaysALink() throws IOException {
        unpack(new TarWriter().symlink("l", outside.resolve("secret").toString()).hardlink("h", "l").toBytes(),
                Compression.NONE);
        assertTrue(Files.isSymbolicLink(target.resolve("h")));
        assertOutsideUntouched();
    }

    @Test
    void truncatedLayerIsAnError() {
        byte[] tar = new TarWriter().file("big", 0644, new byte[4096]).toBytes();
        byte[] cut = java.util.Arrays.copyOf(tar, 1024);
        assertThrows(IOException.class, () -> unpack(cut, Compression.NONE));
    }

    @Test
    void pathCleaning() {
        assertEquals("a/b", LayerUnpacker.clean("./a//b/", "x", "path"));
        assertEquals("", LayerUnpacker.clean("./", "x", "path"));
        assertEquals("a/..b", LayerUnpacker.clean("a/..b", "x", "path"));
        assertThrows(UnsafeEntryException.class, () -> LayerUnpacker.clean("a/..", "x", "path"));
    }

    void assertOutsideUntouched() {
        try {
            assertEquals("untouched", Files.readString(outside.resolve("secret"), StandardCharsets.UTF_8));
            try (var s = Files.list(outside)) {
                assertEquals(1, s.count());
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static int mode(Path p) throws IOException {
        return ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }


    @Test
    void gnuLongNamesAndLinks() throws IOException {
        String longName = "g/" + "n".repeat(150) + "/file";
        String longLink = "../" + "t".repeat(140);
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream out =
                new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bo)) {
            out.setLongFileMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_GNU);
            byte[] data = bytes("gnu");
            org.apache.commons.compress.archivers.tar.TarArchiveEntry f =
                    new org.apache.commons.compress.archivers.tar.TarArchiveEntry(longName);
            f.setSize(data.length);
            out.putArchiveEntry(f);
            out.write(data);
            out.closeArchiveEntry();
            org.apache.commons.compress.archivers.tar.TarArchiveEntry l =
                    new org.apache.commons.compress.archivers.tar.TarArchiveEntry("g/link",
                            org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK);
            l.setLinkName(longLink);
            out.putArchiveEntry(l);
            out.closeArchiveEntry();
        }
        unpack(bo.toByteArray(), Compression.NONE);
        assertEquals("gnu", Files.readString(target.resolve(longName)));
        assertEquals(longLink, Files.readSymbolicLink(target.resolve("g/link")).toString());
    }
}
