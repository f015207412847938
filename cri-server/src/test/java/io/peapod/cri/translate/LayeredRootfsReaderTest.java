package io.peapod.cri.translate;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Overlay lookup across layer directories; whiteouts (device nodes, root only) are in LayeredRootfsReaderIT. */
class LayeredRootfsReaderTest {

    @TempDir
    Path tmp;
    Path upper;
    Path middle;
    Path lower;

    @BeforeEach
    void layers() throws IOException {
        upper = Files.createDirectories(tmp.resolve("upper"));
        middle = Files.createDirectories(tmp.resolve("middle"));
        lower = Files.createDirectories(tmp.resolve("lower"));
    }

    private static void write(Path layer, String path, String content) throws IOException {
        Path p = layer.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private LayeredRootfsReader reader() {
        return new LayeredRootfsReader(List.of(upper, middle, lower));
    }

    @Test
    void topmostLayerWins() throws IOException {
        write(lower, "/etc/passwd", "lower");
        write(middle, "/etc/passwd", "middle");
        write(lower, "/etc/group", "lower group");
        assertEquals(Optional.of("middle"), reader().read("/etc/passwd"));
        assertEquals(Optional.of("lower group"), reader().read("/etc/group"));
        assertEquals(Optional.empty(), reader().read("/etc/shadow"));
        assertEquals(Optional.empty(), reader().read("/etc"));
        assertEquals(Optional.empty(), reader().read("/nothing/here"));
    }

    @Test
    void upperFileHidesLowerDirectory() throws IOException {
        write(lower, "/etc/passwd", "lower");
        write(upper, "/etc", "a file named etc");
        assertEquals(Optional.empty(), reader().read("/etc/passwd"));
    }

    @Test
    void upperDirectoryHidesLowerFile() throws IOException {
        write(lower, "/etc", "file");
        write(upper, "/etc/passwd", "upper");
        assertEquals(Optional.of("upper"), reader().read("/etc/passwd"));
    }

    @Test
    void userXattrOpaqueDirectoryHidesLowerContent() throws IOException {
        write(lower, "/etc/passwd", "lower");
        write(lower, "/etc/group", "lower group");
        write(middle, "/etc/group", "middle group");
        Path etc = middle.resolve("etc");
        UserDefinedFileAttributeView view = Files.getFileAttributeView(etc, UserDefinedFileAttributeView.class);
        try {
            view.write("overlay.opaque", ByteBuffer.wrap("y".getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | UnsupportedOperationException e) {
            assumeTrue(false, "file system of " + tmp + " has no user xattrs: " + e);
        }
        assertEquals(Optional.empty(), reader().read("/etc/passwd"));
        assertEquals(Optional.of("middle group"), reader().read("/etc/group"));
    }

    @Test
    void injectedOpaqueTest() throws IOException {
        write(lower, "/etc/passwd", "lower");
        Files.createDirectories(upper.resolve("etc"));
        Set<Path> opaque = Set.of(upper.resolve("etc"));
        LayeredRootfsReader r = new LayeredRootfsReader(List.of(upper, middle, lower), opaque::contains);
        assertEquals(Optional.empty(), r.read("/etc/passwd"));
        assertEquals(Optional.of("lower"), new LayeredRootfsReader(List.of(upper, middle, lower), d -> false)
                .read("/etc/passwd"));
    }

    @Test
    void symlinksAreFollowedInsideTheMergedView() throws IOException {
        write(lower, "/usr/share/base-passwd/passwd", "real");
        Files.createDirectories(middle.resolve("etc"));
        Files.createSymbolicLink(middle.resolve("etc/passwd"), Path.of("/usr/share/base-passwd/passwd"));
        Files.createSymbolicLink(middle.resolve("etc/group"), Path.of("../usr/share/base-passwd/passwd"));
        assertEquals(Optional.of("real"), reader().read("/etc/passwd"));
        assertEquals(Optional.of("real"), reader().read("/etc/group"));
        // A directory symlink in an upper layer, the target's content in a lower one.
        Files.createSymbolicLink(upper.resolve("cfg"), Path.of("usr/share"));
        assertEquals(Optional.of("real"), reader().read("/cfg/base-passwd/passwd"));
    }

    @Test
    void symlinksCannotLeaveTheRoot() throws IOException {
        Path outside = Files.writeString(tmp.resolve("secret"), "host secret");
        Files.createDirectories(upper.resolve("etc"));
        Files.createSymbolicLink(upper.resolve("etc/passwd"), Path.of("../../../../.." + outside));
        Files.createSymbolicLink(upper.resolve("etc/group"), outside);
        assertEquals(Optional.empty(), reader().read("/etc/passwd"));
        assertEquals(Optional.empty(), reader().read("/etc/group"));
        assertEquals(Optional.empty(), reader().read("/../../../.." + outside));
    }

    @Test
    void symlinkLoopsAreRefused() throws IOException {
        Files.createSymbolicLink(upper.resolve("a"), Path.of("/b"));
        Files.createSymbolicLink(upper.resolve("b"), Path.of("/a"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> reader().read("/a"));
        assertEquals("rootfs path /a: too many levels of symbolic links", e.getMessage());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(InvalidArgumentException.class, () -> reader().read("etc/passwd"));
        assertThrows(InvalidArgumentException.class, () -> new LayeredRootfsReader(List.of()));
    }

    @Test
    void readsThroughTheBuilder() throws IOException {
        write(lower, "/etc/passwd", "svc:x:321:654::/:/bin/sh\n");
        ImageUserCheck.check(reader());
    }

    /** The builder resolving a named image user through a layered reader. */
    static final class ImageUserCheck {
        static void check(RootfsReader files) {
            Translation t = Fixtures.build(Fixtures.container().build(), Fixtures.sandbox(), new Fixtures.Pod(),
                    Fixtures.image(null, List.of("sh"), null, "svc", null), files);
            assertEquals(321L, t.spec().process.user.uid);
            assertEquals(654L, t.spec().process.user.gid);
        }
    }
}
