package io.peapod.image.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Makes a one-layer OCI image from a directory tree (what {@code podman import} does with
 * a root filesystem), written as an OCI image-layout tar that {@code ImageService}
 * imports. Regular files, directories and symlinks are kept with their modes.
 */
public final class RootfsArchive {
    private RootfsArchive() {
    }

    /**
     * @param rootfs the directory that becomes the image's root
     * @param name   the reference the image is named by (index annotation {@code ref.name})
     * @param cmd    the image's default command
     */
    public static void write(Path rootfs, String name, List<String> cmd, OutputStream out) throws IOException {
        byte[] layer = layerOf(rootfs);
        String layerDigest = sha256(layer);
        StringBuilder cmdJson = new StringBuilder("[");
        for (int i = 0; i < cmd.size(); i++) {
            cmdJson.append(i == 0 ? "" : ",").append(quote(cmd.get(i)));
        }
        cmdJson.append(']');
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":"
                + "[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],\"Cmd\":" + cmdJson
                + ",\"WorkingDir\":\"/\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + layerDigest
                + "\"]}}").getBytes(StandardCharsets.UTF_8);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
                + sha256(config) + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:" + layerDigest + "\",\"size\":"
                + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        byte[] index = ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + sha256(manifest)
                + "\",\"size\":" + manifest.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":"
                + quote(name) + "}}]}").getBytes(StandardCharsets.UTF_8);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        add(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        add(tar, "index.json", index);
        add(tar, "blobs/sha256/" + layerDigest, layer);
        add(tar, "blobs/sha256/" + sha256(config), config);
        add(tar, "blobs/sha256/" + sha256(manifest), manifest);
        tar.finish();
        tar.flush();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        e.setMode(0644);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    private static byte[] layerOf(Path rootfs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out); Stream<Path> walk = Files.walk(rootfs)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                if (p.equals(rootfs)) {
                    continue;
                }
                String name = rootfs.relativize(p).toString();
                PosixFileAttributes attrs = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                int mode = PosixModes.of(attrs.permissions());
                TarArchiveEntry e;
                boolean regular = false;
                if (attrs.isSymbolicLink()) {
                    e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(Files.readSymbolicLink(p).toString());
                } else if (attrs.isDirectory()) {
                    e = new TarArchiveEntry(name + "/");
                } else if (attrs.isRegularFile()) {
                    e = new TarArchiveEntry(name);
                    e.setSize(attrs.size());
                    regular = true;
                } else {
                    throw new IOException(p + ": only files, directories and symlinks can go into an image layer");
                }
                e.setMode(mode);
                tar.putArchiveEntry(e);
                if (regular) {
                    Files.copy(p, tar);
                }
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JDK", e);
        }
    }

    /** Permission sets as the octal mode tar wants. */
    static final class PosixModes {
        private PosixModes() {
        }

        static int of(java.util.Set<java.nio.file.attribute.PosixFilePermission> perms) {
            int mode = 0;
            for (var p : perms) {
                mode |= switch (p) {
                    case OWNER_READ -> 0400;
                    case OWNER_WRITE -> 0200;
                    case OWNER_EXECUTE -> 0100;
                    case GROUP_READ -> 040;
                    case GROUP_WRITE -> 020;
                    case GROUP_EXECUTE -> 010;
                    case OTHERS_READ -> 04;
                    case OTHERS_WRITE -> 02;
                    case OTHERS_EXECUTE -> 01;
                };
            }
            return mode;
        }
    }
}
