package io.peapod.image;

import io.peapod.image.content.Digest;

/**
 * One step of a pull, push, import or unpack, for progress bars.
 *
 * @param kind   what happened
 * @param image  the image reference being worked on
 * @param digest the blob concerned, or null for image-level events
 * @param done   bytes done so far (for DOWNLOADING/UPLOADING), else 0
 * @param total  bytes expected, or -1 when unknown
 */
public record ProgressEvent(Kind kind, String image, Digest digest, long done, long total) {
    /** Event kinds in the order a pull emits them. */
    public enum Kind {
        RESOLVED, EXISTS, WAITING, DOWNLOADING, RETRYING, DOWNLOADED, UNPACKING, UNPACKED, UPLOADING, UPLOADED, DONE
    }
}
