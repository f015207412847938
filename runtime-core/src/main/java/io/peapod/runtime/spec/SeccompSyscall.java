package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One seccomp rule: the action for these system calls when all argument conditions hold. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SeccompSyscall extends Extensible {

    public List<String> names;
    public String action;
    public Long errnoRet;
    public List<SeccompArg> args;

    public SeccompSyscall() {
    }

    public SeccompSyscall(List<String> names, String action) {
        this.names = names;
        this.action = action;
    }
}
