package io.peapod.cli.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireTest {
    @Test
    void requestsRoundTrip() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Wire.Request sent = new Wire.Request(List.of("run", "--rm", "img", "sh", "-c", "echo é"), "/home/x",
                Map.of("A", "1=2", "EMPTY", ""), true);
        Wire.writeRequest(new DataOutputStream(bytes), sent);
        Wire.Request got = Wire.readRequest(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(sent, got);
    }

    @Test
    void framesRoundTrip() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        Wire.writeFrame(out, Wire.SIZE, 33, 111);
        Wire.writeFrame(out, Wire.STDOUT, new byte[] {1, 2, 3}, 1, 2);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        Wire.Frame size = Wire.readFrame(in);
        assertEquals(33, size.u32(0));
        assertEquals(111, size.u32(4));
        Wire.Frame data = Wire.readFrame(in);
        assertEquals(Wire.STDOUT, data.type());
        assertEquals(2, data.data().length);
    }

    @Test
    void badRequestsAreRefusedBeforeAnyAllocation() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(Wire.MAGIC);
        out.writeInt(Integer.MAX_VALUE);
        IOException many = assertThrows(IOException.class,
                () -> Wire.readRequest(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        assertTrue(many.getMessage().contains("2147483647 arguments"), many.getMessage());

        bytes.reset();
        out.writeInt(0x47455420); // "GET ": someone speaking HTTP to the socket
        IOException http = assertThrows(IOException.class,
                () -> Wire.readRequest(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        assertTrue(http.getMessage().contains("not a peapod command request"), http.getMessage());

        bytes.reset();
        out.writeByte(Wire.STDIN);
        out.writeInt(-1);
        IOException frame = assertThrows(IOException.class,
                () -> Wire.readFrame(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        assertTrue(frame.getMessage().contains("4294967295 bytes"), frame.getMessage());
    }
}
