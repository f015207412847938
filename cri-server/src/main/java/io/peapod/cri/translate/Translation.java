package io.peapod.cri.translate;

import io.peapod.runtime.spec.Spec;
import java.nio.file.Path;
import java.util.List;

/**
 * The result of a translation.
 *
 * @param spec             the OCI spec; it passed {@code SpecValidator.validate(spec, null)}
 * @param warnings         requested settings peapod does not apply (AppArmor, SELinux, host
 *                         devices of a privileged container …), one sentence each, for the
 *                         integrator to log and surface in the container's status info
 * @param hostDirsToCreate bind-mount sources that do not exist on the host; as containerd does,
 *                         the integrator creates them as directories (mode 0755) before the
 *                         container is created
 * @param logPath          the container's log file (the sandbox's log directory joined with the
 *                         config's log_path), or null when either is unset
 */
public record Translation(Spec spec, List<String> warnings, List<Path> hostDirsToCreate, Path logPath) {

    public Translation {
        warnings = List.copyOf(warnings);
        hostDirsToCreate = List.copyOf(hostDirsToCreate);
    }
}
