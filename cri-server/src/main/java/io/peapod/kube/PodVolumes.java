package io.peapod.kube;

import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.sys.LinuxSyscalls;
import io.peapod.sys.Syscalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod's volumes on the host: one directory each under the pod's volume directory, filled
 * before the first container starts. Memory-backed emptyDirs and secrets are tmpfs mounts,
 * so secrets never reach the disk. {@link #close()} unmounts and removes everything.
 */
final class PodVolumes implements AutoCloseable {
    private static final long MS_NOSUID = 2;
    private static final long MS_NODEV = 4;
    private static final int MNT_DETACH = 2;

    private final Path dir;
    private final Map<String, Path> paths = new LinkedHashMap<>();
    private final List<Path> mounts = new ArrayList<>();

    private PodVolumes(Path dir) {
        this.dir = dir;
    }

    /** The host directory (or file, for hostPath) behind each volume, by name. */
    Map<String, Path> paths() {
        return paths;
    }

    static PodVolumes prepare(Manifest m, Path dir, FieldValues fields) {
        PodVolumes v = new PodVolumes(dir);
        boolean done = false;
        try {
            Files.createDirectories(dir);
            List<Kube.Volume> list = m.pod().spec.volumes == null ? List.of() : m.pod().spec.volumes;
            for (Kube.Volume vol : list) {
                v.paths.put(vol.name, v.create(m, vol, fields));
            }
            done = true;
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the volumes of pod " + m.name() + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                v.close();
            }
        }
    }

    private Path create(Manifest m, Kube.Volume vol, FieldValues fields) throws IOException {
        Path p = dir.resolve(vol.name);
        if (vol.hostPath != null) {
            return hostPath(vol);
        }
        Files.createDirectories(p);
        if (vol.emptyDir != null) {
            if ("Memory".equals(vol.emptyDir.medium)) {
                tmpfs(p, vol.emptyDir.sizeLimit == null ? null : Quantities.bytes(vol.emptyDir.sizeLimit));
            } else if (vol.emptyDir.sizeLimit != null) {
                // a disk emptyDir's limit is enforced by the kubelet's eviction; peapod has none
                throw new InvalidArgumentException("volume " + vol.name + ": emptyDir.sizeLimit is only supported "
                        + "with medium: Memory");
            }
            Files.setPosixFilePermissions(p, perms(0777));
        } else if (vol.configMap != null) {
            writeKeys(p, configMapData(m, vol.configMap.name, vol.configMap.optional), vol.configMap.items,
                    mode(vol.configMap.defaultMode), "ConfigMap " + vol.configMap.name);
        } else if (vol.secret != null) {
            tmpfs(p, null);
            writeKeys(p, secretData(m, vol.secret.secretName, vol.secret.optional), vol.secret.items,
                    mode(vol.secret.defaultMode), "Secret " + vol.secret.secretName);
        } else if (vol.downwardAPI != null) {
            writeDownward(p, vol.downwardAPI.items, mode(vol.downwardAPI.defaultMode), m, fields);
        } else if (vol.projected != null) {
            tmpfs(p, null);
            int mode = mode(vol.projected.defaultMode);
            for (Kube.Projection src : vol.projected.sources == null ? List.<Kube.Projection>of()
                    : vol.projected.sources) {
                if (src.configMap != null) {
                    writeKeys(p, configMapData(m, src.configMap.name, src.configMap.optional), src.configMap.items,
                            mode, "ConfigMap " + src.configMap.name);
                } else if (src.secret != null) {
                    writeKeys(p, secretData(m, src.secret.name, src.secret.optional), src.secret.items, mode,
                            "Secret " + src.secret.name);
                } else if (src.downwardAPI != null) {
                    writeDownward(p, src.downwardAPI.items, mode, m, fields);
                }
            }
        }
        return p;
    }

    private static Path hostPath(Kube.Volume vol) throws IOException {
        Path p = Path.of(vol.hostPath.path);
        String type = vol.hostPath.type == null ? "" : vol.hostPath.type;
        String what = "volume " + vol.name + ": hostPath " + p;
        switch (type) {
            case "" -> {
            }
            case "DirectoryOrCreate" -> {
                if (!Files.isDirectory(p)) {
                    Files.createDirectories(p);
                    Files.setPosixFilePermissions(p, perms(0755));
                }
            }
            case "Directory" -> require(Files.isDirectory(p), what + " is not a directory");
            case "FileOrCreate" -> {
                if (!Files.exists(p)) {
                    Files.createFile(p);
                    Files.setPosixFilePermissions(p, perms(0644));
                }
                require(Files.isRegularFile(p), what + " is not a file");
            }
            case "File" -> require(Files.isRegularFile(p), what + " is not a file");
            default -> {
                String kind = fileKind(p);
                String want = switch (type) {
                    case "Socket" -> "socket";
                    case "CharDevice" -> "character device";
                    default -> "block device";
                };
                require(want.equals(kind), what + " is not a " + want + " (it is " + kind + ")");
            }
        }
        return p;
    }

    private static String fileKind(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return "missing";
        }
        int mode = (Integer) Files.getAttribute(p, "unix:mode");
        return switch (mode & 0170000) {
            case 0140000 -> "socket";
            case 0020000 -> "character device";
            case 0060000 -> "block device";
            case 0040000 -> "directory";
            default -> "file";
        };
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InvalidArgumentException(message);
        }
    }

    private void tmpfs(Path p, Long size) {
        Syscalls sys = LinuxSyscalls.get();
        sys.mount("tmpfs", p.toString(), "tmpfs", MS_NOSUID | MS_NODEV,
                "mode=0777" + (size == null ? "" : ",size=" + size));
        mounts.add(p);
    }

    private static Map<String, byte[]> configMapData(Manifest m, String name, Boolean optional) {
        Kube.ConfigMap cm = m.configMaps().get(name);
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (cm == null) {
            require(Boolean.TRUE.equals(optional), "ConfigMap " + name + " is not in " + m.source());
            return out;
        }
        if (cm.data != null) {
            cm.data.forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        if (cm.binaryData != null) {
            cm.binaryData.forEach((k, v) -> out.put(k, base64(v, "ConfigMap " + name + " binaryData." + k)));
        }
        return out;
    }

    static Map<String, byte[]> secretData(Manifest m, String name, Boolean optional) {
        Kube.Secret s = m.secrets().get(name);
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (s == null) {
            require(Boolean.TRUE.equals(optional), "Secret " + name + " is not in " + m.source());
            return out;
        }
        if (s.data != null) {
            s.data.forEach((k, v) -> out.put(k, base64(v, "Secret " + name + " data." + k)));
        }
        if (s.stringData != null) {
            s.stringData.forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static byte[] base64(String v, String what) {
        try {
            return Base64.getMimeDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(what + " is not valid base64: " + e.getMessage());
        }
    }

    private static void writeKeys(Path dir, Map<String, byte[]> data, List<Kube.KeyToPath> items, int mode,
                                  String what) throws IOException {
        if (items == null || items.isEmpty()) {
            for (var e : data.entrySet()) {
                write(dir, e.getKey(), e.getValue(), mode);
            }
            return;
        }
        for (Kube.KeyToPath k : items) {
            byte[] value = data.get(k.key);
            require(value != null || data.isEmpty(), what + " has no key " + k.key);
            if (value != null) {
                write(dir, k.path, value, k.mode != null ? k.mode : mode);
            }
        }
    }

    private static void writeDownward(Path dir, List<Kube.DownwardApiFile> items, int mode, Manifest m,
                                      FieldValues fields) throws IOException {
        for (Kube.DownwardApiFile f : items == null ? List.<Kube.DownwardApiFile>of() : items) {
            String value;
            if (f.fieldRef != null) {
                value = fields.field(f.fieldRef.fieldPath);
            } else {
                Kube.Container c = findContainer(m, f.resourceFieldRef.containerName);
                value = fields.resource(c, f.resourceFieldRef);
            }
            write(dir, f.path, value.getBytes(StandardCharsets.UTF_8), f.mode != null ? f.mode : mode);
        }
    }

    static Kube.Container findContainer(Manifest m, String name) {
        List<Kube.Container> all = new ArrayList<>(m.pod().spec.containers);
        if (m.pod().spec.initContainers != null) {
            all.addAll(m.pod().spec.initContainers);
        }
        return all.stream().filter(c -> c.name.equals(name)).findFirst().orElseThrow(
                () -> new InvalidArgumentException("resourceFieldRef names container " + name
                        + ", which pod " + m.name() + " does not have"));
    }

    private static void write(Path dir, String rel, byte[] value, int mode) throws IOException {
        Path f = dir.resolve(rel).normalize();
        require(f.startsWith(dir) && !f.equals(dir), "volume file path " + rel + " leaves its volume");
        Files.createDirectories(f.getParent());
        Files.write(f, value);
        Files.setPosixFilePermissions(f, perms(mode));
    }

    private static int mode(Integer m) {
        return m == null ? 0644 : m;
    }

    static Set<PosixFilePermission> perms(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }

    @Override
    public void close() {
        Syscalls sys = LinuxSyscalls.get();
        for (Path p : mounts) {
            sys.umount2(p.toString(), MNT_DETACH);
        }
        mounts.clear();
        removeTree(dir);
    }

    static void removeTree(Path d) {
        try {
            io.peapod.runtime.util.FileTrees.delete(d);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + d + ": " + e.getMessage(), e);
        }
    }
}
