package io.peapod.image.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.image.NotFoundException;
import io.peapod.image.UnsupportedMediaTypeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestsTest {
    static final String D1 = "sha256:" + "11".repeat(32);
    static final String D2 = "sha256:" + "22".repeat(32);
    static final String D3 = "sha256:" + "33".repeat(32);

    static byte[] b(String s) {
        return s.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void dockerManifestIsNormalised() {
        byte[] m = b("{'schemaVersion':2,'mediaType':'application/vnd.docker.distribution.manifest.v2+json',"
                + "'config':{'mediaType':'application/vnd.docker.container.image.v1+json','size':7,'digest':'" + D1 + "'},"
                + "'layers':[{'mediaType':'application/vnd.docker.image.rootfs.diff.tar.gzip','size':9,'digest':'" + D2 + "'}]}");
        Manifests.ManifestDoc doc = assertInstanceOf(Manifests.ManifestDoc.class, Manifests.parse(m, null, "test"));
        assertEquals(MediaTypes.OCI_MANIFEST, MediaTypes.normalise(doc.mediaType(), "x"));
        assertEquals(MediaTypes.Compression.GZIP, MediaTypes.layerCompression(doc.manifest().layers().get(0).mediaType()));
        assertEquals(D2, doc.manifest().layers().get(0).digest());
    }

    @Test
    void ociManifestWithoutMediaTypeIsDetectedByShape() {
        byte[] m = b("{'schemaVersion':2,'config':{'mediaType':'application/vnd.oci.image.config.v1+json','size':7,'digest':'"
                + D1 + "'},'layers':[{'mediaType':'application/vnd.oci.image.layer.v1.tar+zstd','size':9,'digest':'" + D2 + "'}]}");
        Manifests.ManifestDoc doc = assertInstanceOf(Manifests.ManifestDoc.class, Manifests.parse(m, null, "test"));
        assertEquals(MediaTypes.Compression.ZSTD, MediaTypes.layerCompression(doc.manifest().layers().get(0).mediaType()));
    }

    @Test
    void schema1IsRefusedByName() {
        byte[] m = b("{'schemaVersion':1,'name':'x','tag':'y','fsLayers':[]}");
        UnsupportedMediaTypeException e = assertThrows(UnsupportedMediaTypeException.class,
                () -> Manifests.parse(m, MediaTypes.DOCKER_SCHEMA1_SIGNED, "manifest x:y"));
        assertTrue(e.getMessage().contains("unsupported media type application/vnd.docker.distribution.manifest.v1+prettyjws"),
                e.getMessage());
    }

    @Test
    void unknownTypesAreRefusedByName() {
        byte[] m = b("{'schemaVersion':2,'mediaType':'application/vnd.example+json','config':{}}");
        UnsupportedMediaTypeException e = assertThrows(UnsupportedMediaTypeException.class,
                () -> Manifests.parse(m, null, "manifest x"));
        assertTrue(e.getMessage().contains("application/vnd.example+json"), e.getMessage());
        byte[] layer = b("{'schemaVersion':2,'config':{'mediaType':'application/vnd.oci.image.config.v1+json','size':7,'digest':'"
                + D1 + "'},'layers':[{'mediaType':'application/x-foo','size':9,'digest':'" + D2 + "'}]}");
        e = assertThrows(UnsupportedMediaTypeException.class, () -> Manifests.parse(layer, null, "manifest y"));
        assertTrue(e.getMessage().contains("application/x-foo"), e.getMessage());
    }

    @Test
    void platformSelection() {
        ImageIndex index = ImageIndex.oci(List.of(
                Descriptor.of(MediaTypes.OCI_MANIFEST, io.peapod.image.content.Digest.parse(D1), 1)
                        .withPlatform(Platform.of("linux", "arm", "v6")),
                Descriptor.of(MediaTypes.OCI_MANIFEST, io.peapod.image.content.Digest.parse(D2), 1)
                        .withPlatform(Platform.of("linux", "arm", "v7")),
                Descriptor.of(MediaTypes.OCI_MANIFEST, io.peapod.image.content.Digest.parse(D3), 1)
                        .withPlatform(Platform.of("linux", "amd64", null)),
                Descriptor.of(MediaTypes.OCI_MANIFEST, io.peapod.image.content.Digest.parse(D1), 1)
                        .withPlatform(Platform.of("linux", "arm64", "v8"))));
        assertEquals(D3, index.select(Platform.LINUX_AMD64, "i").digest());
        assertEquals(D2, index.select(Platform.parse("linux/arm"), "i").digest());
        assertEquals(D1, index.select(Platform.parse("linux/arm/v6"), "i").digest());
        assertEquals(D1, index.select(Platform.parse("linux/aarch64"), "i").digest());
        NotFoundException e = assertThrows(NotFoundException.class, () -> index.select(Platform.parse("linux/s390x"), "idx"));
        assertTrue(e.getMessage().contains("linux/s390x") && e.getMessage().contains("linux/arm/v7"), e.getMessage());
    }

    @Test
    void parsesIndexFromDockerList() {
        byte[] m = b("{'schemaVersion':2,'mediaType':'application/vnd.docker.distribution.manifest.list.v2+json',"
                + "'manifests':[{'mediaType':'application/vnd.docker.distribution.manifest.v2+json','size':5,'digest':'" + D1
                + "','platform':{'architecture':'amd64','os':'linux'}}]}");
        Manifests.IndexDoc doc = assertInstanceOf(Manifests.IndexDoc.class, Manifests.parse(m, null, "t"));
        assertEquals(D1, doc.index().select(Platform.LINUX_AMD64, "t").digest());
    }
}
