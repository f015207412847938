package io.peapod.image;

import io.peapod.image.content.Digest;
import io.peapod.image.spec.Descriptor;
import io.peapod.image.spec.ImageConfig;
import io.peapod.image.spec.ImageManifest;
import io.peapod.image.spec.Platform;
import java.util.List;

/**
 * An image as listed and inspected: the id is the config digest (as docker and the CRI use it).
 *
 * @param id             config digest
 * @param repoTags       names with a tag pointing at it, e.g. {@code docker.io/library/busybox:latest}
 * @param repoDigests    {@code repository@manifest-or-index-digest} for each repository
 * @param manifestDigest the platform manifest's digest
 * @param size           bytes of config and (compressed) layers
 * @param created        the config's creation time (RFC 3339), or null
 * @param diffIds        uncompressed layer digests, bottom first
 * @param chainId        chain ID of the top layer (the snapshot a container stacks on), null if no layers
 */
public record Image(Digest id, List<String> repoTags, List<String> repoDigests, Digest manifestDigest,
                    Descriptor target, long size, String created, Platform platform, ImageConfig config,
                    ImageManifest manifest, List<Digest> diffIds, Digest chainId) {
}
