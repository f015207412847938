package io.peapod.image;

import io.peapod.image.archive.ArchiveExporter;
import io.peapod.image.archive.ArchiveImporter;
import io.peapod.image.content.ContentStore;
import io.peapod.image.content.Digest;
import io.peapod.image.content.LocalContentStore;
import io.peapod.image.registry.Puller;
import io.peapod.image.registry.Pusher;
import io.peapod.image.registry.RegistryClient;
import io.peapod.image.registry.RegistryConfig;
import io.peapod.image.snapshot.DiskUsage;
import io.peapod.image.snapshot.Mount;
import io.peapod.image.snapshot.OverlaySnapshotter;
import io.peapod.image.snapshot.SnapshotInfo;
import io.peapod.image.snapshot.Snapshotter;
import io.peapod.image.spec.Descriptor;
import io.peapod.image.spec.ImageConfig;
import io.peapod.image.spec.ImageIndex;
import io.peapod.image.spec.ImageManifest;
import io.peapod.image.spec.ImageReference;
import io.peapod.image.spec.Manifests;
import io.peapod.image.spec.MediaTypes;
import io.peapod.image.spec.Platform;
import io.peapod.image.store.ImageRecord;
import io.peapod.image.store.ImageStore;
import io.peapod.image.unpack.LayerUnpacker;
import io.peapod.sys.LinuxSyscalls;
import io.peapod.sys.Syscalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image store's facade: what the CLI's {@code peapod image …} commands and the CRI
 * ImageService call. Layout under {@code root}: {@code content/}, {@code snapshots/}, {@code images/}.
 *
 * <p>Images are named by full references; lookups accept a reference ({@code busybox},
 * {@code repo@sha256:…}), an image id ({@code sha256:<config>}), a manifest digest, or an
 * unambiguous id prefix (at least 4 hex characters).
 */
public final class ImageService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImageService.class);
    private static final Pattern HEX_PREFIX = Pattern.compile("(sha256:)?[0-9a-f]{4,64}");

    private final ContentStore content;
    private final Snapshotter snapshots;
    private final ImageStore images;
    private final RegistryClient registry;
    private final Syscalls sys;
    private final Platform platform;
    private final Predicate<String> inUse;
    private final Path workDir;
    /** Writers (pull, import, unpack) share; garbage collection is exclusive. */
    private final ReadWriteLock gcLock = new ReentrantReadWriteLock();

    /**
     * @param workDir scratch space for archive imports (same filesystem as the store is best)
     * @param inUse tells whether a container uses an image id ({@code sha256:…}); such images are
     *              not removed without force
     */
    public ImageService(ContentStore content, Snapshotter snapshots, ImageStore images, RegistryClient registry,
                        Syscalls sys, Platform platform, Predicate<String> inUse, Path workDir) {
        this.content = content;
        this.snapshots = snapshots;
        this.images = images;
        this.registry = registry;
        this.sys = sys;
        this.platform = platform;
        this.inUse = inUse;
        this.workDir = workDir;
    }

    /** The standard layout under {@code root} with the host platform. */
    public static ImageService open(Path root, RegistryConfig registryConfig, Predicate<String> inUse) {
        return new ImageService(new LocalContentStore(root.resolve("content")),
                new OverlaySnapshotter(root.resolve("snapshots")), new ImageStore(root.resolve("images")),
                new RegistryClient(registryConfig), LinuxSyscalls.get(), Platform.host(), inUse, root.resolve("tmp"));
    }

    /** Stops the registry client's transfer threads. */
    @Override
    public void close() {
        registry.close();
    }

    public ContentStore content() {
        return content;
    }

    public Snapshotter snapshotter() {
        return snapshots;
    }

    public Platform platform() {
        return platform;
    }

    // ---- registry

    /** Pulls {@code reference} for this service's platform, unpacks it and names it. */
    public Image pull(String reference, ProgressListener listener) {
        return pull(reference, platform, true, listener);
    }

    public Image pull(String reference, Platform wanted, boolean unpack, ProgressListener listener) {
        ImageReference ref = ImageReference.parse(reference);
        gcLock.readLock().lock();
        try {
            Puller.Result r = new Puller(registry, content).pull(ref, wanted, listener);
            String name = ref.toString();
            images.put(name, r.target());
            Image image = resolve(name, images.get(name).orElseThrow(), wanted);
            if (unpack) {
                unpack(image, listener);
            }
            listener.onEvent(new ProgressEvent(ProgressEvent.Kind.DONE, name, image.manifestDigest(), 0, 0));
            LOG.info("pulled {} ({})", name, image.id());
            return image;
        } finally {
            gcLock.readLock().unlock();
        }
    }

    /** Pushes the local image {@code source} to the registry as {@code destination} (default: same name). */
    public void push(String source, String destination, ProgressListener listener) {
        ImageRecord rec = record(source);
        ImageReference dest = ImageReference.parse(destination == null ? rec.name() : destination);
        if (dest.tag() == null && dest.digest() == null) {
            throw new InvalidArgumentException("cannot push to " + dest + ": a tag is needed");
        }
        new Pusher(registry, content).push(dest, rec.target(), listener);
        LOG.info("pushed {} as {}", rec.name(), dest);
    }

    // ---- local queries

    public List<Image> list() {
        Map<Digest, List<ImageRecord>> byId = new LinkedHashMap<>();
        Map<Digest, Image> first = new LinkedHashMap<>();
        for (ImageRecord r : images.list()) {
            try {
                Image i = resolve(r.name(), r, platform);
                byId.computeIfAbsent(i.id(), k -> new ArrayList<>()).add(r);
                first.putIfAbsent(i.id(), i);
            } catch (RuntimeException e) {
                LOG.warn("skipping image {}: {}", r.name(), e.getMessage());
            }
        }
        List<Image> out = new ArrayList<>();
        for (Map.Entry<Digest, Image> e : first.entrySet()) {
            out.add(withNames(e.getValue(), byId.get(e.getKey())));
        }
        return out;
    }

    /** The image named by a reference, id, digest or id prefix; {@link NotFoundException} otherwise. */
    public Image inspect(String nameOrId) {
        ImageRecord rec = record(nameOrId);
        Image i = resolve(rec.name(), rec, platform);
        List<ImageRecord> names = new ArrayList<>();
        for (ImageRecord r : images.list()) {
            if (r.target().digest().equals(rec.target().digest())) {
                names.add(r);
            } else {
                try {
                    if (resolve(r.name(), r, platform).id().equals(i.id())) {
                        names.add(r);
                    }
                } catch (RuntimeException e) {
                    // unresolvable records are listed elsewhere
                }
            }
        }
        return withNames(i, names);
    }

    public Optional<Image> find(String nameOrId) {
        try {
            return Optional.of(inspect(nameOrId));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** Gives the image {@code source} the additional name {@code target}. */
    public Image tag(String source, String target) {
        ImageRecord rec = record(source);
        ImageReference t = ImageReference.parse(target);
        images.put(t.toString(), rec.target());
        LOG.info("tagged {} as {}", rec.name(), t);
        return inspect(t.toString());
    }

    /**
     * Removes an image. By name: that name only (the image goes when its last name does).
     * By id or digest: every name of it. An image a container uses (the {@code inUse}
     * predicate) loses its last name only with {@code force}. Unreferenced content and
     * snapshots are then collected. Returns the names removed.
     */
    public List<String> remove(String nameOrId, boolean force) {
        ImageRecord rec = record(nameOrId);
        Image image = resolve(rec.name(), rec, platform);
        List<String> all = new ArrayList<>();
        for (ImageRecord r : images.list()) {
            try {
                if (resolve(r.name(), r, platform).id().equals(image.id())) {
                    all.add(r.name());
                }
            } catch (RuntimeException e) {
                if (r.target().digest().equals(rec.target().digest())) {
                    all.add(r.name());
                }
            }
        }
        boolean byName = isName(nameOrId, rec);
        List<String> doomed = byName ? List.of(rec.name()) : all;
        boolean last = doomed.size() == all.size();
        if (last && !force && inUse.test(image.id().toString())) {
            throw new FailedPreconditionException("image " + nameOrId + " (" + image.id().shortHex()
                    + ") is in use by a container; remove the container first or force");
        }
        for (String n : doomed) {
            images.delete(n);
            LOG.info("untagged {}", n);
        }
        if (last) {
            gc();
        }
        return doomed;
    }

    private boolean isName(String nameOrId, ImageRecord rec) {
        try {
            return ImageReference.parse(nameOrId).toString().equals(rec.name());
        } catch (InvalidArgumentException e) {
            return false;
        }
    }

    // ---- containers

    /**
     * Ensures the image is unpacked and prepares the writable snapshot {@code containerId} on
     * top of it; returns the mounts of the container's root filesystem (the caller mounts them).
     */
    public List<Mount> rootfsMounts(String imageRef, String containerId) {
        gcLock.readLock().lock();
        try {
            Image image = inspect(imageRef);
            unpack(image, ProgressListener.NONE);
            return List.of(snapshots.prepare(containerId, image.chainId()));
        } finally {
            gcLock.readLock().unlock();
        }
    }

    /** Deletes a container's writable snapshot (after the caller unmounted it). */
    public boolean removeContainerSnapshot(String containerId) {
        return snapshots.removeActive(containerId);
    }

    /** Unpacks every layer of {@code image} into snapshots, once per chain ID. */
    public void unpack(Image image, ProgressListener listener) {
        List<Descriptor> layers = image.manifest().layers() == null ? List.of() : image.manifest().layers();
        List<Digest> chain = Snapshotter.chainIds(image.diffIds());
        LayerUnpacker unpacker = new LayerUnpacker(sys);
        Digest parent = null;
        for (int i = 0; i < layers.size(); i++) {
            Descriptor layer = layers.get(i);
            Digest chainId = chain.get(i);
            Digest diffId = image.diffIds().get(i);
            String name = image.repoTags().isEmpty() ? image.id().toString() : image.repoTags().get(0);
            if (snapshots.stat(chainId).isEmpty()) {
                listener.onEvent(new ProgressEvent(ProgressEvent.Kind.UNPACKING, name, layer.parsedDigest(), 0,
                        layer.size()));
                snapshots.ensureCommitted(chainId, parent, (dir, lowers) -> {
                    try (InputStream in = content.open(layer.parsedDigest())) {
                        unpacker.unpack(in, MediaTypes.layerCompression(layer.mediaType()), dir, diffId, lowers);
                    }
                });
                listener.onEvent(new ProgressEvent(ProgressEvent.Kind.UNPACKED, name, layer.parsedDigest(),
                        layer.size(), layer.size()));
            }
            parent = chainId;
        }
    }

    // ---- archives

    /** Imports an OCI layout tar or a {@code docker save} tar; returns the images it named. */
    public List<Image> importArchive(InputStream archive, String tagIfUnnamed, ProgressListener listener) {
        gcLock.readLock().lock();
        try {
            List<ImageRecord> named = new ArchiveImporter(content, images, workDir).importTar(archive, tagIfUnnamed);
            List<Image> out = new ArrayList<>();
            for (ImageRecord r : named) {
                Image i = inspect(r.name());
                listener.onEvent(new ProgressEvent(ProgressEvent.Kind.DONE, r.name(), i.manifestDigest(), 0, 0));
                out.add(i);
            }
            return out;
        } finally {
            gcLock.readLock().unlock();
        }
    }

    /** Writes the named images as an OCI image layout tar (also readable by {@code docker load}). */
    public void exportArchive(List<String> namesOrIds, OutputStream out) {
        List<ImageRecord> recs = new ArrayList<>();
        for (String n : namesOrIds) {
            recs.add(record(n));
        }
        new ArchiveExporter(content, platform).exportTar(recs, out);
    }

    // ---- space

    /** Removes blobs and snapshots that no image and no container references; returns bytes freed. */
    public long gc() {
        gcLock.writeLock().lock();
        try {
            Set<Digest> keepBlobs = new HashSet<>();
            Set<Digest> keepSnapshots = new HashSet<>();
            for (ImageRecord r : images.list()) {
                markBlobs(r.target(), keepBlobs, keepSnapshots);
            }
            for (String key : snapshots.activeKeys()) {
                Digest parent = snapshots.activeParent(key);
                while (parent != null && keepSnapshots.add(parent)) {
                    parent = snapshots.stat(parent).map(SnapshotInfo::parent).orElse(null);
                }
            }
            long freed = 0;
            for (Digest d : content.list()) {
                if (!keepBlobs.contains(d)) {
                    long size = content.size(d);
                    if (content.delete(d)) {
                        freed += size;
                    }
                }
            }
            for (SnapshotInfo s : snapshots.list()) {
                if (!keepSnapshots.contains(s.chainId())) {
                    freed += snapshots.usage(s.chainId()).bytes();
                    snapshots.remove(s.chainId());
                }
            }
            LOG.info("garbage collection freed {} bytes", freed);
            return freed;
        } finally {
            gcLock.writeLock().unlock();
        }
    }

    /** Content blobs plus unpacked snapshots and containers' writable layers. */
    public DiskUsage diskUsage() {
        long blobs = content.diskUsage();
        return new DiskUsage(blobs, content.list().size()).plus(snapshots.totalUsage());
    }

    private void markBlobs(Descriptor target, Set<Digest> blobs, Set<Digest> snaps) {
        Digest d = target.parsedDigest();
        blobs.add(d);
        if (!content.contains(d)) {
            return;
        }
        Manifests.Parsed parsed = Manifests.parse(content.read(d), target.mediaType(), "manifest " + d);
        if (parsed instanceof Manifests.IndexDoc idx) {
            for (Descriptor m : idx.index().manifests()) {
                if (content.contains(m.parsedDigest())) {
                    markBlobs(m, blobs, snaps);
                }
            }
        } else if (parsed instanceof Manifests.ManifestDoc md) {
            Digest cfg = md.manifest().config().parsedDigest();
            blobs.add(cfg);
            for (Descriptor l : md.manifest().layers()) {
                blobs.add(l.parsedDigest());
            }
            if (content.contains(cfg)) {
                ImageConfig c = Manifests.parseConfig(content.read(cfg), cfg);
                List<Digest> diffIds = new ArrayList<>();
                for (String s : c.rootfs().diffIds()) {
                    diffIds.add(Digest.parse(s));
                }
                snaps.addAll(Snapshotter.chainIds(diffIds));
            }
        }
    }

    // ---- resolution

    private ImageRecord record(String nameOrId) {
        if (nameOrId == null || nameOrId.isEmpty()) {
            throw new InvalidArgumentException("image name or id is empty");
        }
        ImageReference ref = null;
        try {
            ref = ImageReference.parse(nameOrId);
        } catch (InvalidArgumentException e) {
            // not a reference: an id or digest
        }
        if (ref != null) {
            Optional<ImageRecord> r = images.get(ref.toString());
            if (r.isPresent()) {
                return r.get();
            }
            if (ref.digest() != null) {
                for (ImageRecord rec : images.list()) {
                    if (ImageReference.parse(rec.name()).repository().equals(ref.repository())
                            && rec.target().digest().equals(ref.digest().toString())) {
                        return rec;
                    }
                }
            }
        }
        if (HEX_PREFIX.matcher(nameOrId).matches() || Digest.isDigest(nameOrId)) {
            String want = nameOrId.contains(":") ? nameOrId : "sha256:" + nameOrId;
            List<ImageRecord> hits = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (ImageRecord rec : images.list()) {
                boolean hit = rec.target().digest().startsWith(want);
                String id = null;
                try {
                    Image i = resolve(rec.name(), rec, platform);
                    id = i.id().toString();
                    hit = hit || id.startsWith(want) || i.manifestDigest().toString().startsWith(want);
                } catch (RuntimeException e) {
                    // unresolvable: matched by target digest only
                }
                if (hit) {
                    hits.add(rec);
                    ids.add(id == null ? rec.target().digest() : id);
                }
            }
            if (ids.size() > 1) {
                throw new InvalidArgumentException("image id prefix " + nameOrId + " is ambiguous: " + ids);
            }
            if (!hits.isEmpty()) {
                return hits.get(0);
            }
        }
        throw new NotFoundException("image " + nameOrId + " not found");
    }

    /** Reads the manifest (selecting {@code wanted} from an index) and config of a record. */
    Image resolve(String name, ImageRecord rec, Platform wanted) {
        Descriptor target = rec.target();
        Digest top = target.parsedDigest();
        Manifests.Parsed parsed = Manifests.parse(readLocal(top, name), target.mediaType(), "manifest of " + name);
        Digest manifestDigest = top;
        ImageManifest manifest;
        if (parsed instanceof Manifests.IndexDoc idx) {
            Descriptor chosen = select(idx.index(), wanted, name);
            manifestDigest = chosen.parsedDigest();
            Manifests.Parsed inner = Manifests.parse(readLocal(manifestDigest, name), chosen.mediaType(),
                    "manifest " + manifestDigest + " of " + name);
            if (!(inner instanceof Manifests.ManifestDoc md)) {
                throw new UnsupportedMediaTypeException(inner.mediaType(), "nested index in " + name);
            }
            manifest = md.manifest();
        } else {
            manifest = ((Manifests.ManifestDoc) parsed).manifest();
        }
        Digest cfgDigest = manifest.config().parsedDigest();
        ImageConfig config = Manifests.parseConfig(readLocal(cfgDigest, name), cfgDigest);
        List<Digest> diffIds = new ArrayList<>();
        for (String s : config.rootfs().diffIds()) {
            diffIds.add(Digest.parse(s));
        }
        int layers = manifest.layers() == null ? 0 : manifest.layers().size();
        if (layers != diffIds.size()) {
            throw new InvalidArgumentException("image " + name + ": manifest has " + layers
                    + " layers but the config lists " + diffIds.size() + " diff_ids");
        }
        long size = manifest.config().size();
        if (manifest.layers() != null) {
            for (Descriptor l : manifest.layers()) {
                size += l.size();
            }
        }
        List<Digest> chain = Snapshotter.chainIds(diffIds);
        return new Image(cfgDigest, List.of(name), List.of(), manifestDigest, target, size, config.created(),
                config.platform(), config, manifest, diffIds, chain.isEmpty() ? null : chain.get(chain.size() - 1));
    }

    private Descriptor select(ImageIndex index, Platform wanted, String name) {
        return index.select(wanted, name);
    }

    private byte[] readLocal(Digest d, String name) {
        try {
            return content.read(d);
        } catch (NotFoundException e) {
            throw new NotFoundException("image " + name + " is incomplete: blob " + d + " is missing", e);
        }
    }

    private Image withNames(Image i, List<ImageRecord> recs) {
        List<String> tags = new ArrayList<>();
        Set<String> digests = new java.util.LinkedHashSet<>();
        for (ImageRecord r : recs) {
            ImageReference ref = ImageReference.parse(r.name());
            if (ref.tag() != null) {
                tags.add(ref.toString());
            }
            digests.add(ref.repository() + "@" + r.target().digest());
        }
        return new Image(i.id(), tags, List.copyOf(digests), i.manifestDigest(), i.target(), i.size(), i.created(),
                i.platform(), i.config(), i.manifest(), i.diffIds(), i.chainId());
    }

}
