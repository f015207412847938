package io.peapod.cri.translate;

import io.peapod.cri.v1.ContainerConfig;
import io.peapod.cri.v1.ContainerMetadata;
import io.peapod.cri.v1.ImageSpec;
import io.peapod.cri.v1.LinuxSandboxSecurityContext;
import io.peapod.cri.v1.PodSandboxConfig;
import io.peapod.cri.v1.PodSandboxMetadata;
import io.peapod.image.spec.ImageConfig;
import io.peapod.runtime.spec.Spec;
import io.peapod.runtime.spec.SpecIO;
import io.peapod.runtime.spec.SpecValidator;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test inputs: a pod with the test process's own namespaces as "pinned" ones, images, configs. */
final class Fixtures {

    static final String CONTAINER_ID = "c0ffee";
    static final String SANDBOX_ID = "5a4db0c";

    /** A host whose root mount is shared, as under systemd. */
    static final HostMounts SHARED_ROOT = HostMounts.parse("27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n");

    private Fixtures() {
    }

    /** A mutable SandboxContext. */
    static final class Pod {
        Path netNs = Path.of("/proc/self/ns/net");
        Path ipcNs = Path.of("/proc/self/ns/ipc");
        Path utsNs = Path.of("/proc/self/ns/uts");
        SandboxContext.PidMode pidMode = SandboxContext.PidMode.CONTAINER;
        long infraPid = ProcessHandle.current().pid();
        SandboxContext.UserNamespace userNs;
        String cgroupParent = "kubepods/burstable/pod1234";
        Path hosts = Path.of("/run/peapod/pods/5a4db0c/hosts");
        Path resolv = Path.of("/run/peapod/pods/5a4db0c/resolv.conf");
        Path hostnameFile = Path.of("/run/peapod/pods/5a4db0c/hostname");
        Path shm;
        String hostname = "web-0";
        Path logDir = Path.of("/var/log/pods/default_web-0_1234");
        LinuxSandboxSecurityContext security = LinuxSandboxSecurityContext.getDefaultInstance();

        SandboxContext build() {
            return new SandboxContext(SANDBOX_ID, netNs, ipcNs, utsNs, pidMode, infraPid, userNs, cgroupParent, hosts,
                    resolv, hostnameFile, shm, hostname, logDir, security);
        }
    }

    static PodSandboxConfig sandbox() {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("web-0").setNamespace("default").setUid("1234"))
                .setHostname("web-0").setLogDirectory("/var/log/pods/default_web-0_1234").build();
    }

    static ContainerConfig.Builder container() {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("app"))
                .setImage(ImageSpec.newBuilder().setImage("docker.io/library/busybox:latest"))
                .setLogPath("app/0.log");
    }

    static ImageConfig image(List<String> entrypoint, List<String> cmd, List<String> env, String user, String workDir) {
        return new ImageConfig(null, null, "amd64", "linux", null,
                new ImageConfig.ContainerConfig(user, null, env, entrypoint, cmd, null, workDir, null, null), null, null);
    }

    static ImageConfig busybox() {
        return image(null, List.of("sh"), List.of("PATH=/usr/local/bin:/bin"), null, null);
    }

    static RootfsReader files(Map<String, String> content) {
        return path -> Optional.ofNullable(content.get(path));
    }

    static final String PASSWD = String.join("\n",
            "root:x:0:0:root:/root:/bin/sh",
            "# a comment",
            "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
            "app:x:1000:1000:App:/home/app:/bin/sh",
            "broken line",
            "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin", "");

    static final String GROUP = String.join("\n",
            "root:x:0:",
            "daemon:x:1:",
            "wheel:x:10:root,app",
            "staff:x:50:app",
            "app:x:1000:",
            "audio:x:29:daemon",
            "nogroup:x:65534:", "");

    static RootfsReader etc() {
        return files(Map.of("/etc/passwd", PASSWD, "/etc/group", GROUP));
    }

    static Translation build(ContainerConfig config, Pod pod, ImageConfig image) {
        return build(config, sandbox(), pod, image, etc());
    }

    static Translation build(ContainerConfig config, PodSandboxConfig sandbox, Pod pod, ImageConfig image,
                             RootfsReader files) {
        Translation t = ContainerSpecBuilder.build(CONTAINER_ID, config, sandbox, pod.build(), image,
                Path.of("/var/lib/peapod/containers/c0ffee/rootfs"), files, false, () -> SHARED_ROOT);
        checkValid(t.spec());
        return t;
    }

    /** Every built spec passes the validator and survives a JSON round trip unchanged. */
    static void checkValid(Spec spec) {
        SpecValidator.validate(spec, null);
        String json = SpecIO.toJson(spec);
        Spec back = SpecIO.fromJson(json);
        SpecValidator.validate(back, null);
        assertEquals(json, SpecIO.toJson(back));
    }
}
