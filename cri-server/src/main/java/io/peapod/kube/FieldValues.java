package io.peapod.kube;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The downward API: values of a pod's fields and of its containers' resources, as strings. */
final class FieldValues {
    private static final Pattern KEYED = Pattern.compile("metadata\\.(labels|annotations)\\['([^']+)'\\]");

    private final Kube.Pod pod;
    private final String uid;
    private final String podIp;
    private final String nodeName;

    FieldValues(Kube.Pod pod, String uid, String podIp, String nodeName) {
        this.pod = pod;
        this.uid = uid;
        this.podIp = podIp;
        this.nodeName = nodeName;
    }

    String podIp() {
        return podIp;
    }

    String field(String path) {
        Kube.ObjectMeta md = pod.metadata;
        Matcher m = KEYED.matcher(path);
        if (m.matches()) {
            Map<String, String> map = m.group(1).equals("labels") ? md.labels : md.annotations;
            return map == null ? "" : map.getOrDefault(m.group(2), "");
        }
        return switch (path) {
            case "metadata.name" -> md.name;
            case "metadata.namespace" -> md.namespace == null ? "default" : md.namespace;
            case "metadata.uid" -> uid;
            case "metadata.labels" -> keyValues(md.labels);
            case "metadata.annotations" -> keyValues(md.annotations);
            case "status.podIP", "status.podIPs" -> podIp;
            case "status.hostIP" -> "127.0.0.1";
            case "spec.nodeName" -> pod.spec.nodeName != null ? pod.spec.nodeName : nodeName;
            case "spec.serviceAccountName" -> pod.spec.serviceAccountName != null ? pod.spec.serviceAccountName
                    : "default";
            default -> throw new IllegalArgumentException("unsupported fieldPath " + path);
        };
    }

    /** limits.memory etc. of {@code container}; a missing limit is the node's capacity, as the kubelet says. */
    String resource(Kube.Container container, Kube.ResourceFieldRef ref) {
        String[] parts = ref.resource.split("\\.", 2);
        Map<String, String> values = container.resources == null ? null
                : parts[0].equals("limits") ? container.resources.limits : container.resources.requests;
        String q = values == null ? null : values.get(parts[1]);
        BigDecimal v;
        if (q != null) {
            v = Quantities.parse(q);
        } else if (parts[0].equals("requests")) {
            v = BigDecimal.ZERO;
        } else if (parts[1].equals("cpu")) {
            v = BigDecimal.valueOf(Runtime.getRuntime().availableProcessors());
        } else {
            v = BigDecimal.valueOf(nodeMemory());
        }
        BigDecimal divisor = ref.divisor == null ? BigDecimal.ONE : Quantities.parse(ref.divisor);
        return v.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
    }

    private static long nodeMemory() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read /proc/meminfo", e);
        }
        throw new IllegalStateException("/proc/meminfo has no MemTotal");
    }

    /** {@code key="value"} lines sorted by key, as the kubelet writes labels into a file. */
    private static String keyValues(Map<String, String> map) {
        StringBuilder b = new StringBuilder();
        for (var e : new TreeMap<>(map == null ? Map.<String, String>of() : map).entrySet()) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(e.getKey()).append("=\"").append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return b.toString();
    }
}
