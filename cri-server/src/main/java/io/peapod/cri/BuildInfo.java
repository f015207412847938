package io.peapod.cri;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** What the build stamped into {@code peapod-version.properties}. */
final class BuildInfo {
    private static final String RESOURCE = "/peapod-version.properties";

    private BuildInfo() {}

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}; fails if the resource is missing. */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("build resource " + RESOURCE + " is missing from the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read build resource " + RESOURCE, e);
        }
        String v = p.getProperty("version");
        if (v == null || v.isBlank() || v.startsWith("${")) {
            throw new IllegalStateException("build resource " + RESOURCE + " has no filtered version: " + v);
        }
        return v;
    }
}
