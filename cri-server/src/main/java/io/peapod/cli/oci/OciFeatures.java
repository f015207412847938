package io.peapod.cli.oci;

import io.peapod.runtime.container.MountOptions;
import io.peapod.runtime.seccomp.SeccompAction;
import io.peapod.runtime.seccomp.SeccompOperator;
import io.peapod.runtime.spec.Capabilities;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The runtime-spec features document (features.md): what this runtime actually does,
 * so that an orchestrator never asks for something that would be dropped.
 */
@Command(name = "features", description = "Print the OCI runtime features JSON.")
final class OciFeatures implements Callable<Integer> {
    static final String SPEC_VERSION = "1.2.0";

    @Override
    public Integer call() throws Exception {
        System.out.println(OciJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(features()));
        return 0;
    }

    static Map<String, Object> features() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ociVersionMin", "1.0.0");
        f.put("ociVersionMax", SPEC_VERSION);
        f.put("hooks", List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart",
                "poststop"));
        f.put("mountOptions", new ArrayList<>(MountOptions.knownOptions()));
        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("namespaces", List.of("cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"));
        linux.put("capabilities", Capabilities.all());
        linux.put("cgroup", Map.of("v1", true, "v2", true, "systemd", false, "systemdUser", false, "rdma", false));
        Map<String, Object> seccomp = new LinkedHashMap<>();
        seccomp.put("enabled", true);
        List<String> actions = new ArrayList<>();
        for (SeccompAction a : SeccompAction.values()) {
            if (a != SeccompAction.NOTIFY) {
                actions.add(a.specName());
            }
        }
        seccomp.put("actions", actions);
        List<String> ops = new ArrayList<>();
        for (SeccompOperator o : SeccompOperator.values()) {
            ops.add(o.specName());
        }
        seccomp.put("operators", ops);
        seccomp.put("archs", List.of("SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32"));
        seccomp.put("knownFlags", List.of("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"));
        seccomp.put("supportedFlags", List.of("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"));
        linux.put("seccomp", seccomp);
        linux.put("apparmor", Map.of("enabled", false));
        linux.put("selinux", Map.of("enabled", false));
        linux.put("intelRdt", Map.of("enabled", false));
        linux.put("mountExtensions", Map.of("idmap", Map.of("enabled", false)));
        f.put("linux", linux);
        f.put("annotations", Map.of("io.peapod.oci.monitor", "none: containers created by peapod oci have no monitor"));
        return f;
    }
}
