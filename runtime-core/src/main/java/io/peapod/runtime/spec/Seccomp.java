package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/** The seccomp filter of the container (config-linux.md "Seccomp"); compiled by io.peapod.runtime.seccomp.SeccompCompiler. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Seccomp extends Extensible {

    public String defaultAction;
    public Long defaultErrnoRet;
    public List<String> architectures;
    public List<String> flags;
    public String listenerPath;
    public String listenerMetadata;
    public List<SeccompSyscall> syscalls;

    /** The rule list, created empty when absent. */
    public List<SeccompSyscall> syscalls() {
        if (syscalls == null) {
            syscalls = new ArrayList<>();
        }
        return syscalls;
    }
}
