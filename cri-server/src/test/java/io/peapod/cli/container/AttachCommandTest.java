package io.peapod.cli.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AttachCommandTest {
    private static byte[] frame(int stream, String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        byte[] f = new byte[5 + data.length];
        f[0] = (byte) stream;
        f[1] = (byte) data.length;
        f[2] = (byte) (data.length >>> 8);
        System.arraycopy(data, 0, f, 5, data.length);
        return f;
    }

    @Test
    void framesGoToTheirStreams() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(frame(1, "out one\n"));
        wire.write(frame(2, "err\n"));
        wire.write(frame(1, "x".repeat(300)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AttachCommand.relay(new ByteArrayInputStream(wire.toByteArray()), out, err);
        assertEquals("out one\n" + "x".repeat(300), out.toString(StandardCharsets.UTF_8));
        assertEquals("err\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTruncatedFrameIsAnError() {
        byte[] f = frame(1, "hello");
        byte[] cut = java.util.Arrays.copyOf(f, f.length - 2);
        assertThrows(EOFException.class, () -> AttachCommand.relay(new ByteArrayInputStream(cut),
                new ByteArrayOutputStream(), new ByteArrayOutputStream()));
    }
}
