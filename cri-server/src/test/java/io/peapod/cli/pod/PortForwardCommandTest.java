package io.peapod.cli.pod;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.runtime.errors.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class PortForwardCommandTest {
    @Test
    void parsesTheKubectlForms() {
        assertArrayEquals(new int[] {8080, 80}, PortForwardCommand.parse("8080:80"));
        assertArrayEquals(new int[] {0, 80}, PortForwardCommand.parse(":80"));
        assertArrayEquals(new int[] {5000, 5000}, PortForwardCommand.parse("5000"));
    }

    @Test
    void refusesBadMappingsByName() {
        for (String bad : new String[] {"a:b", "1:2:3", "8080:0", "70000:80", ""}) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> PortForwardCommand.parse(bad));
            assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
        }
    }
}
