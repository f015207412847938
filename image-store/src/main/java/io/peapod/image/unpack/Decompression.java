package io.peapod.image.unpack;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.peapod.image.spec.MediaTypes.Compression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Opens the uncompressed view of a layer blob. */
public final class Decompression {
    private static final int BUFFER = 1 << 18;

    private Decompression() {
    }

    public static InputStream open(InputStream raw, Compression compression) throws IOException {
        switch (compression) {
            case GZIP:
                return new GZIPInputStream(raw, BUFFER);
            case ZSTD:
                return new BufferedInputStream(new ZstdInputStreamNoFinalizer(raw), BUFFER);
            default:
                return raw;
        }
    }

    /** Sniffs gzip or zstd magic; for archives whose layers carry no media type (docker save). */
    public static Compression detect(BufferedInputStream in) throws IOException {
        in.mark(4);
        byte[] m = in.readNBytes(4);
        in.reset();
        if (m.length >= 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b) {
            return Compression.GZIP;
        }
        if (m.length == 4 && (m[0] & 0xff) == 0x28 && (m[1] & 0xff) == 0xb5 && (m[2] & 0xff) == 0x2f
                && (m[3] & 0xff) == 0xfd) {
            return Compression.ZSTD;
        }
        return Compression.NONE;
    }
}
