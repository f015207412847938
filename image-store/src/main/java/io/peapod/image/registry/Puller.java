package io.peapod.image.registry;

import io.peapod.image.ImageException;
import io.peapod.image.InvalidArgumentException;
import io.peapod.image.ProgressEvent;
import io.peapod.image.ProgressListener;
import io.peapod.image.UnsupportedMediaTypeException;
import io.peapod.image.content.ContentStore;
import io.peapod.image.content.Digest;
import io.peapod.image.spec.Descriptor;
import io.peapod.image.spec.ImageConfig;
import io.peapod.image.spec.ImageReference;
import io.peapod.image.spec.Manifests;
import io.peapod.image.spec.MediaTypes;
import io.peapod.image.spec.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Fetches an image's index, manifest, config and layers into the content store (no unpacking). */
public final class Puller {
    private final RegistryClient client;
    private final ContentStore content;

    public Puller(RegistryClient client, ContentStore content) {
        this.client = client;
        this.content = content;
    }

    /** What was pulled: the descriptor the name should point at, and the platform manifest. */
    public record Result(Descriptor target, Digest manifestDigest, Digest configDigest) {
    }

    public Result pull(ImageReference ref, Platform platform, ProgressListener listener) {
        String name = ref.toString();
        RegistryClient.Fetched top = client.getManifest(ref, ref.manifestReference());
        Manifests.Parsed parsed = Manifests.parse(top.bytes(), top.mediaType(), "manifest of " + name);
        content.put(top.digest(), top.bytes());
        Descriptor target = new Descriptor(parsed.mediaType(), top.digest().toString(), top.bytes().length,
                null, null, null);
        listener.onEvent(new ProgressEvent(ProgressEvent.Kind.RESOLVED, name, top.digest(), 0, top.bytes().length));

        Manifests.ManifestDoc manifest;
        Digest manifestDigest = top.digest();
        if (parsed instanceof Manifests.IndexDoc idx) {
            Descriptor chosen = idx.index().select(platform, name);
            manifestDigest = chosen.parsedDigest();
            RegistryClient.Fetched m = client.getManifest(ref, manifestDigest.toString());
            Manifests.Parsed inner = Manifests.parse(m.bytes(), chosen.mediaType(),
                    "manifest " + manifestDigest + " of " + name);
            if (!(inner instanceof Manifests.ManifestDoc md)) {
                throw new UnsupportedMediaTypeException(inner.mediaType(), "manifest nested in index " + name);
            }
            content.put(manifestDigest, m.bytes());
            manifest = md;
        } else {
            manifest = (Manifests.ManifestDoc) parsed;
        }

        Descriptor cfg = manifest.manifest().config();
        Digest cfgDigest = cfg.parsedDigest();
        if (!content.contains(cfgDigest)) {
            client.fetchBlob(ref, cfgDigest, cfg.size(), content, name, listener);
        }
        ImageConfig config = Manifests.parseConfig(content.read(cfgDigest), cfgDigest);
        List<Descriptor> layers = manifest.manifest().layers() == null ? List.of() : manifest.manifest().layers();
        if (config.rootfs().diffIds().size() != layers.size()) {
            throw new InvalidArgumentException("image " + name + ": manifest lists " + layers.size()
                    + " layers but its config has " + config.rootfs().diffIds().size() + " diff_ids");
        }
        if (config.os() != null && !platform.matches(config.platform()) && parsed instanceof Manifests.IndexDoc) {
            throw new InvalidArgumentException("image " + name + ": index entry for " + platform
                    + " points at a config for " + config.platform());
        }
        fetchLayers(ref, name, layers, listener);
        return new Result(target, manifestDigest, cfgDigest);
    }

    private void fetchLayers(ImageReference ref, String name, List<Descriptor> layers, ProgressListener listener) {
        List<Future<?>> futures = new ArrayList<>();
        for (Descriptor l : layers) {
            MediaTypes.layerCompression(l.mediaType());
            Digest d = l.parsedDigest();
            if (content.contains(d)) {
                listener.onEvent(new ProgressEvent(ProgressEvent.Kind.EXISTS, name, d, l.size(), l.size()));
                continue;
            }
            listener.onEvent(new ProgressEvent(ProgressEvent.Kind.WAITING, name, d, 0, l.size()));
            futures.add(client.transfers().submit(() -> {
                client.fetchBlob(ref, d, l.size(), content, name, listener);
                listener.onEvent(new ProgressEvent(ProgressEvent.Kind.DOWNLOADED, name, d, l.size(), l.size()));
                return null;
            }));
        }
        RuntimeException failure = null;
        for (Future<?> f : futures) {
            try {
                if (failure != null) {
                    f.cancel(true);
                } else {
                    f.get();
                }
            } catch (ExecutionException e) {
                failure = e.getCause() instanceof RuntimeException re ? re
                        : new ImageException("pulling " + name + " failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new ImageException("pull of " + name + " interrupted", e);
            } catch (java.util.concurrent.CancellationException e) {
                // after a failure
            }
        }
        if (failure != null) {
            for (Future<?> f : futures) {
                f.cancel(true);
            }
            throw failure;
        }
    }
}
