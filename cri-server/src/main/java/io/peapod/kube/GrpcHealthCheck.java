package io.peapod.kube;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A Kubernetes grpc probe: one {@code grpc.health.v1.Health/Check} call over cleartext HTTP/2
 * (prior knowledge, as the kubelet's probe dials), on a socket made by the calling thread, so
 * that a thread inside a pod's network namespace reaches the pod's own ports.
 *
 * <p>The call is small enough to write by hand: the connection preface, an empty SETTINGS, one
 * HEADERS frame (HPACK literals, no compression state) and one DATA frame carrying the
 * request. The answer is judged by its message alone: {@code SERVING} passes; any other status,
 * or a stream that ends without a message (a gRPC error in the trailers), fails. Response
 * headers are never decoded, so no HPACK decoder is needed.
 */
final class GrpcHealthCheck {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int RST_STREAM = 0x3;
    private static final int SETTINGS = 0x4;
    private static final int PING = 0x6;
    private static final int GOAWAY = 0x7;
    private static final int FLAG_END_STREAM = 0x1;
    private static final int FLAG_ACK = 0x1;
    private static final int FLAG_END_HEADERS = 0x4;
    private static final int MAX_FRAME = 1 << 20;
    private static final String[] STATUS = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};

    /** The check's outcome: healthy, or why not. */
    record Outcome(boolean serving, String message) {
    }

    private GrpcHealthCheck() {
    }

    /**
     * Calls Check for {@code service} ("" for the server as a whole) on {@code host:port}.
     *
     * @throws IOException when the connection fails, times out, or does not speak HTTP/2
     */
    static Outcome check(String host, int port, String service, Duration timeout) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            s.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            OutputStream out = s.getOutputStream();
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            first.write(PREFACE);
            frame(first, SETTINGS, 0, 0, new byte[0]);
            frame(first, HEADERS, FLAG_END_HEADERS, 1, headers(host + ":" + port));
            frame(first, DATA, FLAG_END_STREAM, 1, grpcMessage(request(service == null ? "" : service)));
            out.write(first.toByteArray());
            out.flush();
            return answer(new DataInputStream(s.getInputStream()), out);
        }
    }

    private static Outcome answer(DataInputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            int length;
            int type;
            int flags;
            int stream;
            try {
                length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
                type = in.readUnsignedByte();
                flags = in.readUnsignedByte();
                stream = in.readInt() & 0x7fffffff;
            } catch (EOFException e) {
                throw new IOException("the server closed the connection without answering");
            }
            if (length > MAX_FRAME) {
                throw new IOException("not an HTTP/2 server (a frame header claims " + length + " bytes)");
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            switch (type) {
                case SETTINGS -> {
                    if ((flags & FLAG_ACK) == 0) {
                        frame(out, SETTINGS, FLAG_ACK, 0, new byte[0]);
                    }
                }
                case PING -> {
                    if ((flags & FLAG_ACK) == 0) {
                        frame(out, PING, FLAG_ACK, 0, payload);
                    }
                }
                case GOAWAY -> throw new IOException("the server refused the call (GOAWAY, error code "
                        + (payload.length >= 8 ? u32(payload, 4) : -1) + ")");
                case RST_STREAM -> throw new IOException("the server reset the call (error code "
                        + (payload.length >= 4 ? u32(payload, 0) : -1) + ")");
                case DATA -> {
                    if (stream == 1) {
                        message.write(dataOf(payload, flags));
                    }
                }
                default -> {
                    // HEADERS (the status and trailers), WINDOW_UPDATE, PRIORITY: nothing to judge
                }
            }
            if (stream == 1 && (flags & FLAG_END_STREAM) != 0 && (type == DATA || type == HEADERS)) {
                return judge(message.toByteArray());
            }
        }
    }

    private static Outcome judge(byte[] body) {
        if (body.length < 5) {
            return new Outcome(false, "no health status in the answer: the call failed (is grpc.health.v1.Health "
                    + "served on this port?)");
        }
        int status = 0;
        int at = 5;
        int end = 5 + (int) Math.min(u32(body, 1), body.length - 5L);
        while (at < end) {
            int tag = body[at++] & 0xff;
            long[] v = varint(body, at);
            at = (int) v[1];
            if (tag == 0x08) {
                status = (int) v[0];
            } else if ((tag & 7) == 2) {
                at += (int) v[0];
            } else if ((tag & 7) != 0) {
                break;
            }
        }
        if (status == 1) {
            return new Outcome(true, null);
        }
        String name = status >= 0 && status < STATUS.length ? STATUS[status] : Integer.toString(status);
        return new Outcome(false, "service unhealthy (responseStatus=" + name + ")");
    }

    /** DATA payload without padding. */
    private static byte[] dataOf(byte[] payload, int flags) {
        if ((flags & 0x8) == 0 || payload.length == 0) {
            return payload;
        }
        int pad = payload[0] & 0xff;
        return java.util.Arrays.copyOfRange(payload, 1, Math.max(1, payload.length - pad));
    }

    private static byte[] headers(String authority) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        literal(b, ":method", "POST");
        literal(b, ":scheme", "http");
        literal(b, ":path", "/grpc.health.v1.Health/Check");
        literal(b, ":authority", authority);
        literal(b, "content-type", "application/grpc");
        literal(b, "te", "trailers");
        literal(b, "user-agent", "kube-probe/peapod");
        return b.toByteArray();
    }

    /** HPACK "literal header field without indexing, new name", strings not Huffman-coded. */
    private static void literal(ByteArrayOutputStream b, String name, String value) {
        b.write(0x00);
        string(b, name);
        string(b, value);
    }

    private static void string(ByteArrayOutputStream b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        integer(b, bytes.length);
        b.write(bytes, 0, bytes.length);
    }

    /** An HPACK integer with a 7-bit prefix (the Huffman bit clear). */
    private static void integer(ByteArrayOutputStream b, int value) {
        if (value < 127) {
            b.write(value);
            return;
        }
        b.write(127);
        int rest = value - 127;
        while (rest >= 128) {
            b.write((rest & 0x7f) | 0x80);
            rest >>>= 7;
        }
        b.write(rest);
    }

    /** HealthCheckRequest { string service = 1; } */
    private static byte[] request(String service) {
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0) {
            return new byte[0];
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x0a);
        long n = name.length;
        while (n >= 0x80) {
            b.write((int) (n & 0x7f) | 0x80);
            n >>>= 7;
        }
        b.write((int) n);
        b.write(name, 0, name.length);
        return b.toByteArray();
    }

    /** A gRPC length-prefixed message: not compressed, u32 length, bytes. */
    private static byte[] grpcMessage(byte[] message) {
        byte[] out = new byte[5 + message.length];
        out[1] = (byte) (message.length >>> 24);
        out[2] = (byte) (message.length >>> 16);
        out[3] = (byte) (message.length >>> 8);
        out[4] = (byte) message.length;
        System.arraycopy(message, 0, out, 5, message.length);
        return out;
    }

    private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] h = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length, (byte) type,
            (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream};
        out.write(h);
        out.write(payload);
        out.flush();
    }

    private static long u32(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xffL) << 16) | ((b[at + 2] & 0xffL) << 8) | (b[at + 3] & 0xffL);
    }

    /** {value, index after it}; a truncated varint ends the message. */
    private static long[] varint(byte[] b, int at) {
        long v = 0;
        int shift = 0;
        while (at < b.length && shift < 64) {
            int x = b[at++] & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return new long[] {v, at};
            }
            shift += 7;
        }
        return new long[] {v, b.length};
    }
}
