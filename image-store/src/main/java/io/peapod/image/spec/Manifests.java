package io.peapod.image.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.peapod.image.InvalidArgumentException;
import io.peapod.image.UnsupportedMediaTypeException;
import io.peapod.image.content.Digest;
import java.io.IOException;
import java.util.List;

/**
 * Parses manifest-like JSON (index, manifest list, manifest) into the normalised OCI models.
 * The media type comes from the HTTP Content-Type or parent descriptor when known, else from
 * the document's own {@code mediaType}, else from its shape.
 */
public final class Manifests {
    private Manifests() {
    }

    /** Either an {@link ImageIndex} or an {@link ImageManifest}. */
    public sealed interface Parsed permits IndexDoc, ManifestDoc {
        byte[] bytes();

        String mediaType();
    }

    public record IndexDoc(ImageIndex index, byte[] bytes, String mediaType) implements Parsed {
    }

    public record ManifestDoc(ImageManifest manifest, byte[] bytes, String mediaType) implements Parsed {
    }

    /** The media type of a manifest document (without parsing it fully). */
    public static String detectMediaType(byte[] bytes, String hint, String what) {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidArgumentException("malformed " + what + ": " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidArgumentException("malformed " + what + ": not a JSON object");
        }
        String own = tree.path("mediaType").asText(null);
        String type = own != null ? own : MediaTypes.stripParameters(hint);
        if (type == null || type.isEmpty() || "application/json".equals(type)
                || "text/plain".equals(type) || "application/octet-stream".equals(type)) {
            if (tree.path("schemaVersion").asInt() == 1) {
                type = MediaTypes.DOCKER_SCHEMA1;
            } else if (tree.has("manifests")) {
                type = MediaTypes.OCI_INDEX;
            } else if (tree.has("layers") && tree.has("config")) {
                type = MediaTypes.OCI_MANIFEST;
            }
        }
        if (tree.path("schemaVersion").asInt() == 1 || MediaTypes.isSchema1(type)) {
            throw new UnsupportedMediaTypeException(type == null ? MediaTypes.DOCKER_SCHEMA1 : type,
                    what + " (Docker schema 1 is not supported; re-push the image with a current client)");
        }
        return type;
    }

    public static Parsed parse(byte[] bytes, String hint, String what) {
        String type = detectMediaType(bytes, hint, what);
        if (MediaTypes.isIndex(type)) {
            ImageIndex index = Json.parse(bytes, ImageIndex.class, what);
            if (index.manifests() == null) {
                throw new InvalidArgumentException("malformed " + what + ": index has no manifests");
            }
            for (Descriptor d : index.manifests()) {
                d.parsedDigest();
            }
            return new IndexDoc(index, bytes, type);
        }
        if (MediaTypes.isManifest(type)) {
            ImageManifest m = Json.parse(bytes, ImageManifest.class, what);
            if (m.config() == null) {
                throw new InvalidArgumentException("malformed " + what + ": manifest has no config");
            }
            m.config().parsedDigest();
            List<Descriptor> layers = m.layers() == null ? List.of() : m.layers();
            for (Descriptor l : layers) {
                l.parsedDigest();
                MediaTypes.layerCompression(l.mediaType());
            }
            MediaTypes.normalise(m.config().mediaType(), "config of " + what);
            return new ManifestDoc(m, bytes, type);
        }
        throw new UnsupportedMediaTypeException(type, what);
    }

    public static ImageConfig parseConfig(byte[] bytes, Digest digest) {
        ImageConfig c = Json.parse(bytes, ImageConfig.class, "image config " + digest);
        if (c.rootfs() == null || c.rootfs().diffIds() == null) {
            throw new InvalidArgumentException("malformed image config " + digest + ": no rootfs.diff_ids");
        }
        for (String d : c.rootfs().diffIds()) {
            Digest.parse(d);
        }
        return c;
    }
}
