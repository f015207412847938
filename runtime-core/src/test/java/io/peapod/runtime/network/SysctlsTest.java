package io.peapod.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.runtime.errors.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class SysctlsTest {

    @Test
    void namespacedSysctlsMapToTheirNamespace() {
        assertEquals(NamespaceType.NET, Sysctls.namespaceOf("net.ipv4.ip_unprivileged_port_start"));
        assertEquals(NamespaceType.NET, Sysctls.namespaceOf("net/ipv4/conf/eth0.100/forwarding"));
        assertEquals(NamespaceType.IPC, Sysctls.namespaceOf("kernel.shmmax"));
        assertEquals(NamespaceType.IPC, Sysctls.namespaceOf("kernel.shm_rmid_forced"));
        assertEquals(NamespaceType.IPC, Sysctls.namespaceOf("kernel.msgmnb"));
        assertEquals(NamespaceType.IPC, Sysctls.namespaceOf("kernel.sem"));
        assertEquals(NamespaceType.IPC, Sysctls.namespaceOf("fs.mqueue.msg_max"));
    }

    @Test
    void hostWideSysctlsAreRefusedByName() {
        for (String name : new String[] {"kernel.hostname", "vm.swappiness", "kernel.semx", "fs.file-max",
            "kernel.panic", "netx.foo"}) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Sysctls.namespaceOf(name));
            assertTrue(e.getMessage().contains(name), e.getMessage());
            assertTrue(e.getMessage().contains("not namespaced"), e.getMessage());
        }
    }

    @Test
    void malformedNamesAreRefused() {
        for (String name : new String[] {"", "net..ipv4", "net.ipv4.", "../etc/passwd", "net/../../x", "net ipv4",
            "/net/ipv4"}) {
            assertThrows(InvalidArgumentException.class, () -> Sysctls.namespaceOf(name), name);
        }
    }

    @Test
    void slashedNamesSwapDotsAndSlashes() {
        assertEquals("net.ipv4.conf.eth0/100.forwarding", Sysctls.canonicalName("net/ipv4/conf/eth0.100/forwarding"));
        assertEquals("net/ipv4/conf/eth0.100/forwarding", Sysctls.procPath("net/ipv4/conf/eth0.100/forwarding"));
        assertEquals("net/ipv4/ip_forward", Sysctls.procPath("net.ipv4.ip_forward"));
    }

    @Test
    void valuesWithLineBreaksAreRefused() {
        assertThrows(InvalidArgumentException.class, () -> Sysctls.validateValue("net.x", "1\n2"));
        assertThrows(InvalidArgumentException.class, () -> Sysctls.validateValue("net.x", " "));
        Sysctls.validateValue("kernel.sem", "250 32000 32 128");
    }
}
