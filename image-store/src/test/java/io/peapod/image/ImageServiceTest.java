package io.peapod.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.image.content.Digest;
import io.peapod.image.content.LocalContentStore;
import io.peapod.image.registry.RegistryClient;
import io.peapod.image.registry.RegistryConfig;
import io.peapod.image.snapshot.OverlaySnapshotter;
import io.peapod.image.spec.Descriptor;
import io.peapod.image.spec.MediaTypes.Compression;
import io.peapod.image.spec.Platform;
import io.peapod.image.store.ImageStore;
import io.peapod.image.testing.TarWriter;
import io.peapod.image.testing.TestImages;
import io.peapod.sys.LinuxSyscalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageServiceTest {
    @TempDir
    Path root;

    final Set<String> inUse = new HashSet<>();

    ImageService service(Path dir) {
        return new ImageService(new LocalContentStore(dir.resolve("content")),
                new OverlaySnapshotter(dir.resolve("snapshots")), new ImageStore(dir.resolve("images")),
                new RegistryClient(new RegistryConfig()), LinuxSyscalls.get(), Platform.LINUX_AMD64,
                inUse::contains, dir.resolve("tmp"));
    }

    static List<TestImages.Layer> plainLayers(String tag) {
        return List.of(new TestImages.Layer(new TarWriter().dir("etc/", 0755).file("etc/id", 0644, tag).toBytes(),
                Compression.GZIP), new TestImages.Layer(new TarWriter().file("two", 0644, "2").toBytes(), Compression.ZSTD));
    }

    ImageService withImage(String name, List<TestImages.Layer> layers) {
        ImageService s = service(root);
        TestImages.Built b = TestImages.build(s.content(), layers, Platform.LINUX_AMD64);
        new ImageStore(root.resolve("images")).put(name, b.target());
        return s;
    }

    @Test
    void inspectByNameIdDigestAndPrefix() {
        ImageService s = withImage("docker.io/library/app:1", plainLayers("a"));
        Image byName = s.inspect("app:1");
        assertEquals(List.of("docker.io/library/app:1"), byName.repoTags());
        assertEquals(byName, s.inspect(byName.id().toString()));
        assertEquals(byName, s.inspect(byName.id().hex().substring(0, 12)));
        assertEquals(byName, s.inspect(byName.manifestDigest().toString()));
        assertEquals(byName, s.inspect("app@" + byName.manifestDigest()));
        assertEquals(List.of("docker.io/library/app@" + byName.manifestDigest()), byName.repoDigests());
        assertEquals(2, byName.diffIds().size());
        assertEquals(List.of("/bin/sh"), byName.config().config().cmd());
        assertTrue(byName.size() > 0);
        NotFoundException e = assertThrows(NotFoundException.class, () -> s.inspect("nothere"));
        assertTrue(e.getMessage().contains("nothere"), e.getMessage());
    }

    @Test
    void tagListAndRemove() {
        ImageService s = withImage("docker.io/library/app:1", plainLayers("a"));
        Image i = s.tag("app:1", "localhost:5000/other:2");
        assertEquals(List.of("docker.io/library/app:1", "localhost:5000/other:2"), i.repoTags());
        assertEquals(1, s.list().size());
        assertEquals(List.of("docker.io/library/app:1"), s.remove("app:1", false));
        assertTrue(s.content().contains(i.id()), "image still named: content stays");
        assertEquals(List.of("localhost:5000/other:2"), s.list().get(0).repoTags());
        assertThrows(NotFoundException.class, () -> s.inspect("app:1"));
    }

    @Test
    void inUseImageIsRemovedOnlyWithForceAndItsContainerKeepsItsLayers() {
        ImageService s = withImage("docker.io/library/app:1", plainLayers("a"));
        Image i = s.inspect("app:1");
        s.rootfsMounts("app:1", "ctr1");
        inUse.add(i.id().toString());
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
                () -> s.remove(i.id().toString(), false));
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
        assertEquals(List.of("docker.io/library/app:1"), s.remove(i.id().toString(), true));
        assertTrue(s.list().isEmpty());
        assertFalse(s.content().contains(i.id()), "blobs collected");
        assertTrue(s.snapshotter().stat(i.chainId()).isPresent(), "the container's layers stay");
        assertTrue(s.removeContainerSnapshot("ctr1"));
        s.gc();
        assertTrue(s.snapshotter().list().isEmpty());
        assertTrue(s.content().list().isEmpty());
    }

    @Test
    void gcKeepsSharedContent() {
        ImageService s = withImage("docker.io/library/app:1", plainLayers("a"));
        TestImages.Built other = TestImages.build(s.content(), plainLayers("b"), Platform.LINUX_AMD64);
        new ImageStore(root.resolve("images")).put("docker.io/library/app:2", other.target());
        Image one = s.inspect("app:1");
        s.unpack(one, ProgressListener.NONE);
        int blobs = s.content().list().size();
        assertEquals(0, s.gc());
        assertEquals(blobs, s.content().list().size());
        s.remove("app:1", false);
        Image two = s.inspect("app:2");
        assertTrue(s.content().contains(two.manifest().layers().get(1).parsedDigest()), "shared layer kept");
        assertFalse(s.content().contains(one.manifest().layers().get(0).parsedDigest()));
        assertTrue(s.diskUsage().bytes() > 0);
    }

    @Test
    void multiPlatformIndexResolvesForTheServicePlatform() {
        ImageService s = service(root);
        Descriptor idx = TestImages.buildIndex(s.content(), plainLayers("m"),
                List.of(Platform.parse("linux/arm64/v8"), Platform.LINUX_AMD64));
        new ImageStore(root.resolve("images")).put("docker.io/library/multi:1", idx);
        Image i = s.inspect("multi:1");
        assertEquals("amd64", i.platform().architecture());
        assertEquals(List.of("docker.io/library/multi@" + idx.digest()), i.repoDigests());
    }

    @Test
    void exportImportExportIsByteIdentical() throws IOException {
        ImageService a = withImage("docker.io/library/app:1", plainLayers("a"));
        Descriptor idx = TestImages.buildIndex(a.content(), plainLayers("m"),
                List.of(Platform.parse("linux/arm64"), Platform.LINUX_AMD64));
        new ImageStore(root.resolve("images")).put("localhost:5000/multi:2", idx);
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        a.exportArchive(List.of("app:1", "localhost:5000/multi:2"), first);

        ImageService b = service(root.resolve("b"));
        List<Image> imported = b.importArchive(new ByteArrayInputStream(first.toByteArray()), null, ProgressListener.NONE);
        assertEquals(2, imported.size());
        assertEquals(a.inspect("app:1").id(), b.inspect("app:1").id());
        assertEquals(a.inspect("localhost:5000/multi:2").manifestDigest(), b.inspect("localhost:5000/multi:2").manifestDigest());
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        b.exportArchive(List.of("app:1", "localhost:5000/multi:2"), second);
        Map<String, byte[]> x = entries(first.toByteArray());
        Map<String, byte[]> y = entries(second.toByteArray());
        assertEquals(x.keySet(), y.keySet());
        for (String k : x.keySet()) {
            assertArrayEquals(x.get(k), y.get(k), k);
        }
        assertArrayEquals(first.toByteArray(), second.toByteArray());
        assertTrue(x.containsKey("manifest.json") && x.containsKey("oci-layout"));
    }

    @Test
    void importsDockerSaveArchives() throws IOException {
        byte[] layer = new TarWriter().file("hello", 0644, "hi").toBytes();
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/hello\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digest.sha256(layer) + "\"]}}").getBytes();
        String cfgName = Digest.sha256(config).hex() + ".json";
        byte[] manifest = ("[{\"Config\":\"" + cfgName + "\",\"RepoTags\":[\"hello:v1\"],\"Layers\":[\"abc/layer.tar\"]}]")
                .getBytes();
        byte[] archive = new TarWriter().file(cfgName, 0644, config).dir("abc/", 0755)
                .file("abc/layer.tar", 0644, layer).file("manifest.json", 0644, manifest).toBytes();
        ImageService s = service(root);
        List<Image> images = s.importArchive(new ByteArrayInputStream(archive), null, ProgressListener.NONE);
        assertEquals(1, images.size());
        Image i = s.inspect("hello:v1");
        assertEquals(Digest.sha256(config), i.id());
        assertEquals(List.of(Digest.sha256(layer)), i.diffIds());
        s.unpack(i, ProgressListener.NONE);
        assertEquals("hi", Files.readString(s.snapshotter().stat(i.chainId()).orElseThrow().fs().resolve("hello")));
    }

    @Test
    void importRefusesArchivesWithMissingBlobs() {
        ImageService a = withImage("docker.io/library/app:1", plainLayers("a"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        a.exportArchive(List.of("app:1"), out);
        Image i = a.inspect("app:1");
        String missing = "blobs/sha256/" + i.manifest().layers().get(0).parsedDigest().hex();
        byte[] cut = withoutEntry(out.toByteArray(), missing);
        ImageService b = service(root.resolve("b"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> b.importArchive(new ByteArrayInputStream(cut), null, ProgressListener.NONE));
        assertTrue(e.getMessage().contains(i.manifest().layers().get(0).digest()), e.getMessage());
        assertTrue(b.list().isEmpty());
    }

    static Map<String, byte[]> entries(byte[] tar) throws IOException {
        Map<String, byte[]> out = new java.util.TreeMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    static byte[] withoutEntry(byte[] tar, String drop) {
        try {
            TarWriter w = new TarWriter();
            for (Map.Entry<String, byte[]> e : entries(tar).entrySet()) {
                if (!e.getKey().equals(drop) && !e.getKey().endsWith("/")) {
                    w.file(e.getKey(), 0644, e.getValue());
                }
            }
            return w.toBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
