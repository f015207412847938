package io.peapod.image.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.image.InvalidArgumentException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
    static final String D = "sha256:" + "ab".repeat(32);

    @ParameterizedTest
    @CsvSource({
        "busybox, docker.io/library/busybox:latest, busybox:latest",
        "busybox:1.36, docker.io/library/busybox:1.36, busybox:1.36",
        "library/busybox, docker.io/library/busybox:latest, busybox:latest",
        "docker.io/busybox, docker.io/library/busybox:latest, busybox:latest",
        "index.docker.io/library/busybox:1, docker.io/library/busybox:1, busybox:1",
        "user/app:v1, docker.io/user/app:v1, user/app:v1",
        "localhost/x, localhost/x:latest, localhost/x:latest",
        "localhost:5000/x, localhost:5000/x:latest, localhost:5000/x:latest",
        "127.0.0.1:5000/a/b/c:t_1.2-x, 127.0.0.1:5000/a/b/c:t_1.2-x, 127.0.0.1:5000/a/b/c:t_1.2-x",
        "quay.io/coreos/etcd, quay.io/coreos/etcd:latest, quay.io/coreos/etcd:latest",
        "Foo.io/x, Foo.io/x:latest, Foo.io/x:latest",
        "my-registry:5000/ns/app__x, my-registry:5000/ns/app__x:latest, my-registry:5000/ns/app__x:latest",
    })
    void normalises(String input, String full, String familiar) {
        ImageReference r = ImageReference.parse(input);
        assertEquals(full, r.toString());
        assertEquals(familiar, r.familiar());
    }

    @org.junit.jupiter.api.Test
    void digests() {
        ImageReference r = ImageReference.parse("busybox@" + D);
        assertNull(r.tag());
        assertEquals(D, r.digest().toString());
        assertEquals("docker.io/library/busybox@" + D, r.toString());
        assertEquals(D, r.manifestReference());
        ImageReference both = ImageReference.parse("localhost:5000/x:1@" + D);
        assertEquals("1", both.tag());
        assertEquals(D, both.manifestReference());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Busybox", "busybox:", "busybox:-bad", "a//b", "busybox@sha256:1234",
        "-x", "x-", "a/b:c:d", "bad_host:port:5000/x", "busybox@md5:" + "a"})
    void rejectsAndNamesTheReference(String input) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> ImageReference.parse(input));
        assertTrue(e.getMessage().contains("\"" + input + "\""), e.getMessage());
    }
}
