package io.peapod.image.spec;

import io.peapod.image.UnsupportedMediaTypeException;
import java.util.Map;

/** OCI and Docker schema 2 media types, and the normalisation of Docker's onto OCI's. */
public final class MediaTypes {
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    public static final String OCI_LAYER_NONDIST = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    public static final String OCI_LAYER_NONDIST_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    public static final String OCI_LAYER_NONDIST_ZSTD = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public static final String DOCKER_LAYER_FOREIGN_GZIP = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    public static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
    public static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    /** What a registry is asked for when resolving a reference, best first. */
    public static final String MANIFEST_ACCEPT = String.join(", ",
            OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST);

    private static final Map<String, String> NORMAL = Map.ofEntries(
            Map.entry(OCI_INDEX, OCI_INDEX),
            Map.entry(DOCKER_MANIFEST_LIST, OCI_INDEX),
            Map.entry(OCI_MANIFEST, OCI_MANIFEST),
            Map.entry(DOCKER_MANIFEST, OCI_MANIFEST),
            Map.entry(OCI_CONFIG, OCI_CONFIG),
            Map.entry(DOCKER_CONFIG, OCI_CONFIG),
            Map.entry(OCI_LAYER, OCI_LAYER),
            Map.entry(OCI_LAYER_GZIP, OCI_LAYER_GZIP),
            Map.entry(OCI_LAYER_ZSTD, OCI_LAYER_ZSTD),
            Map.entry(OCI_LAYER_NONDIST, OCI_LAYER),
            Map.entry(OCI_LAYER_NONDIST_GZIP, OCI_LAYER_GZIP),
            Map.entry(OCI_LAYER_NONDIST_ZSTD, OCI_LAYER_ZSTD),
            Map.entry(DOCKER_LAYER_GZIP, OCI_LAYER_GZIP),
            Map.entry(DOCKER_LAYER_FOREIGN_GZIP, OCI_LAYER_GZIP));

    private MediaTypes() {
    }

    /** The OCI equivalent of a known type, or {@link UnsupportedMediaTypeException} naming it. */
    public static String normalise(String mediaType, String what) {
        String n = mediaType == null ? null : NORMAL.get(stripParameters(mediaType));
        if (n == null) {
            throw new UnsupportedMediaTypeException(mediaType, what);
        }
        return n;
    }

    public static boolean isIndex(String mediaType) {
        return OCI_INDEX.equals(NORMAL.get(stripParameters(mediaType)));
    }

    public static boolean isManifest(String mediaType) {
        return OCI_MANIFEST.equals(NORMAL.get(stripParameters(mediaType)));
    }

    public static boolean isSchema1(String mediaType) {
        String m = stripParameters(mediaType);
        return DOCKER_SCHEMA1.equals(m) || DOCKER_SCHEMA1_SIGNED.equals(m);
    }

    /** Compression of a layer media type. */
    public static Compression layerCompression(String mediaType) {
        String n = normalise(mediaType, "layer");
        switch (n) {
            case OCI_LAYER:
                return Compression.NONE;
            case OCI_LAYER_GZIP:
                return Compression.GZIP;
            case OCI_LAYER_ZSTD:
                return Compression.ZSTD;
            default:
                throw new UnsupportedMediaTypeException(mediaType, "layer");
        }
    }

    static String stripParameters(String mediaType) {
        if (mediaType == null) {
            return null;
        }
        int semi = mediaType.indexOf(';');
        return (semi < 0 ? mediaType : mediaType.substring(0, semi)).trim();
    }

    /** Layer compression. */
    public enum Compression {
        NONE, GZIP, ZSTD
    }
}
