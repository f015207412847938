package io.peapod.image.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small tar writer for tests: ustar headers plus PAX records with raw byte values, and no
 * sanitising of names, so that hostile archives can be written on purpose.
 */
public final class TarWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long mtime = 1_600_000_000L;

    public TarWriter mtime(long seconds) {
        this.mtime = seconds;
        return this;
    }

    public TarWriter dir(String name, int mode) {
        return entry(name, '5', mode, 0, 0, null, new byte[0], Map.of(), 0, 0);
    }

    public TarWriter file(String name, int mode, String content) {
        return file(name, mode, content.getBytes(StandardCharsets.UTF_8));
    }

    public TarWriter file(String name, int mode, byte[] content) {
        return entry(name, '0', mode, 0, 0, null, content, Map.of(), 0, 0);
    }

    public TarWriter file(String name, int mode, int uid, int gid, byte[] content, Map<String, byte[]> xattrs) {
        return entry(name, '0', mode, uid, gid, null, content, xattrs, 0, 0);
    }

    public TarWriter symlink(String name, String target) {
        return entry(name, '2', 0777, 0, 0, target, new byte[0], Map.of(), 0, 0);
    }

    public TarWriter hardlink(String name, String target) {
        return entry(name, '1', 0644, 0, 0, target, new byte[0], Map.of(), 0, 0);
    }

    public TarWriter charDevice(String name, int mode, int major, int minor) {
        return entry(name, '3', mode, 0, 0, null, new byte[0], Map.of(), major, minor);
    }

    public TarWriter blockDevice(String name, int mode, int major, int minor) {
        return entry(name, '4', mode, 0, 0, null, new byte[0], Map.of(), major, minor);
    }

    public TarWriter fifo(String name, int mode) {
        return entry(name, '6', mode, 0, 0, null, new byte[0], Map.of(), 0, 0);
    }

    public TarWriter whiteout(String dir, String name) {
        return file((dir.isEmpty() ? "" : dir + "/") + ".wh." + name, 0644, new byte[0]);
    }

    public TarWriter opaque(String dir) {
        return file(dir + "/.wh..wh..opq", 0644, new byte[0]);
    }

    /** Writes one entry; names or link targets over 100 bytes go into a PAX header. */
    public TarWriter entry(String name, char type, int mode, int uid, int gid, String link, byte[] content,
                           Map<String, byte[]> xattrs, int major, int minor) {
        Map<String, byte[]> pax = new LinkedHashMap<>();
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100) {
            pax.put("path", nameBytes);
        }
        if (link != null && link.getBytes(StandardCharsets.UTF_8).length > 100) {
            pax.put("linkpath", link.getBytes(StandardCharsets.UTF_8));
        }
        for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
            pax.put("SCHILY.xattr." + x.getKey(), x.getValue());
        }
        if (!pax.isEmpty()) {
            ByteArrayOutputStream records = new ByteArrayOutputStream();
            for (Map.Entry<String, byte[]> r : pax.entrySet()) {
                byte[] key = r.getKey().getBytes(StandardCharsets.UTF_8);
                int body = 1 + key.length + 1 + r.getValue().length + 1;
                int len = body + String.valueOf(body).length();
                if (String.valueOf(len).length() != String.valueOf(body).length()) {
                    len++;
                }
                records.writeBytes((len + " ").getBytes(StandardCharsets.US_ASCII));
                records.writeBytes(key);
                records.write('=');
                records.writeBytes(r.getValue());
                records.write('\n');
            }
            header("PaxHeaders/" + trim(name), 'x', 0644, 0, 0, null, records.size(), 0, 0);
            data(records.toByteArray());
        }
        header(name, type, mode, uid, gid, link, content.length, major, minor);
        data(content);
        return this;
    }

    private static String trim(String s) {
        return s.length() > 80 ? s.substring(0, 80) : s;
    }

    private void header(String name, char type, int mode, int uid, int gid, String link, long size, int major,
                        int minor) {
        byte[] h = new byte[512];
        put(h, 0, 100, name);
        octal(h, 100, 8, mode);
        octal(h, 108, 8, uid);
        octal(h, 116, 8, gid);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        h[156] = (byte) type;
        if (link != null) {
            put(h, 157, 100, link);
        }
        put(h, 257, 6, "ustar");
        h[262] = 0;
        h[263] = '0';
        h[264] = '0';
        put(h, 265, 32, "root");
        put(h, 297, 32, "root");
        octal(h, 329, 8, major);
        octal(h, 337, 8, minor);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        String c = String.format("%06o", sum);
        put(h, 148, 6, c);
        h[154] = 0;
        h[155] = ' ';
        out.writeBytes(h);
    }

    private void data(byte[] content) {
        out.writeBytes(content);
        int pad = (int) ((512 - content.length % 512) % 512);
        out.writeBytes(new byte[pad]);
    }

    private static void put(byte[] h, int off, int len, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, off, Math.min(len, b.length));
    }

    private static void octal(byte[] h, int off, int len, long v) {
        String s = Long.toOctalString(v);
        while (s.length() < len - 1) {
            s = "0" + s;
        }
        put(h, off, len - 1, s);
    }

    /** The archive with its two end records. */
    public byte[] toBytes() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(out.toByteArray());
        copy.writeBytes(new byte[1024]);
        return copy.toByteArray();
    }

    public void writeTo(OutputStream o) {
        try {
            o.write(toBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
