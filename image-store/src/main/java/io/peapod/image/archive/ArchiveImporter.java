package io.peapod.image.archive;

import com.fasterxml.jackson.databind.JsonNode;
import io.peapod.image.InvalidArgumentException;
import io.peapod.image.content.ContentStore;
import io.peapod.image.content.Digest;
import io.peapod.image.content.LocalContentStore;
import io.peapod.image.spec.Descriptor;
import io.peapod.image.spec.ImageIndex;
import io.peapod.image.spec.ImageManifest;
import io.peapod.image.spec.ImageReference;
import io.peapod.image.spec.Json;
import io.peapod.image.spec.Manifests;
import io.peapod.image.spec.MediaTypes;
import io.peapod.image.store.ImageRecord;
import io.peapod.image.store.ImageStore;
import io.peapod.image.unpack.Decompression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads an OCI image layout tar or a {@code docker save} tar in one pass. Blobs under
 * {@code blobs/<alg>/<hex>} go straight into the content store (verified against their names);
 * the other files wait in a work directory until the archive's index is known.
 */
public final class ArchiveImporter {
    private final ContentStore content;
    private final ImageStore images;
    private final Path workRoot;

    public ArchiveImporter(ContentStore content, ImageStore images, Path workRoot) {
        this.content = content;
        this.images = images;
        this.workRoot = workRoot;
    }

    /**
     * @param nameIfUnnamed name for an archive entry that carries none (or only a bare tag); may be null
     * @return the image records written
     */
    public List<ImageRecord> importTar(InputStream archive, String nameIfUnnamed) {
        Path work;
        try {
            Files.createDirectories(workRoot);
            work = Files.createTempDirectory(workRoot, "import-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create import directory in " + workRoot, e);
        }
        try {
            Map<String, Path> files = new HashMap<>();
            TarArchiveInputStream tar = new TarArchiveInputStream(archive);
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (!e.isFile()) {
                    continue;
                }
                String name = clean(e.getName());
                Digest blob = blobName(name);
                if (blob != null) {
                    long size = e.getSize();
                    TarArchiveInputStream src = tar;
                    content.ingest(blob, size, w -> src.transferTo(w));
                    continue;
                }
                Path f = work.resolve("f" + files.size());
                Files.copy(tar, f);
                files.put(name, f);
            }
            if (files.containsKey("index.json")) {
                return importOciLayout(files, nameIfUnnamed);
            }
            if (files.containsKey("manifest.json")) {
                return importDockerSave(files, nameIfUnnamed);
            }
            throw new InvalidArgumentException("image archive has neither index.json (OCI layout) nor manifest.json "
                    + "(docker save)");
        } catch (IOException ex) {
            throw LocalContentStore.storageFailure("cannot import image archive", ex);
        } finally {
            deleteTree(work);
        }
    }

    private List<ImageRecord> importOciLayout(Map<String, Path> files, String nameIfUnnamed) throws IOException {
        byte[] indexBytes = Files.readAllBytes(files.get("index.json"));
        ImageIndex index = Json.parse(indexBytes, ImageIndex.class, "index.json of the archive");
        if (index.manifests() == null || index.manifests().isEmpty()) {
            throw new InvalidArgumentException("index.json of the archive lists no images");
        }
        List<ImageRecord> out = new ArrayList<>();
        for (Descriptor d : index.manifests()) {
            Digest digest = d.parsedDigest();
            verifyPresent(d, "archive index.json");
            String name = nameOf(d, nameIfUnnamed);
            Descriptor target = new Descriptor(Manifests.detectMediaType(content.read(digest), d.mediaType(),
                    "manifest " + digest), d.digest(), d.size(), null, null, null);
            out.add(images.put(name, target));
        }
        return out;
    }

    private String nameOf(Descriptor d, String nameIfUnnamed) {
        Map<String, String> ann = d.annotations() == null ? Map.of() : d.annotations();
        String full = ann.get(ArchiveExporter.NAME_ANNOTATION);
        if (full != null) {
            return ImageReference.parse(full).toString();
        }
        String ref = ann.get(ArchiveExporter.REF_ANNOTATION);
        if (ref != null && (ref.contains("/") || ref.contains(":"))) {
            return ImageReference.parse(ref).toString();
        }
        if (nameIfUnnamed != null) {
            ImageReference base = ImageReference.parse(nameIfUnnamed);
            return (ref != null ? base.withTag(ref) : base).toString();
        }
        throw new InvalidArgumentException("archive image " + d.digest() + " has no name"
                + (ref != null ? " (only the tag " + ref + ")" : "") + "; give a name to import it under");
    }

    /** Checks that a manifest or index and everything it references arrived. */
    private void verifyPresent(Descriptor d, String from) {
        Digest digest = d.parsedDigest();
        if (!content.contains(digest)) {
            throw new InvalidArgumentException("image archive is missing blob " + digest + " named by " + from);
        }
        Manifests.Parsed p = Manifests.parse(content.read(digest), d.mediaType(), "manifest " + digest);
        if (p instanceof Manifests.IndexDoc idx) {
            for (Descriptor m : idx.index().manifests()) {
                verifyPresent(m, "index " + digest);
            }
        } else {
            ImageManifest m = ((Manifests.ManifestDoc) p).manifest();
            for (Descriptor b : concat(m.config(), m.layers())) {
                if (!content.contains(b.parsedDigest())) {
                    throw new InvalidArgumentException("image archive is missing blob " + b.digest()
                            + " named by manifest " + digest);
                }
            }
        }
    }

    private List<ImageRecord> importDockerSave(Map<String, Path> files, String nameIfUnnamed) throws IOException {
        JsonNode entries = Json.MAPPER.readTree(Files.readAllBytes(files.get("manifest.json")));
        if (!entries.isArray() || entries.isEmpty()) {
            throw new InvalidArgumentException("manifest.json of the archive lists no images");
        }
        List<ImageRecord> out = new ArrayList<>();
        for (JsonNode entry : entries) {
            Descriptor config = blob(files, entry.path("Config").asText(null), MediaTypes.OCI_CONFIG, false);
            List<Descriptor> layers = new ArrayList<>();
            for (JsonNode l : entry.path("Layers")) {
                layers.add(blob(files, l.asText(), null, true));
            }
            byte[] manifest = Json.write(ImageManifest.oci(config, layers));
            Digest md = content.put(manifest);
            Descriptor target = Descriptor.of(MediaTypes.OCI_MANIFEST, md, manifest.length);
            List<String> names = new ArrayList<>();
            for (JsonNode t : entry.path("RepoTags")) {
                names.add(ImageReference.parse(t.asText()).toString());
            }
            if (names.isEmpty()) {
                if (nameIfUnnamed == null) {
                    throw new InvalidArgumentException("archive image with config " + config.digest()
                            + " has no RepoTags; give a name to import it under");
                }
                names.add(ImageReference.parse(nameIfUnnamed).toString());
            }
            for (String n : names) {
                out.add(images.put(n, target));
            }
        }
        return out;
    }

    /** A file of a docker save archive as a blob: found among the blobs, or stored from the work dir. */
    private Descriptor blob(Map<String, Path> files, String path, String mediaType, boolean layer) throws IOException {
        if (path == null) {
            throw new InvalidArgumentException("manifest.json of the archive has an entry without Config");
        }
        String p = clean(path);
        Digest named = blobName(p);
        if (named != null && content.contains(named)) {
            return Descriptor.of(mediaType != null ? mediaType : layerType(content.open(named)), named,
                    content.size(named));
        }
        Path f = files.get(p);
        if (f == null) {
            throw new InvalidArgumentException("image archive lacks " + p + " named by manifest.json");
        }
        MessageDigest md = Digest.newDigest(Digest.SHA256);
        try (InputStream in = Files.newInputStream(f); OutputStream sink = new DigestOutputStream(
                OutputStream.nullOutputStream(), md)) {
            in.transferTo(sink);
        }
        Digest d = Digest.of(md.digest(), Digest.SHA256);
        long size = Files.size(f);
        try (InputStream in = Files.newInputStream(f)) {
            content.ingest(d, size, w -> in.transferTo(w));
        }
        String type = mediaType;
        if (layer) {
            try (InputStream in = Files.newInputStream(f)) {
                type = layerType(in);
            }
        }
        return Descriptor.of(type, d, size);
    }

    private static String layerType(InputStream raw) throws IOException {
        try (BufferedInputStream in = new BufferedInputStream(raw)) {
            switch (Decompression.detect(in)) {
                case GZIP:
                    return MediaTypes.OCI_LAYER_GZIP;
                case ZSTD:
                    return MediaTypes.OCI_LAYER_ZSTD;
                default:
                    return MediaTypes.OCI_LAYER;
            }
        }
    }

    private static List<Descriptor> concat(Descriptor first, List<Descriptor> rest) {
        List<Descriptor> out = new ArrayList<>();
        out.add(first);
        if (rest != null) {
            out.addAll(rest);
        }
        return out;
    }

    private static Digest blobName(String name) {
        if (!name.startsWith("blobs/")) {
            return null;
        }
        String[] parts = name.split("/");
        if (parts.length != 3) {
            return null;
        }
        String text = parts[1] + ":" + parts[2];
        return Digest.isDigest(text) ? Digest.parse(text) : null;
    }

    private static String clean(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        while (n.startsWith("/")) {
            n = n.substring(1);
        }
        return n;
    }

    private static void deleteTree(Path p) {
        try {
            Files.walkFileTree(p, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.delete(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort: a temp dir
        }
    }
}
