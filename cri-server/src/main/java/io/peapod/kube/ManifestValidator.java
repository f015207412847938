package io.peapod.kube;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a read manifest as the API server would, collecting every problem with its field path. */
final class ManifestValidator {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    private static final Set<String> FIELD_PATHS = Set.of("metadata.name", "metadata.namespace", "metadata.uid",
            "status.podIP", "status.podIPs", "status.hostIP", "spec.nodeName", "spec.serviceAccountName");
    private static final Set<String> RESOURCES = Set.of("limits.cpu", "limits.memory", "requests.cpu",
            "requests.memory", "limits.ephemeral-storage", "requests.ephemeral-storage");
    private static final Set<String> HOST_PATH_TYPES = Set.of("", "DirectoryOrCreate", "Directory",
            "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice");

    private final Manifest m;
    private final List<String> problems = new ArrayList<>();

    ManifestValidator(Manifest m) {
        this.m = m;
    }

    List<String> validate() {
        Kube.Pod pod = m.pod();
        if (pod.metadata == null || pod.metadata.name == null || pod.metadata.name.isEmpty()) {
            problem("metadata.name", "is required");
        } else if (!DNS_SUBDOMAIN.matcher(pod.metadata.name).matches() || pod.metadata.name.length() > 253) {
            problem("metadata.name", "\"" + pod.metadata.name + "\" is not a DNS subdomain (lower case letters, "
                    + "digits, - and .)");
        }
        if (pod.metadata != null && pod.metadata.namespace != null
                && !DNS_LABEL.matcher(pod.metadata.namespace).matches()) {
            problem("metadata.namespace", "\"" + pod.metadata.namespace + "\" is not a DNS label");
        }
        Kube.PodSpec spec = pod.spec;
        if (spec == null) {
            problem("spec", "is required");
            return problems;
        }
        oneOf("spec.restartPolicy", spec.restartPolicy, "Always", "OnFailure", "Never");
        oneOf("spec.dnsPolicy", spec.dnsPolicy, "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None");
        if ("None".equals(spec.dnsPolicy) && spec.dnsConfig == null) {
            problem("spec.dnsConfig", "is required when dnsPolicy is None");
        }
        if (spec.hostname != null && !DNS_LABEL.matcher(spec.hostname).matches()) {
            problem("spec.hostname", "\"" + spec.hostname + "\" is not a DNS label");
        }
        if (Boolean.TRUE.equals(spec.shareProcessNamespace) && Boolean.TRUE.equals(spec.hostPID)) {
            problem("spec.shareProcessNamespace", "cannot be set with hostPID");
        }
        nonNegative("spec.terminationGracePeriodSeconds", spec.terminationGracePeriodSeconds);
        if (spec.activeDeadlineSeconds != null && spec.activeDeadlineSeconds <= 0) {
            problem("spec.activeDeadlineSeconds", "must be positive, not " + spec.activeDeadlineSeconds);
        }
        Map<String, Kube.Volume> volumes = volumes(spec);
        if (spec.containers == null || spec.containers.isEmpty()) {
            problem("spec.containers", "at least one container is required");
        }
        Set<String> names = new HashSet<>();
        Map<Integer, String> hostPorts = new HashMap<>();
        containers("spec.initContainers", spec.initContainers, true, names, volumes, hostPorts);
        containers("spec.containers", spec.containers, false, names, volumes, hostPorts);
        return problems;
    }

    private Map<String, Kube.Volume> volumes(Kube.PodSpec spec) {
        Map<String, Kube.Volume> byName = new HashMap<>();
        List<Kube.Volume> list = spec.volumes == null ? List.of() : spec.volumes;
        for (int i = 0; i < list.size(); i++) {
            Kube.Volume v = list.get(i);
            String at = "spec.volumes[" + i + "]";
            if (v.name == null || !DNS_LABEL.matcher(v.name).matches()) {
                problem(at + ".name", v.name == null ? "is required" : "\"" + v.name + "\" is not a DNS label");
            } else if (byName.put(v.name, v) != null) {
                problem(at + ".name", "duplicate volume name \"" + v.name + "\"");
            }
            int sources = count(v.emptyDir, v.hostPath, v.configMap, v.secret, v.downwardAPI, v.projected);
            if (sources != 1) {
                problem(at, sources == 0 ? "no volume source (emptyDir, hostPath, configMap, secret, downwardAPI, "
                        + "projected)" : "more than one volume source");
                continue;
            }
            if (v.emptyDir != null) {
                oneOf(at + ".emptyDir.medium", v.emptyDir.medium, "", "Memory");
                quantity(at + ".emptyDir.sizeLimit", v.emptyDir.sizeLimit);
            } else if (v.hostPath != null) {
                if (v.hostPath.path == null || !v.hostPath.path.startsWith("/")) {
                    problem(at + ".hostPath.path", "must be an absolute path, not " + v.hostPath.path);
                }
                if (v.hostPath.type != null && !HOST_PATH_TYPES.contains(v.hostPath.type)) {
                    problem(at + ".hostPath.type", "\"" + v.hostPath.type + "\" is not one of " + HOST_PATH_TYPES);
                }
            } else if (v.configMap != null) {
                keyed(at + ".configMap", v.configMap.name, v.configMap.items, v.configMap.optional, true);
                mode(at + ".configMap.defaultMode", v.configMap.defaultMode);
            } else if (v.secret != null) {
                keyed(at + ".secret", v.secret.secretName, v.secret.items, v.secret.optional, false);
                mode(at + ".secret.defaultMode", v.secret.defaultMode);
            } else if (v.downwardAPI != null) {
                downward(at + ".downwardAPI.items", v.downwardAPI.items);
                mode(at + ".downwardAPI.defaultMode", v.downwardAPI.defaultMode);
            } else {
                List<Kube.Projection> ps = v.projected.sources == null ? List.of() : v.projected.sources;
                mode(at + ".projected.defaultMode", v.projected.defaultMode);
                for (int j = 0; j < ps.size(); j++) {
                    Kube.Projection p = ps.get(j);
                    String pat = at + ".projected.sources[" + j + "]";
                    if (count(p.configMap, p.secret, p.downwardAPI) != 1) {
                        problem(pat, "needs exactly one of configMap, secret, downwardAPI");
                    } else if (p.configMap != null) {
                        keyed(pat + ".configMap", p.configMap.name, p.configMap.items, p.configMap.optional, true);
                    } else if (p.secret != null) {
                        keyed(pat + ".secret", p.secret.name, p.secret.items, p.secret.optional, false);
                    } else {
                        downward(pat + ".downwardAPI.items", p.downwardAPI.items);
                    }
                }
            }
        }
        return byName;
    }

    private void keyed(String at, String name, List<Kube.KeyToPath> items, Boolean optional, boolean configMap) {
        if (name == null || name.isEmpty()) {
            problem(at + (configMap ? ".name" : ".secretName"), "is required");
            return;
        }
        Map<String, ?> data = configMap ? configMapKeys(name) : secretKeys(name);
        if (data == null && !Boolean.TRUE.equals(optional)) {
            problem(at, (configMap ? "ConfigMap " : "Secret ") + name + " is not in the manifest file (and the "
                    + "volume is not optional)");
        }
        List<Kube.KeyToPath> list = items == null ? List.of() : items;
        for (int i = 0; i < list.size(); i++) {
            Kube.KeyToPath k = list.get(i);
            relativePath(at + ".items[" + i + "].path", k.path);
            mode(at + ".items[" + i + "].mode", k.mode);
            if (data != null && !data.containsKey(k.key)) {
                problem(at + ".items[" + i + "].key", "key \"" + k.key + "\" is not in "
                        + (configMap ? "ConfigMap " : "Secret ") + name);
            }
        }
    }

    private void downward(String at, List<Kube.DownwardApiFile> items) {
        List<Kube.DownwardApiFile> list = items == null ? List.of() : items;
        for (int i = 0; i < list.size(); i++) {
            Kube.DownwardApiFile f = list.get(i);
            String iat = at + "[" + i + "]";
            relativePath(iat + ".path", f.path);
            mode(iat + ".mode", f.mode);
            if (count(f.fieldRef, f.resourceFieldRef) != 1) {
                problem(iat, "needs exactly one of fieldRef, resourceFieldRef");
            } else if (f.fieldRef != null) {
                fieldPath(iat + ".fieldRef.fieldPath", f.fieldRef.fieldPath, false);
            } else {
                resourceRef(iat + ".resourceFieldRef", f.resourceFieldRef, true);
            }
        }
    }

    private void containers(String at, List<Kube.Container> list, boolean init, Set<String> names,
                            Map<String, Kube.Volume> volumes, Map<Integer, String> hostPorts) {
        if (list == null) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            Kube.Container c = list.get(i);
            String cat = at + "[" + i + "]";
            if (c.name == null || !DNS_LABEL.matcher(c.name).matches()) {
                problem(cat + ".name", c.name == null ? "is required" : "\"" + c.name + "\" is not a DNS label");
            } else if (!names.add(c.name)) {
                problem(cat + ".name", "duplicate container name \"" + c.name + "\"");
            }
            if (c.image == null || c.image.isBlank()) {
                problem(cat + ".image", "is required");
            }
            oneOf(cat + ".imagePullPolicy", c.imagePullPolicy, "Always", "IfNotPresent", "Never");
            if (init) {
                for (String f : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                    Object p = switch (f) {
                        case "livenessProbe" -> c.livenessProbe;
                        case "readinessProbe" -> c.readinessProbe;
                        default -> c.startupProbe;
                    };
                    if (p != null) {
                        problem(cat + "." + f, "is not allowed on init containers");
                    }
                }
                if (c.lifecycle != null) {
                    problem(cat + ".lifecycle", "is not allowed on init containers");
                }
            }
            probe(cat + ".startupProbe", c.startupProbe, c, true);
            probe(cat + ".livenessProbe", c.livenessProbe, c, true);
            probe(cat + ".readinessProbe", c.readinessProbe, c, false);
            if (c.lifecycle != null) {
                handler(cat + ".lifecycle.postStart", c.lifecycle.postStart, c);
                handler(cat + ".lifecycle.preStop", c.lifecycle.preStop, c);
            }
            ports(cat + ".ports", c, hostPorts);
            env(cat, c);
            resources(cat + ".resources", c.resources);
            List<Kube.VolumeMount> mounts = c.volumeMounts == null ? List.of() : c.volumeMounts;
            Set<String> paths = new HashSet<>();
            for (int j = 0; j < mounts.size(); j++) {
                Kube.VolumeMount vm = mounts.get(j);
                String mat = cat + ".volumeMounts[" + j + "]";
                if (vm.name == null || !volumes.containsKey(vm.name)) {
                    problem(mat + ".name", "no volume named \"" + vm.name + "\" in spec.volumes");
                }
                if (vm.mountPath == null || !vm.mountPath.startsWith("/")) {
                    problem(mat + ".mountPath", "must be an absolute path, not " + vm.mountPath);
                } else if (!paths.add(vm.mountPath)) {
                    problem(mat + ".mountPath", "\"" + vm.mountPath + "\" is mounted twice");
                }
                if (vm.subPath != null && !vm.subPath.isEmpty()) {
                    relativePath(mat + ".subPath", vm.subPath);
                }
            }
        }
    }

    private void ports(String at, Kube.Container c, Map<Integer, String> hostPorts) {
        List<Kube.ContainerPort> ports = c.ports == null ? List.of() : c.ports;
        for (int j = 0; j < ports.size(); j++) {
            Kube.ContainerPort p = ports.get(j);
            String pat = at + "[" + j + "]";
            if (p.containerPort == null || p.containerPort < 1 || p.containerPort > 65535) {
                problem(pat + ".containerPort", "must be 1-65535, not " + p.containerPort);
            }
            if (p.hostPort != null) {
                if (p.hostPort < 1 || p.hostPort > 65535) {
                    problem(pat + ".hostPort", "must be 1-65535, not " + p.hostPort);
                } else if (hostPorts.put(p.hostPort, c.name) != null) {
                    problem(pat + ".hostPort", "host port " + p.hostPort + " is used twice");
                }
            }
            oneOf(pat + ".protocol", p.protocol, "TCP", "UDP", "SCTP");
        }
    }

    private void env(String at, Kube.Container c) {
        List<Kube.EnvVar> env = c.env == null ? List.of() : c.env;
        for (int j = 0; j < env.size(); j++) {
            Kube.EnvVar e = env.get(j);
            String eat = at + ".env[" + j + "]";
            if (e.name == null || !ENV_NAME.matcher(e.name).matches()) {
                problem(eat + ".name", "\"" + e.name + "\" is not a valid environment variable name");
            }
            if (e.valueFrom != null) {
                if (e.value != null) {
                    problem(eat, "value and valueFrom cannot both be set");
                }
                Kube.EnvVarSource s = e.valueFrom;
                if (count(s.fieldRef, s.resourceFieldRef, s.configMapKeyRef, s.secretKeyRef) != 1) {
                    problem(eat + ".valueFrom", "needs exactly one of fieldRef, resourceFieldRef, configMapKeyRef, "
                            + "secretKeyRef");
                } else if (s.fieldRef != null) {
                    fieldPath(eat + ".valueFrom.fieldRef.fieldPath", s.fieldRef.fieldPath, true);
                } else if (s.resourceFieldRef != null) {
                    resourceRef(eat + ".valueFrom.resourceFieldRef", s.resourceFieldRef, false);
                } else if (s.configMapKeyRef != null) {
                    keyRef(eat + ".valueFrom.configMapKeyRef", s.configMapKeyRef, true);
                } else {
                    keyRef(eat + ".valueFrom.secretKeyRef", s.secretKeyRef, false);
                }
            }
        }
        List<Kube.EnvFromSource> from = c.envFrom == null ? List.of() : c.envFrom;
        for (int j = 0; j < from.size(); j++) {
            Kube.EnvFromSource f = from.get(j);
            String fat = at + ".envFrom[" + j + "]";
            if (count(f.configMapRef, f.secretRef) != 1) {
                problem(fat, "needs exactly one of configMapRef, secretRef");
            } else {
                Kube.NameRef r = f.configMapRef != null ? f.configMapRef : f.secretRef;
                boolean cm = f.configMapRef != null;
                if ((cm ? configMapKeys(r.name) : secretKeys(r.name)) == null && !Boolean.TRUE.equals(r.optional)) {
                    problem(fat + (cm ? ".configMapRef" : ".secretRef"), (cm ? "ConfigMap " : "Secret ") + r.name
                            + " is not in the manifest file");
                }
            }
        }
    }

    private void keyRef(String at, Kube.KeyRef r, boolean configMap) {
        Map<String, ?> data = configMap ? configMapKeys(r.name) : secretKeys(r.name);
        if (Boolean.TRUE.equals(r.optional)) {
            return;
        }
        if (data == null) {
            problem(at, (configMap ? "ConfigMap " : "Secret ") + r.name + " is not in the manifest file");
        } else if (!data.containsKey(r.key)) {
            problem(at + ".key", "key \"" + r.key + "\" is not in " + (configMap ? "ConfigMap " : "Secret ") + r.name);
        }
    }

    private void fieldPath(String at, String path, boolean env) {
        if (path == null) {
            problem(at, "is required");
            return;
        }
        if (path.startsWith("metadata.labels") || path.startsWith("metadata.annotations")) {
            if (env && !path.matches("metadata\\.(labels|annotations)\\['[^']+'\\]")) {
                problem(at, "\"" + path + "\": in env name one key, metadata.labels['KEY']");
            }
            return;
        }
        if (!FIELD_PATHS.contains(path)) {
            problem(at, "\"" + path + "\" is not supported; use one of " + FIELD_PATHS
                    + ", metadata.labels, metadata.annotations");
        }
    }

    private void resourceRef(String at, Kube.ResourceFieldRef r, boolean needsContainer) {
        if (!RESOURCES.contains(r.resource)) {
            problem(at + ".resource", "\"" + r.resource + "\" is not one of " + RESOURCES);
        }
        if (needsContainer && (r.containerName == null || r.containerName.isEmpty())) {
            problem(at + ".containerName", "is required in a volume");
        }
        quantity(at + ".divisor", r.divisor);
    }

    private void resources(String at, Kube.Resources r) {
        if (r == null) {
            return;
        }
        for (var e : List.of(Map.entry("limits", r.limits == null ? Map.<String, String>of() : r.limits),
                Map.entry("requests", r.requests == null ? Map.<String, String>of() : r.requests))) {
            for (var q : e.getValue().entrySet()) {
                String qat = at + "." + e.getKey() + "." + q.getKey();
                if (!Set.of("cpu", "memory", "ephemeral-storage").contains(q.getKey())) {
                    problem(qat, "resource \"" + q.getKey() + "\" is not supported (cpu, memory, ephemeral-storage)");
                }
                quantity(qat, q.getValue());
            }
        }
    }

    private void probe(String at, Kube.Probe p, Kube.Container c, boolean oneSuccess) {
        if (p == null) {
            return;
        }
        int handlers = count(p.exec, p.httpGet, p.tcpSocket, p.grpc);
        if (handlers != 1) {
            problem(at, handlers == 0 ? "needs one handler: exec, httpGet, tcpSocket or grpc"
                    : "has more than one handler (exec, httpGet, tcpSocket, grpc)");
        }
        if (p.exec != null && (p.exec.command == null || p.exec.command.isEmpty())) {
            problem(at + ".exec.command", "is required");
        }
        if (p.httpGet != null) {
            port(at + ".httpGet.port", p.httpGet.port, c);
            oneOf(at + ".httpGet.scheme", p.httpGet.scheme, "HTTP", "HTTPS");
        }
        if (p.tcpSocket != null) {
            port(at + ".tcpSocket.port", p.tcpSocket.port, c);
        }
        if (p.grpc != null && (p.grpc.port == null || p.grpc.port < 1 || p.grpc.port > 65535)) {
            problem(at + ".grpc.port", p.grpc.port == null ? "is required" : "must be 1-65535, not " + p.grpc.port);
        }
        nonNegative(at + ".initialDelaySeconds", p.initialDelaySeconds == null ? null : p.initialDelaySeconds.longValue());
        positive(at + ".periodSeconds", p.periodSeconds);
        positive(at + ".timeoutSeconds", p.timeoutSeconds);
        positive(at + ".successThreshold", p.successThreshold);
        positive(at + ".failureThreshold", p.failureThreshold);
        if (oneSuccess && p.successThreshold != null && p.successThreshold != 1) {
            problem(at + ".successThreshold", "must be 1 for liveness and startup probes, not " + p.successThreshold);
        }
    }

    private void handler(String at, Kube.LifecycleHandler h, Kube.Container c) {
        if (h == null) {
            return;
        }
        if (count(h.exec, h.httpGet, h.sleep) != 1) {
            problem(at, "needs exactly one of exec, httpGet, sleep");
        }
        if (h.exec != null && (h.exec.command == null || h.exec.command.isEmpty())) {
            problem(at + ".exec.command", "is required");
        }
        if (h.httpGet != null) {
            port(at + ".httpGet.port", h.httpGet.port, c);
        }
        if (h.sleep != null && (h.sleep.seconds == null || h.sleep.seconds < 0)) {
            problem(at + ".sleep.seconds", "must be zero or more, not " + (h.sleep == null ? null : h.sleep.seconds));
        }
    }

    private void port(String at, Object port, Kube.Container c) {
        if (port instanceof Integer n) {
            if (n < 1 || n > 65535) {
                problem(at, "must be 1-65535, not " + n);
            }
        } else if (port instanceof String s) {
            boolean named = c.ports != null && c.ports.stream().anyMatch(p -> s.equals(p.name));
            if (!named) {
                problem(at, "no container port named \"" + s + "\"");
            }
        } else {
            problem(at, "is required (a number or a port name)");
        }
    }

    private void oneOf(String at, String value, String... allowed) {
        if (value != null && !List.of(allowed).contains(value)) {
            problem(at, "\"" + value + "\" is not one of " + String.join(", ", allowed));
        }
    }

    private void quantity(String at, String q) {
        if (q == null) {
            return;
        }
        try {
            Quantities.parse(q);
        } catch (IllegalArgumentException e) {
            problem(at, e.getMessage());
        }
    }

    private void mode(String at, Integer mode) {
        if (mode != null && (mode < 0 || mode > 0777)) {
            problem(at, "file mode " + mode + " is not between 0 and 0777 (511)");
        }
    }

    private void relativePath(String at, String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || List.of(path.split("/")).contains("..")) {
            problem(at, "must be a relative path without \"..\", not \"" + path + "\"");
        }
    }

    private void nonNegative(String at, Long v) {
        if (v != null && v < 0) {
            problem(at, "must be zero or more, not " + v);
        }
    }

    private void positive(String at, Integer v) {
        if (v != null && v < 1) {
            problem(at, "must be at least 1, not " + v);
        }
    }

    private Map<String, ?> configMapKeys(String name) {
        Kube.ConfigMap cm = m.configMaps().get(name);
        if (cm == null) {
            return null;
        }
        Map<String, Object> keys = new HashMap<>();
        if (cm.data != null) {
            keys.putAll(cm.data);
        }
        if (cm.binaryData != null) {
            keys.putAll(cm.binaryData);
        }
        return keys;
    }

    private Map<String, ?> secretKeys(String name) {
        Kube.Secret s = m.secrets().get(name);
        if (s == null) {
            return null;
        }
        Map<String, Object> keys = new HashMap<>();
        if (s.data != null) {
            keys.putAll(s.data);
        }
        if (s.stringData != null) {
            keys.putAll(s.stringData);
        }
        return keys;
    }

    private static int count(Object... xs) {
        int n = 0;
        for (Object x : xs) {
            if (x != null) {
                n++;
            }
        }
        return n;
    }

    private void problem(String path, String message) {
        problems.add(path + ": " + message);
    }
}
