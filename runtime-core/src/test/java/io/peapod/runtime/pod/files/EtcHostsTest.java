package io.peapod.runtime.pod.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtcHostsTest {

    @Test
    void rendersLocalhostPodIpsAndAliases() {
        String fqdn = EtcHosts.kubernetesFqdn("web-0", "web", "shop", "cluster.local");
        assertEquals("web-0.web.shop.svc.cluster.local", fqdn);
        String text = new EtcHosts("web-0", fqdn, List.of("10.22.0.5", "fd00::5"),
                List.of(new HostAlias("10.1.1.1", List.of("db", "db.internal")))).render();
        List<String> lines = List.of(text.split("\n"));
        assertTrue(lines.contains("127.0.0.1\tlocalhost"), text);
        assertTrue(lines.contains("::1\tlocalhost ip6-localhost ip6-loopback"), text);
        assertTrue(lines.contains("10.22.0.5\tweb-0.web.shop.svc.cluster.local\tweb-0"), text);
        assertTrue(lines.contains("fd00::5\tweb-0.web.shop.svc.cluster.local\tweb-0"), text);
        assertTrue(lines.contains("10.1.1.1\tdb\tdb.internal"), text);
        assertTrue(lines.indexOf("10.1.1.1\tdb\tdb.internal") > lines.indexOf("10.22.0.5\tweb-0.web.shop.svc.cluster.local\tweb-0"));
    }

    @Test
    void withoutSubdomainOnlyTheHostname() {
        assertNull(EtcHosts.kubernetesFqdn("web-0", "", "shop", "cluster.local"));
        String text = new EtcHosts("web-0", null, List.of("10.22.0.5"), List.of()).render();
        assertTrue(text.contains("\n10.22.0.5\tweb-0\n"), text);
        assertTrue(!text.contains("hostAliases"), text);
    }

    @Test
    void badInputIsNamed() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> new EtcHosts("web", null, List.of("10.0.0.1\n1.2.3.4 evil"), List.of()));
        assertTrue(e.getMessage().contains("pod IP"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class,
                () -> new EtcHosts("web", null, List.of(), List.of(new HostAlias("10.0.0.2", List.of("a b")))));
        assertTrue(e.getMessage().contains("\"a b\""), e.getMessage());
        assertThrows(InvalidArgumentException.class,
                () -> new EtcHosts("web", null, List.of(), List.of(new HostAlias("host", List.of("a")))));
        assertThrows(InvalidArgumentException.class,
                () -> new EtcHosts("web", null, List.of(), List.of(new HostAlias("10.0.0.2", List.of()))));
        assertThrows(InvalidArgumentException.class, () -> new EtcHosts("we b", null, List.of(), List.of()));
    }
}
