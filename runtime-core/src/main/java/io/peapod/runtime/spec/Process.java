package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The container process (config.md "process"). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Process extends Extensible {

    public Boolean terminal;
    public Box consoleSize;
    public User user;
    public List<String> args;
    /** Windows only; modelled so that it round-trips. */
    public String commandLine;
    public List<String> env;
    public String cwd;
    public LinuxCapabilities capabilities;
    public List<PosixRlimit> rlimits;
    public Boolean noNewPrivileges;
    public String apparmorProfile;
    public Integer oomScoreAdj;
    public Scheduler scheduler;
    public String selinuxLabel;
    public IoPriority ioPriority;
    public ExecCpuAffinity execCPUAffinity;
}
