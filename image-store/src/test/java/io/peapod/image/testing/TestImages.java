package io.peapod.image.testing;

import com.github.luben.zstd.ZstdOutputStream;
import io.peapod.image.content.ContentStore;
import io.peapod.image.content.Digest;
import io.peapod.image.spec.Descriptor;
import io.peapod.image.spec.ImageConfig;
import io.peapod.image.spec.ImageIndex;
import io.peapod.image.spec.ImageManifest;
import io.peapod.image.spec.Json;
import io.peapod.image.spec.MediaTypes;
import io.peapod.image.spec.MediaTypes.Compression;
import io.peapod.image.spec.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Builds test images from tars (busybox-static for a runnable root) straight into a content store. */
public final class TestImages {
    private TestImages() {
    }

    public record Layer(byte[] tar, Compression compression) {
    }

    public record Built(Descriptor target, byte[] manifest, Digest config, List<Digest> diffIds) {
    }

    public static byte[] busybox() {
        try {
            return Files.readAllBytes(Path.of("/bin/busybox"));
        } catch (IOException e) {
            throw new UncheckedIOException("busybox-static is needed: /bin/busybox", e);
        }
    }

    /**
     * Three layers: a gzip base with busybox, a zstd layer deleting {@code /deleteme} and making
     * {@code /var/cache} opaque, and a plain tar layer with a setuid file and a hard link.
     */
    public static List<Layer> busyboxLayers() {
        TarWriter base = new TarWriter()
                .dir("bin/", 0755)
                .file("bin/busybox", 0755, busybox())
                .symlink("bin/sh", "busybox")
                .symlink("bin/ls", "busybox")
                .symlink("bin/cat", "busybox")
                .dir("etc/", 0755)
                .file("etc/passwd", 0644, "root:x:0:0:root:/root:/bin/sh\n")
                .file("etc/group", 0644, "root:x:0:\n")
                .dir("var/", 0755)
                .dir("var/cache/", 0755)
                .file("var/cache/a", 0644, "a")
                .file("var/cache/b", 0644, "b")
                .dir("tmp/", 01777)
                .file("deleteme", 0644, "to be deleted");
        TarWriter second = new TarWriter()
                .whiteout("", "deleteme")
                .dir("var/", 0755)
                .dir("var/cache/", 0755)
                .opaque("var/cache")
                .file("var/cache/new", 0644, "new")
                .dir("etc/", 0755)
                .file("etc/hostname", 0644, "peapod\n");
        TarWriter third = new TarWriter()
                .dir("usr/", 0755)
                .dir("usr/bin/", 0755)
                .file("usr/bin/suid", 04755, "suid")
                .hardlink("usr/bin/suid-link", "usr/bin/suid");
        return List.of(new Layer(base.toBytes(), Compression.GZIP), new Layer(second.toBytes(), Compression.ZSTD),
                new Layer(third.toBytes(), Compression.NONE));
    }

    public static byte[] compress(byte[] tar, Compression c) {
        try {
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String layerType(Compression c) {
        return switch (c) {
            case GZIP -> MediaTypes.OCI_LAYER_GZIP;
            case ZSTD -> MediaTypes.OCI_LAYER_ZSTD;
            default -> MediaTypes.OCI_LAYER;
        };
    }

    /** Stores layers, config and manifest; returns the manifest's descriptor. */
    public static Built build(ContentStore store, List<Layer> layers, Platform platform) {
        List<Descriptor> descs = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        List<Digest> diffDigests = new ArrayList<>();
        for (Layer l : layers) {
            byte[] blob = compress(l.tar(), l.compression());
            Digest d = store.put(blob);
            descs.add(Descriptor.of(layerType(l.compression()), d, blob.length));
            Digest diff = Digest.sha256(l.tar());
            diffIds.add(diff.toString());
            diffDigests.add(diff);
        }
        ImageConfig config = new ImageConfig("2024-01-01T00:00:00Z", null, platform.architecture(), platform.os(),
                platform.variant(), new ImageConfig.ContainerConfig(null, null, List.of("PATH=/bin:/usr/bin"), null,
                List.of("/bin/sh"), null, "/", null, null),
                new ImageConfig.RootFs("layers", diffIds), null);
        byte[] cfg = Json.write(config);
        Digest cfgDigest = store.put(cfg);
        byte[] manifest = Json.write(ImageManifest.oci(Descriptor.of(MediaTypes.OCI_CONFIG, cfgDigest, cfg.length),
                descs));
        Digest md = store.put(manifest);
        return new Built(Descriptor.of(MediaTypes.OCI_MANIFEST, md, manifest.length), manifest, cfgDigest,
                diffDigests);
    }

    /** An index over images built for each platform from the same layers. */
    public static Descriptor buildIndex(ContentStore store, List<Layer> layers, List<Platform> platforms) {
        List<Descriptor> entries = new ArrayList<>();
        for (Platform p : platforms) {
            entries.add(build(store, layers, p).target().withPlatform(p));
        }
        byte[] index = Json.write(ImageIndex.oci(entries));
        return Descriptor.of(MediaTypes.OCI_INDEX, store.put(index), index.length);
    }
}
