package io.peapod.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peapod.image.content.Digest;
import io.peapod.image.content.LocalContentStore;
import io.peapod.image.registry.RegistryClient;
import io.peapod.image.registry.RegistryConfig;
import io.peapod.image.registry.RegistryException;
import io.peapod.image.snapshot.OverlaySnapshotter;
import io.peapod.image.spec.Descriptor;
import io.peapod.image.spec.MediaTypes;
import io.peapod.image.spec.MediaTypes.Compression;
import io.peapod.image.spec.Platform;
import io.peapod.image.store.ImageStore;
import io.peapod.image.testing.CuttingProxy;
import io.peapod.image.testing.FakeRegistry;
import io.peapod.image.testing.LocalRegistry;
import io.peapod.image.testing.TarWriter;
import io.peapod.image.testing.TestImages;
import io.peapod.sys.LinuxSyscalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/** Push and pull against a real docker-registry (and a fake one for protocol corners). Needs root to unpack. */
@EnabledIf(value = "io.peapod.image.testing.Root#isRoot", disabledReason = "needs root to unpack whiteouts")
class RegistryIT {
    @TempDir
    Path tmp;

    LocalRegistry registry;
    final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void startRegistry() throws Exception {
        assumeTrue(LocalRegistry.available(), "docker-registry is not installed (/usr/bin/docker-registry)");
        registry = LocalRegistry.start(tmp.resolve("registry"), null);
        closeables.add(registry);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    ImageService service(String name, RegistryConfig config) {
        Path dir = tmp.resolve(name);
        RegistryClient client = new RegistryClient(config);
        closeables.add(client);
        return new ImageService(new LocalContentStore(dir.resolve("content")),
                new OverlaySnapshotter(dir.resolve("snapshots")), new ImageStore(dir.resolve("images")), client,
                LinuxSyscalls.get(), Platform.LINUX_AMD64, id -> false, dir.resolve("tmp"));
    }

    static RegistryConfig fast() {
        return new RegistryConfig().authFile(null).retries(4, Duration.ofMillis(50));
    }

    /** Builds busybox (3 layers: gzip, zstd, tar) and a two-platform index into {@code s}. */
    static void seed(ImageService s, String host) {
        TestImages.Built b = TestImages.build(s.content(), TestImages.busyboxLayers(), Platform.LINUX_AMD64);
        ImageStore names = new ImageStore(((LocalContentStore) s.content()).root().getParent().resolve("images"));
        names.put(host + "/test/busybox:1", b.target());
        Descriptor idx = TestImages.buildIndex(s.content(), TestImages.busyboxLayers(),
                List.of(Platform.LINUX_AMD64, Platform.parse("linux/arm64/v8")));
        names.put(host + "/test/multi:1", idx);
    }

    @Test
    void pushThenPullGivesTheSameDigests() {
        ImageService a = service("a", fast());
        seed(a, registry.host());
        a.push(registry.host() + "/test/busybox:1", null, ProgressListener.NONE);
        a.push(registry.host() + "/test/multi:1", null, ProgressListener.NONE);
        Image pushed = a.inspect(registry.host() + "/test/busybox:1");

        ImageService b = service("b", fast());
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        Image pulled = b.pull(registry.host() + "/test/busybox:1", events::add);
        assertEquals(pushed.manifestDigest(), pulled.manifestDigest());
        assertEquals(pushed.id(), pulled.id());
        for (Descriptor l : pushed.manifest().layers()) {
            assertTrue(b.content().contains(l.parsedDigest()));
        }
        assertTrue(events.stream().anyMatch(e -> e.kind() == ProgressEvent.Kind.DOWNLOADING && e.total() > 0
                && e.done() == e.total()), "progress reported per layer");
        assertTrue(events.stream().anyMatch(e -> e.kind() == ProgressEvent.Kind.UNPACKED));
        assertTrue(b.snapshotter().stat(pulled.chainId()).isPresent(), "unpacked");

        Image multi = b.pull(registry.host() + "/test/multi:1", ProgressListener.NONE);
        Image multiPushed = a.inspect(registry.host() + "/test/multi:1");
        assertEquals(multiPushed.target().digest(), multi.target().digest(), "index digest preserved");
        assertEquals(multiPushed.manifestDigest(), multi.manifestDigest());
        assertEquals(MediaTypes.OCI_INDEX, multi.target().mediaType());

        ImageService arm = new ImageService(b.content(), b.snapshotter(), new ImageStore(tmp.resolve("arm-images")),
                new RegistryClient(fast()), LinuxSyscalls.get(), Platform.parse("linux/arm64"), id -> false,
                tmp.resolve("arm-tmp"));
        Image armImage = arm.pull(registry.host() + "/test/multi:1", Platform.parse("linux/arm64"), false,
                ProgressListener.NONE);
        assertEquals("arm64", armImage.platform().architecture());

        Image byDigest = service("c", fast()).pull(registry.host() + "/test/busybox@" + pushed.manifestDigest(),
                ProgressListener.NONE);
        assertEquals(pushed.id(), byDigest.id());
    }

    @Test
    void chunkedPushWorks() {
        ImageService a = service("a", fast().pushChunkSize(64 * 1024));
        seed(a, registry.host());
        a.push(registry.host() + "/test/busybox:1", registry.host() + "/chunked/busybox:2", ProgressListener.NONE);
        Image pulled = service("b", fast()).pull(registry.host() + "/chunked/busybox:2", Platform.LINUX_AMD64, false,
                ProgressListener.NONE);
        assertEquals(a.inspect(registry.host() + "/test/busybox:1").manifestDigest(), pulled.manifestDigest());
    }

    @Test
    void corruptBlobIsRefusedAndNothingCommitted() throws IOException {
        ImageService a = service("a", fast());
        seed(a, registry.host());
        a.push(registry.host() + "/test/busybox:1", null, ProgressListener.NONE);
        Image pushed = a.inspect(registry.host() + "/test/busybox:1");
        Digest layer = pushed.manifest().layers().get(0).parsedDigest();
        Path data = registry.blobData(layer.hex());
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(data, bytes);

        ImageService b = service("b", fast());
        DigestMismatchException e = assertThrows(DigestMismatchException.class,
                () -> b.pull(registry.host() + "/test/busybox:1", ProgressListener.NONE));
        assertTrue(e.getMessage().contains(layer.toString()), e.getMessage());
        assertFalse(b.content().contains(layer));
        assertTrue(b.list().isEmpty(), "no image named after a failed pull");
    }

    @Test
    void missingBlobIsNamed() throws IOException {
        ImageService a = service("a", fast());
        seed(a, registry.host());
        a.push(registry.host() + "/test/busybox:1", null, ProgressListener.NONE);
        Digest layer = a.inspect(registry.host() + "/test/busybox:1").manifest().layers().get(1).parsedDigest();
        Files.delete(registry.blobData(layer.hex()));
        ImageService b = service("b", fast());
        ImageException e = assertThrows(ImageException.class,
                () -> b.pull(registry.host() + "/test/busybox:1", ProgressListener.NONE));
        assertTrue(e.getMessage().contains(layer.toString()), e.getMessage());
        assertTrue(b.list().isEmpty());
        NotFoundException nf = assertThrows(NotFoundException.class,
                () -> b.pull(registry.host() + "/test/nothing:1", ProgressListener.NONE));
        assertTrue(nf.getMessage().contains("nothing"), nf.getMessage());
    }

    @Test
    void brokenConnectionResumesWithRange() throws Exception {
        ImageService a = service("a", fast());
        byte[] big = new byte[8 << 20];
        new Random(3).nextBytes(big);
        TestImages.Built built = TestImages.build(a.content(), List.of(new TestImages.Layer(
                new TarWriter().file("big", 0644, big).toBytes(), Compression.GZIP)), Platform.LINUX_AMD64);
        CuttingProxy proxy = new CuttingProxy(registry.port(), 3 << 20, 2);
        closeables.add(proxy);
        String viaProxy = "127.0.0.1:" + proxy.port() + "/test/big:1";
        new ImageStore(tmp.resolve("a/images")).put(registry.host() + "/test/big:1", built.target());
        a.push(registry.host() + "/test/big:1", null, ProgressListener.NONE);

        ImageService b = service("b", fast());
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        Image pulled = b.pull(viaProxy, events::add);
        assertEquals(built.target().digest(), pulled.manifestDigest().toString());
        assertEquals(2, proxy.cutsDone(), "the proxy did cut the download");
        assertTrue(events.stream().anyMatch(e -> e.kind() == ProgressEvent.Kind.RETRYING && e.done() > 0),
                "resumed from a non-zero offset");
        assertTrue(Files.size(b.snapshotter().stat(pulled.chainId()).orElseThrow().fs().resolve("big")) == big.length);
    }

    @Test
    void basicAuthFromExplicitCredentialsAndAuthFile() throws Exception {
        String line = LocalRegistry.htpasswd("peapod", "s3cret");
        assumeTrue(line != null, "no bcrypt available (perl crypt with $2y$) to write an htpasswd entry");
        LocalRegistry secured = LocalRegistry.start(tmp.resolve("secured"), line);
        closeables.add(secured);
        ImageService a = service("a", fast());
        seed(a, secured.host());
        RegistryException denied = assertThrows(RegistryException.class,
                () -> a.push(secured.host() + "/test/busybox:1", null, ProgressListener.NONE));
        assertTrue(denied.getMessage().contains(secured.host()) && denied.getMessage().contains("no credentials"),
                denied.getMessage());

        ImageService withCreds = service("a2", fast().credentials(secured.host(), "peapod", "s3cret"));
        seed(withCreds, secured.host());
        withCreds.push(secured.host() + "/test/busybox:1", null, ProgressListener.NONE);

        Path authFile = tmp.resolve("docker-config.json");
        Files.writeString(authFile, "{\"auths\":{\"" + secured.host() + "\":{\"auth\":\""
                + Base64.getEncoder().encodeToString("peapod:s3cret".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
        Image pulled = service("b", fast().authFile(authFile)).pull(secured.host() + "/test/busybox:1",
                Platform.LINUX_AMD64, false, ProgressListener.NONE);
        assertEquals(withCreds.inspect(secured.host() + "/test/busybox:1").id(), pulled.id());

        ImageService wrong = service("c", fast().credentials(secured.host(), "peapod", "wrong"));
        RegistryException e = assertThrows(RegistryException.class,
                () -> wrong.pull(secured.host() + "/test/busybox:1", ProgressListener.NONE));
        assertEquals(401, e.status());
    }

    @Test
    void mirrorsAreTriedFirstAndFallenBackFrom() throws Exception {
        ImageService a = service("a", fast());
        seed(a, registry.host());
        a.push(registry.host() + "/test/busybox:1", null, ProgressListener.NONE);
        Digest want = a.inspect(registry.host() + "/test/busybox:1").manifestDigest();
        int dead = LocalRegistry.freePort();
        // A dead upstream served by a working mirror.
        Image viaMirror = service("b", fast().mirrors("127.0.0.1:" + dead, List.of("http://" + registry.host())))
                .pull("127.0.0.1:" + dead + "/test/busybox:1", Platform.LINUX_AMD64, false, ProgressListener.NONE);
        assertEquals(want, viaMirror.manifestDigest());
        // A dead mirror in front of a working upstream.
        Image fallback = service("c", fast().mirrors(registry.host(), List.of("http://127.0.0.1:" + dead)))
                .pull(registry.host() + "/test/busybox:1", Platform.LINUX_AMD64, false, ProgressListener.NONE);
        assertEquals(want, fallback.manifestDigest());
    }

    @Test
    void bearerTokensRedirectsAndUnsupportedMediaTypes() throws Exception {
        FakeRegistry fake = new FakeRegistry();
        closeables.add(fake);
        ImageService seedSvc = service("seed", fast());
        TestImages.Built b = TestImages.build(seedSvc.content(), List.of(new TestImages.Layer(
                new TarWriter().file("f", 0644, "fake").toBytes(), Compression.GZIP)), Platform.LINUX_AMD64);
        fake.serve("x/manifests/1", MediaTypes.OCI_MANIFEST, b.manifest());
        Descriptor cfg = io.peapod.image.spec.Json.parse(b.manifest(), io.peapod.image.spec.ImageManifest.class, "m")
                .config();
        fake.serve("x/blobs/" + cfg.digest(), "application/octet-stream", seedSvc.content().read(cfg.parsedDigest()));
        Descriptor layer = io.peapod.image.spec.Json.parse(b.manifest(), io.peapod.image.spec.ImageManifest.class, "m")
                .layers().get(0);
        fake.serve("x/blobs/" + layer.digest(), "application/octet-stream",
                seedSvc.content().read(layer.parsedDigest()));
        fake.serve("x/manifests/old", MediaTypes.DOCKER_SCHEMA1_SIGNED,
                "{\"schemaVersion\":1,\"name\":\"x\",\"tag\":\"old\",\"fsLayers\":[]}".getBytes());
        fake.serve("x/manifests/odd", "application/vnd.example.thing+json",
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.example.thing+json\"}".getBytes());

        ImageService c = service("client", fast());
        Image pulled = c.pull(fake.host() + "/x:1", ProgressListener.NONE);
        assertEquals(b.config(), pulled.id());
        assertTrue(fake.seen.stream().anyMatch(s -> s.startsWith("/token")), "token fetched");
        assertTrue(fake.seen.stream().filter(s -> s.startsWith("/storage/")).allMatch(s -> s.endsWith(" -")),
                "credentials are not sent to the redirect target: " + fake.seen);
        assertTrue(fake.seen.stream().anyMatch(s -> s.startsWith("/storage/")), "blobs followed the redirect");

        UnsupportedMediaTypeException old = assertThrows(UnsupportedMediaTypeException.class,
                () -> c.pull(fake.host() + "/x:old", ProgressListener.NONE));
        assertTrue(old.getMessage().contains("unsupported media type application/vnd.docker.distribution.manifest.v1+prettyjws"),
                old.getMessage());
        UnsupportedMediaTypeException odd = assertThrows(UnsupportedMediaTypeException.class,
                () -> c.pull(fake.host() + "/x:odd", ProgressListener.NONE));
        assertTrue(odd.getMessage().contains("application/vnd.example.thing+json"), odd.getMessage());
    }

    @Test
    void httpsWithAPerRegistryCaDirectory() throws Exception {
        Path certs = tmp.resolve("certs");
        javax.net.ssl.SSLContext serverTls = io.peapod.image.testing.TestCerts.selfSigned(tmp.resolve("pki"));
        FakeRegistry fake = new FakeRegistry(serverTls);
        closeables.add(fake);
        ImageService seedSvc = service("seed", fast());
        TestImages.Built b = TestImages.build(seedSvc.content(), List.of(new TestImages.Layer(
                new TarWriter().file("f", 0644, "tls").toBytes(), Compression.GZIP)), Platform.LINUX_AMD64);
        io.peapod.image.spec.ImageManifest m = io.peapod.image.spec.Json.parse(b.manifest(),
                io.peapod.image.spec.ImageManifest.class, "m");
        fake.serve("x/manifests/1", MediaTypes.OCI_MANIFEST, b.manifest());
        for (Descriptor d : List.of(m.config(), m.layers().get(0))) {
            fake.serve("x/blobs/" + d.digest(), "application/octet-stream", seedSvc.content().read(d.parsedDigest()));
        }
        // Loopback is not treated as insecure here: TLS must verify, and there is no fallback to http.
        RegistryException untrusted = assertThrows(RegistryException.class, () -> service("no-ca",
                fast().loopbackInsecure(false).certsDir(certs)).pull(fake.host() + "/x:1", Platform.LINUX_AMD64,
                false, ProgressListener.NONE));
        assertTrue(untrusted.getMessage().contains("https://" + fake.host()), untrusted.getMessage());

        // CA directories are per host; the fake redirects blobs to localhost:<port>, a second host.
        for (String host : List.of(fake.host(), fake.host().replace("127.0.0.1", "localhost"))) {
            Files.createDirectories(certs.resolve(host));
            Files.copy(tmp.resolve("pki/ca.crt"), certs.resolve(host).resolve("ca.crt"));
        }
        Image pulled = service("with-ca", fast().loopbackInsecure(false).certsDir(certs))
                .pull(fake.host() + "/x:1", Platform.LINUX_AMD64, false, ProgressListener.NONE);
        assertEquals(b.config(), pulled.id());
    }
}
