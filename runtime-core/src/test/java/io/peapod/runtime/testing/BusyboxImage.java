package io.peapod.runtime.testing;

import io.peapod.image.Image;
import io.peapod.image.ImageService;
import io.peapod.image.ProgressListener;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A one-layer OCI image of Debian's static busybox, built in memory as an OCI image-layout
 * tar and imported, so that tests need no registry.
 */
public final class BusyboxImage {
    private BusyboxImage() {
    }

    /** Imports the image as {@code name} (e.g. {@code localhost/busybox:test}); returns it. */
    public static Image importInto(ImageService images, String name, Path scratch) throws IOException {
        Path rootfs = scratch.resolve("busybox-rootfs");
        BusyboxBundle.populateRootfs(rootfs);
        byte[] layer = tarOf(rootfs);
        String layerDigest = sha256(layer);
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/bin:/sbin:/usr/bin\"],"
                + "\"Cmd\":[\"sh\"],\"WorkingDir\":\"/\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
                + layerDigest + "\"]}}";
        byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
                + sha256(configBytes) + "\",\"size\":" + configBytes.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:" + layerDigest + "\",\"size\":"
                + layer.length + "}]}";
        byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
        String index = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"digest\":\"sha256:" + sha256(manifestBytes) + "\",\"size\":" + manifestBytes.length
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + name + "\"}}]}";
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(archive)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            add(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            add(tar, "index.json", index.getBytes(StandardCharsets.UTF_8));
            add(tar, "blobs/sha256/" + layerDigest, layer);
            add(tar, "blobs/sha256/" + sha256(configBytes), configBytes);
            add(tar, "blobs/sha256/" + sha256(manifestBytes), manifestBytes);
        }
        List<Image> imported = images.importArchive(new ByteArrayInputStream(archive.toByteArray()), name,
                ProgressListener.NONE);
        return imported.get(0);
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        e.setMode(0644);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    static byte[] tarOf(Path rootfs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out); Stream<Path> walk = Files.walk(rootfs)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                if (p.equals(rootfs)) {
                    continue;
                }
                String name = rootfs.relativize(p).toString();
                TarArchiveEntry e;
                boolean regular = false;
                if (Files.isSymbolicLink(p)) {
                    e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(Files.readSymbolicLink(p).toString());
                    e.setMode(0777);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    e = new TarArchiveEntry(name + "/");
                    e.setMode(0755);
                } else {
                    e = new TarArchiveEntry(name);
                    e.setSize(Files.size(p));
                    e.setMode(Files.isExecutable(p) ? 0755 : 0644);
                    regular = true;
                }
                tar.putArchiveEntry(e);
                if (regular) {
                    Files.copy(p, tar);
                }
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
