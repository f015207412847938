package io.peapod.runtime.network;

import io.peapod.sys.Syscalls;

/** The namespaces a pod pins: each with its run directory name, clone flag and nsfs entry. */
public enum NamespaceType {
    NET("netns", Syscalls.CLONE_NEWNET, "net"),
    IPC("ipcns", Syscalls.CLONE_NEWIPC, "ipc"),
    UTS("utsns", Syscalls.CLONE_NEWUTS, "uts");

    private final String runDirName;
    private final int cloneFlag;
    private final String procName;

    NamespaceType(String runDirName, int cloneFlag, String procName) {
        this.runDirName = runDirName;
        this.cloneFlag = cloneFlag;
        this.procName = procName;
    }

    /** Directory under the state dir holding the pins, e.g. {@code netns}. */
    public String runDirName() {
        return runDirName;
    }

    public int cloneFlag() {
        return cloneFlag;
    }

    /** Name of the entry under {@code /proc/<pid>/task/<tid>/ns/}. */
    public String procName() {
        return procName;
    }
}
