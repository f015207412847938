package io.peapod.image.unpack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * commons-compress decodes PAX values as UTF-8, which corrupts binary xattr values
 * ({@code SCHILY.xattr.security.capability}). This reader keeps the raw bytes of each entry's
 * PAX header so that xattrs are applied byte for byte.
 */
final class PaxTapInputStream extends TarArchiveInputStream {
    private static final int TYPEFLAG_OFFSET = 156;

    private ByteArrayOutputStream capture;
    private byte[] pending;

    PaxTapInputStream(InputStream in) {
        super(in, 512 * 20);
    }

    @Override
    protected byte[] readRecord() throws IOException {
        byte[] record = super.readRecord();
        if (record != null && record.length > TYPEFLAG_OFFSET && record[TYPEFLAG_OFFSET] == 'x') {
            capture = new ByteArrayOutputStream();
            pending = null;
        } else {
            pending = capture == null ? null : capture.toByteArray();
            capture = null;
        }
        return record;
    }

    @Override
    public int read(byte[] buf, int offset, int length) throws IOException {
        int n = super.read(buf, offset, length);
        if (capture != null && n > 0) {
            capture.write(buf, offset, n);
        }
        return n;
    }

    /** The raw xattrs (name → value) of the entry just returned by {@link #getNextEntry()}. */
    Map<String, byte[]> takeXattrs() {
        byte[] raw = pending;
        pending = null;
        if (raw == null) {
            return Map.of();
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        int pos = 0;
        while (pos < raw.length) {
            int space = pos;
            int len = 0;
            while (space < raw.length && raw[space] >= '0' && raw[space] <= '9') {
                len = len * 10 + (raw[space] - '0');
                space++;
            }
            if (space >= raw.length || raw[space] != ' ' || len <= 0 || pos + len > raw.length) {
                break;
            }
            int end = pos + len - 1; // the record's trailing newline
            int eq = space + 1;
            while (eq < end && raw[eq] != '=') {
                eq++;
            }
            String key = new String(raw, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            if (key.startsWith("SCHILY.xattr.") && eq < end) {
                byte[] value = new byte[end - eq - 1];
                System.arraycopy(raw, eq + 1, value, 0, value.length);
                out.put(key.substring("SCHILY.xattr.".length()), value);
            } else if (key.startsWith("LIBARCHIVE.xattr.") && eq < end) {
                String v = new String(raw, eq + 1, end - eq - 1, StandardCharsets.US_ASCII);
                out.putIfAbsent(key.substring("LIBARCHIVE.xattr.".length()),
                        java.util.Base64.getDecoder().decode(v.replace("=", "")));
            }
            pos += len;
        }
        return out;
    }
}
