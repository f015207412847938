package io.peapod.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.cri.translate.RootfsReader;
import io.peapod.image.spec.ImageConfig;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.spec.User;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TranslationTest {
    private static ImageConfig.ContainerConfig image(List<String> entrypoint, List<String> cmd) {
        return new ImageConfig.ContainerConfig(null, null, null, entrypoint, cmd, null, null, null, null);
    }

    private static Kube.Container container(List<String> command, List<String> args) {
        Kube.Container c = new Kube.Container();
        c.name = "c";
        c.image = "img";
        c.command = command;
        c.args = args;
        return c;
    }

    @Test
    void commandAndArgsFollowKubernetesRules() {
        var img = image(List.of("/ep"), List.of("cmd1"));
        assertEquals(List.of("/ep", "cmd1"), ContainerSpecs.args(container(null, null), img));
        assertEquals(List.of("/ep", "a"), ContainerSpecs.args(container(null, List.of("a")), img));
        assertEquals(List.of("/bin/x"), ContainerSpecs.args(container(List.of("/bin/x"), null), img),
                "command drops the image's Cmd");
        assertEquals(List.of("/bin/x", "a"), ContainerSpecs.args(container(List.of("/bin/x"), List.of("a")), img));
        assertThrows(InvalidArgumentException.class,
                () -> ContainerSpecs.args(container(null, null), image(null, null)));
    }

    /** An image's /etc/passwd and /etc/group as the user resolution reads them. */
    private static final RootfsReader FILES = path -> Optional.ofNullable(Map.of(
            "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
                    + "www-data:x:33:33:www-data:/var/www:/bin/false\n",
            "/etc/group", "root:x:0:\nwww-data:x:33:\nweb:x:800:www-data,nobody\nnogroup:x:65534:\n").get(path));

    private static ImageConfig.ContainerConfig imageUser(String user) {
        return new ImageConfig.ContainerConfig(user, null, null, null, List.of("sh"), null, null, null, null);
    }

    private static Manifest manifest(String podSecurity, String containerSecurity) {
        return ManifestReader.parse("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  securityContext: {%s}
                  containers:
                  - {name: app, image: i, securityContext: {%s}}
                """.formatted(podSecurity, containerSecurity), "t");
    }

    private static User user(Manifest m, String imageUser) {
        return ContainerSpecs.user(m, m.pod().spec.containers.get(0), imageUser(imageUser), FILES);
    }

    @Test
    void anImageUserGivenByNameIsResolvedInTheImagesOwnFiles() {
        Manifest plain = manifest("", "");
        User nobody = user(plain, "nobody");
        assertEquals(65534L, nobody.uid);
        assertEquals(65534L, nobody.gid);
        assertEquals(List.of(800L), nobody.additionalGids, "its /etc/group memberships");
        User www = user(plain, "www-data:nogroup");
        assertEquals(33L, www.uid);
        assertEquals(65534L, www.gid);
        User numeric = user(plain, "33");
        assertEquals(33L, numeric.uid);
        assertEquals(33L, numeric.gid, "a numeric uid in /etc/passwd takes its group");
        User unknownUid = user(plain, "4242");
        assertEquals(4242L, unknownUid.uid);
        assertEquals(0L, unknownUid.gid);
        User root = user(plain, "");
        assertEquals(0L, root.uid);

        InvalidArgumentException missing = assertThrows(InvalidArgumentException.class, () -> user(plain, "ghost"));
        assertTrue(missing.getMessage().contains("container app") && missing.getMessage().contains("\"ghost\"")
                && missing.getMessage().contains("/etc/passwd"), missing.getMessage());

        User overridden = user(manifest("runAsUser: 1000", "runAsGroup: 7"), "nobody");
        assertEquals(1000L, overridden.uid, "runAsUser wins over the image's User");
        assertEquals(7L, overridden.gid);
        User regrouped = user(manifest("fsGroup: 900, supplementalGroups: [800, 901]", "runAsGroup: 7"), "nobody");
        assertEquals(65534L, regrouped.uid);
        assertEquals(7L, regrouped.gid, "runAsGroup wins over the image user's group");
        assertEquals(List.of(800L, 900L, 901L), regrouped.additionalGids);

        assertEquals(65534L, user(manifest("runAsNonRoot: true", ""), "nobody").uid,
                "runAsNonRoot accepts a name that resolves to a non-zero uid");
        assertThrows(InvalidArgumentException.class, () -> user(manifest("", "runAsNonRoot: true"), "root"),
                "and refuses one that resolves to root");
    }

    @Test
    void environmentReferencesExpand() {
        Map<String, String> earlier = Map.of("A", "1", "B", "two");
        assertEquals("1-two", Environment.expand("$(A)-$(B)", earlier));
        assertEquals("$(C) stays", Environment.expand("$(C) stays", earlier));
        assertEquals("$(A) escaped", Environment.expand("$$(A) escaped", earlier));
    }

    @Test
    void downwardValues() {
        Kube.Pod pod = ManifestReader.parse("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ns, labels: {b: "2", a: "x\\"y"}, annotations: {k: v}}
                spec:
                  containers:
                  - {name: c, image: i, resources: {limits: {cpu: 1500m, memory: 64Mi}}}
                """, "t").pod();
        FieldValues f = new FieldValues(pod, "uid-1", "10.0.0.5", "node1");
        assertEquals("p", f.field("metadata.name"));
        assertEquals("ns", f.field("metadata.namespace"));
        assertEquals("uid-1", f.field("metadata.uid"));
        assertEquals("a=\"x\\\"y\"\nb=\"2\"", f.field("metadata.labels"));
        assertEquals("v", f.field("metadata.annotations['k']"));
        assertEquals("10.0.0.5", f.field("status.podIP"));
        assertEquals("node1", f.field("spec.nodeName"));
        assertEquals("default", f.field("spec.serviceAccountName"));
        Kube.ResourceFieldRef cpu = new Kube.ResourceFieldRef();
        cpu.resource = "limits.cpu";
        assertEquals("2", f.resource(pod.spec.containers.get(0), cpu), "cpu rounds up to whole cores");
        cpu.divisor = "1m";
        assertEquals("1500", f.resource(pod.spec.containers.get(0), cpu));
        Kube.ResourceFieldRef mem = new Kube.ResourceFieldRef();
        mem.resource = "limits.memory";
        mem.divisor = "1Mi";
        assertEquals("64", f.resource(pod.spec.containers.get(0), mem));
    }
}
