package io.peapod.helper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the static helper binary. In order: the system property {@code peapod.helper};
 * the resource {@code io/peapod/helper/peapod-helper} when it is a plain file (a built
 * tree); {@code ../libexec/peapod-helper} beside the jar; else the copy inside the jar,
 * extracted once to {@code /run/peapod/bin/peapod-helper-<sha256 prefix>} (mode 0755).
 */
public final class HelperBinary {
    public static final String PROPERTY = "peapod.helper";
    static final String RESOURCE = "peapod-helper";
    static final Path EXTRACT_DIR = Path.of("/run/peapod/bin");

    private static final Logger LOG = LoggerFactory.getLogger(HelperBinary.class);
    private static volatile Path cached;

    private HelperBinary() {
    }

    /** The helper's path; the first answer is cached for the life of the JVM. */
    public static Path locate() {
        Path p = cached;
        if (p == null) {
            synchronized (HelperBinary.class) {
                if (cached == null) {
                    cached = find();
                    LOG.debug("peapod-helper is {}", cached);
                }
                p = cached;
            }
        }
        return p;
    }

    private static Path find() {
        String property = System.getProperty(PROPERTY);
        if (property != null) {
            Path p = Path.of(property);
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException("system property " + PROPERTY + "=" + property
                        + " does not name an executable file");
            }
            return p;
        }
        URL resource = HelperBinary.class.getResource(RESOURCE);
        if (resource != null && resource.getProtocol().equals("file")) {
            return Path.of(toUri(resource));
        }
        Path besideJar = besideJar();
        if (besideJar != null && Files.isExecutable(besideJar)) {
            return besideJar;
        }
        if (resource == null) {
            throw new IllegalStateException("peapod-helper not found: no system property " + PROPERTY
                    + ", no resource io/peapod/helper/" + RESOURCE + (besideJar == null ? "" : ", no " + besideJar));
        }
        return extract(resource, EXTRACT_DIR);
    }

    private static Path besideJar() {
        try {
            var source = HelperBinary.class.getProtectionDomain().getCodeSource();
            if (source == null || !source.getLocation().getProtocol().equals("file")) {
                return null;
            }
            Path jar = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(jar) ? jar.getParent().resolve("../libexec/peapod-helper").normalize() : null;
        } catch (URISyntaxException | SecurityException e) {
            return null;
        }
    }

    /** Copies the resource to dir/peapod-helper-SHAPREFIX unless an identical copy is there. */
    static Path extract(URL resource, Path dir) {
        try {
            byte[] bytes;
            try (InputStream in = resource.openStream()) {
                bytes = in.readAllBytes();
            }
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            Path target = dir.resolve("peapod-helper-" + digest.substring(0, 16));
            if (Files.isExecutable(target) && Files.size(target) == bytes.length) {
                return target;
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "peapod-helper", ".tmp");
            try {
                Files.write(tmp, bytes);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            LOG.info("extracted peapod-helper to {}", target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract peapod-helper from " + resource + " into " + dir, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JDK", e);
        }
    }

    private static java.net.URI toUri(URL url) {
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad resource URL " + url, e);
        }
    }
}
