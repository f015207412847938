package io.peapod.cli.remote;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command socket's protocol, between a {@code peapod} client and the daemon that runs its
 * command. The client opens with a request (magic, argv, working directory, environment);
 * then both sides send frames of one type byte, a big-endian u32 length and that many bytes,
 * until the daemon's {@link #EXIT} frame. Everything is in-order over one Unix stream socket.
 */
final class Wire {
    static final int MAGIC = 0x50504431; // "PPD1"

    // client to daemon
    /** Bytes of the client's stdin; an empty frame is its end. Sent only after {@link #WANT_STDIN}. */
    static final byte STDIN = 'i';
    /** Answer to {@link #QUERY_SIZE}: u32 rows, u32 columns; 0, 0 without a terminal. */
    static final byte SIZE = 'w';
    /** Answer to {@link #TERMINAL_MODE}: the mode is set. */
    static final byte MODE_SET = 'm';
    /** The client's terminal changed size (unasked, after {@link #WATCH_SIZE}): u32 rows, u32 columns. */
    static final byte RESIZED = 'z';

    // daemon to client
    static final byte STDOUT = 'o';
    static final byte STDERR = 'e';
    /** u32 exit code; the last frame. */
    static final byte EXIT = 'x';
    /** The command reads stdin: start sending it. */
    static final byte WANT_STDIN = 'r';
    static final byte QUERY_SIZE = 'q';
    /** One byte: 1 puts the client's terminal in raw mode, 0 restores it. */
    static final byte TERMINAL_MODE = 't';
    /** One byte: 1 asks the client to report size changes ({@link #RESIZED}), 0 to stop. */
    static final byte WATCH_SIZE = 'c';

    /** Bounds on a request, so a bad client cannot make the daemon allocate without limit. */
    static final int MAX_STRINGS = 65_536;
    static final int MAX_STRING_BYTES = 1 << 20;
    static final int MAX_FRAME = 1 << 20;

    record Request(List<String> argv, String cwd, Map<String, String> env, boolean terminal) {
    }

    record Frame(byte type, byte[] data) {
        int u32(int index) {
            return ((data[index] & 0xff) << 24) | ((data[index + 1] & 0xff) << 16) | ((data[index + 2] & 0xff) << 8)
                    | (data[index + 3] & 0xff);
        }
    }

    private Wire() {
    }

    static void writeRequest(DataOutputStream out, Request r) throws IOException {
        out.writeInt(MAGIC);
        writeStrings(out, r.argv());
        writeString(out, r.cwd());
        // no lambda or string concatenation here: their bootstrap would cost a client's start-up
        List<String> env = new ArrayList<>(r.env().size());
        for (Map.Entry<String, String> e : r.env().entrySet()) {
            env.add(new StringBuilder(e.getKey()).append('=').append(e.getValue()).toString());
        }
        writeStrings(out, env);
        out.writeBoolean(r.terminal());
        out.flush();
    }

    static Request readRequest(DataInputStream in) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException("not a peapod command request (magic 0x" + Integer.toHexString(magic) + ")");
        }
        List<String> argv = readStrings(in, "argument");
        String cwd = readString(in, "working directory");
        Map<String, String> env = new LinkedHashMap<>();
        for (String e : readStrings(in, "environment variable")) {
            int eq = e.indexOf('=');
            if (eq > 0) {
                env.put(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        return new Request(argv, cwd, env, in.readBoolean());
    }

    static void writeFrame(DataOutputStream out, byte type, byte[] data, int offset, int length) throws IOException {
        synchronized (out) {
            out.writeByte(type);
            out.writeInt(length);
            out.write(data, offset, length);
            out.flush();
        }
    }

    static void writeFrame(DataOutputStream out, byte type, int... values) throws IOException {
        byte[] data = new byte[values.length * 4];
        for (int i = 0; i < values.length; i++) {
            data[i * 4] = (byte) (values[i] >>> 24);
            data[i * 4 + 1] = (byte) (values[i] >>> 16);
            data[i * 4 + 2] = (byte) (values[i] >>> 8);
            data[i * 4 + 3] = (byte) values[i];
        }
        writeFrame(out, type, data, 0, data.length);
    }

    /** The next frame; {@link java.io.EOFException} when the peer closed the connection. */
    static Frame readFrame(DataInputStream in) throws IOException {
        byte type = in.readByte();
        int length = in.readInt();
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("frame of type '" + (char) type + "' claims " + Integer.toUnsignedString(length)
                    + " bytes, more than the " + MAX_FRAME + " allowed");
        }
        byte[] data = new byte[length];
        in.readFully(data);
        return new Frame(type, data);
    }

    private static void writeStrings(DataOutputStream out, List<String> strings) throws IOException {
        out.writeInt(strings.size());
        for (String s : strings) {
            writeString(out, s);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static List<String> readStrings(DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_STRINGS) {
            throw new IOException("request claims " + Integer.toUnsignedString(n) + " " + what + "s, more than "
                    + MAX_STRINGS);
        }
        List<String> out = new ArrayList<>(Math.min(n, 256));
        for (int i = 0; i < n; i++) {
            out.add(readString(in, what));
        }
        return out;
    }

    private static String readString(DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_STRING_BYTES) {
            throw new IOException("request claims a " + what + " of " + Integer.toUnsignedString(n)
                    + " bytes, more than " + MAX_STRING_BYTES);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
