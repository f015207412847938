package io.peapod.image.archive;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.peapod.image.content.ContentStore;
import io.peapod.image.content.Digest;
import io.peapod.image.spec.Descriptor;
import io.peapod.image.spec.ImageIndex;
import io.peapod.image.spec.ImageReference;
import io.peapod.image.spec.Json;
import io.peapod.image.spec.Manifests;
import io.peapod.image.spec.Platform;
import io.peapod.image.store.ImageRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes images as an OCI image layout tar ({@code oci-layout}, {@code index.json},
 * {@code blobs/<alg>/<hex>}) plus the {@code manifest.json} that {@code docker load} reads.
 * Blobs are copied byte for byte, so manifests keep their digests.
 */
public final class ArchiveExporter {
    static final String NAME_ANNOTATION = "io.containerd.image.name";
    static final String REF_ANNOTATION = "org.opencontainers.image.ref.name";

    private final ContentStore content;
    private final Platform platform;

    public ArchiveExporter(ContentStore content) {
        this(content, Platform.host());
    }

    public ArchiveExporter(ContentStore content, Platform platform) {
        this.content = content;
        this.platform = platform;
    }

    /** One image of docker's manifest.json. */
    record DockerEntry(@JsonProperty("Config") String config, @JsonProperty("RepoTags") List<String> repoTags,
                       @JsonProperty("Layers") List<String> layers) {
    }

    public void exportTar(List<ImageRecord> records, OutputStream out) {
        Set<Digest> blobs = new LinkedHashSet<>();
        List<Descriptor> index = new ArrayList<>();
        Map<String, DockerEntry> docker = new LinkedHashMap<>();
        for (ImageRecord r : records) {
            ImageReference ref = ImageReference.parse(r.name());
            Map<String, String> ann = new LinkedHashMap<>();
            ann.put(NAME_ANNOTATION, r.name());
            if (ref.tag() != null) {
                ann.put(REF_ANNOTATION, ref.tag());
            }
            index.add(r.target().withAnnotations(ann));
            Manifests.ManifestDoc platformManifest = collect(r.target(), blobs);
            if (platformManifest != null) {
                String cfg = path(platformManifest.manifest().config().parsedDigest());
                DockerEntry prev = docker.get(cfg);
                List<String> tags = new ArrayList<>(prev == null ? List.of() : prev.repoTags());
                if (ref.tag() != null) {
                    tags.add(ImageReference.parse(r.name()).withTag(ref.tag()).familiar());
                }
                List<String> layers = new ArrayList<>();
                for (Descriptor l : platformManifest.manifest().layers()) {
                    layers.add(path(l.parsedDigest()));
                }
                docker.put(cfg, new DockerEntry(cfg, tags, layers));
            }
        }
        try {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            dir(tar, "blobs/");
            Set<String> algs = new LinkedHashSet<>();
            for (Digest d : blobs) {
                if (algs.add(d.algorithm())) {
                    dir(tar, "blobs/" + d.algorithm() + "/");
                }
                TarArchiveEntry e = entry(path(d), content.size(d));
                tar.putArchiveEntry(e);
                try (InputStream in = content.open(d)) {
                    in.transferTo(tar);
                }
                tar.closeArchiveEntry();
            }
            file(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            file(tar, "index.json", Json.write(ImageIndex.oci(index)));
            file(tar, "manifest.json", Json.write(new ArrayList<>(docker.values())));
            tar.finish();
            tar.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write image archive: " + e.getMessage(), e);
        }
    }

    /** Adds the blobs reachable from {@code target}; returns the manifest for this platform, if any. */
    private Manifests.ManifestDoc collect(Descriptor target, Set<Digest> blobs) {
        Digest d = target.parsedDigest();
        Manifests.Parsed p = Manifests.parse(content.read(d), target.mediaType(), "manifest " + d);
        blobs.add(d);
        if (p instanceof Manifests.IndexDoc idx) {
            Manifests.ManifestDoc chosen = null;
            for (Descriptor m : idx.index().manifests()) {
                if (content.contains(m.parsedDigest())) {
                    Manifests.ManifestDoc md = collect(m, blobs);
                    if (chosen == null && m.platform() != null && platform.matches(m.platform())) {
                        chosen = md;
                    }
                }
            }
            return chosen;
        }
        Manifests.ManifestDoc md = (Manifests.ManifestDoc) p;
        blobs.add(md.manifest().config().parsedDigest());
        for (Descriptor l : md.manifest().layers()) {
            blobs.add(l.parsedDigest());
        }
        return md;
    }

    static String path(Digest d) {
        return "blobs/" + d.algorithm() + "/" + d.hex();
    }

    private static TarArchiveEntry entry(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setMode(0644);
        e.setModTime(0L);
        return e;
    }

    private static void dir(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(040755);
        e.setModTime(0L);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        tar.putArchiveEntry(entry(name, bytes.length));
        tar.write(bytes);
        tar.closeArchiveEntry();
    }
}
