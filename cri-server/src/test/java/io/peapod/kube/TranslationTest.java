package io.peapod.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.peapod.image.spec.ImageConfig;
import io.peapod.runtime.errors.InvalidArgumentException;
import java.util.List;
import java.util.Map;
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
