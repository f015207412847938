package io.peapod.image.registry;

import io.peapod.image.ImageException;
import io.peapod.image.NotFoundException;
import io.peapod.image.ProgressEvent;
import io.peapod.image.ProgressListener;
import io.peapod.image.content.ContentStore;
import io.peapod.image.content.Digest;
import io.peapod.image.spec.Descriptor;
import io.peapod.image.spec.ImageReference;
import io.peapod.image.spec.Manifests;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Uploads an image (index or manifest, with config and layers) from the content store. */
public final class Pusher {
    private final RegistryClient client;
    private final ContentStore content;

    public Pusher(RegistryClient client, ContentStore content) {
        this.client = client;
        this.content = content;
    }

    /** Pushes {@code target} and everything it references under {@code dest}'s tag (or digest). */
    public void push(ImageReference dest, Descriptor target, ProgressListener listener) {
        String name = dest.toString();
        Digest top = target.parsedDigest();
        byte[] bytes = content.read(top);
        Manifests.Parsed parsed = Manifests.parse(bytes, target.mediaType(), "manifest of " + name);
        if (parsed instanceof Manifests.IndexDoc idx) {
            for (Descriptor m : idx.index().manifests()) {
                Digest md = m.parsedDigest();
                if (!content.contains(md)) {
                    throw new NotFoundException("cannot push " + name + ": manifest " + md + " for "
                            + m.platform() + " was not pulled; pull every platform or push a single platform");
                }
                pushManifest(dest, md.toString(), (Manifests.ManifestDoc) Manifests.parse(content.read(md),
                        m.mediaType(), "manifest " + md), name, listener);
            }
            client.putManifest(dest, dest.manifestReference(), bytes, parsed.mediaType());
        } else {
            pushManifest(dest, dest.manifestReference(), (Manifests.ManifestDoc) parsed, name, listener);
        }
        listener.onEvent(new ProgressEvent(ProgressEvent.Kind.DONE, name, top, 0, 0));
    }

    private void pushManifest(ImageReference dest, String reference, Manifests.ManifestDoc doc, String name,
                              ProgressListener listener) {
        List<Descriptor> blobs = new ArrayList<>(doc.manifest().layers());
        blobs.add(doc.manifest().config());
        List<Future<?>> futures = new ArrayList<>();
        for (Descriptor b : blobs) {
            futures.add(client.transfers().submit(() -> {
                Digest d = b.parsedDigest();
                if (client.blobExists(dest, d)) {
                    listener.onEvent(new ProgressEvent(ProgressEvent.Kind.EXISTS, name, d, b.size(), b.size()));
                    return null;
                }
                client.uploadBlob(dest, d, content.size(d), content.path(d), name, listener);
                listener.onEvent(new ProgressEvent(ProgressEvent.Kind.UPLOADED, name, d, b.size(), b.size()));
                return null;
            }));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                futures.forEach(x -> x.cancel(true));
                throw e.getCause() instanceof RuntimeException re ? re
                        : new ImageException("pushing " + name + " failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ImageException("push of " + name + " interrupted", e);
            }
        }
        client.putManifest(dest, reference, doc.bytes(), doc.mediaType());
    }
}
