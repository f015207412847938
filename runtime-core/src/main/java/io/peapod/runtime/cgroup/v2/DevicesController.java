package io.peapod.runtime.cgroup.v2;

import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.DevicePolicy;
import io.peapod.sys.SyscallException;
import io.peapod.sys.Syscalls;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device rules on cgroup v2: a {@link DeviceFilter} program attached to the cgroup's directory
 * (BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI, so that the programs of the ancestors still run and all must
 * allow). The programs this cgroup held before are detached once the new one is in place, so an update
 * never leaves the cgroup unfiltered; in between both run, which only ever refuses more. A policy that allows
 * everything needs no program. The kernel holds an attached program as long as the cgroup exists.
 */
final class DevicesController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(DevicesController.class);
    private static final String PROGRAM_NAME = "peapod_devices";

    private final Supplier<Syscalls> syscalls;

    DevicesController(Supplier<Syscalls> syscalls) {
        this.syscalls = syscalls;
    }

    @Override
    public Set<String> controllers(CgroupResources r) {
        return Set.of();
    }

    @Override
    public boolean needed(CgroupResources r) {
        return r.hasDevices();
    }

    @Override
    public void apply(Path dir, CgroupResources r) {
        DevicePolicy policy = DevicePolicy.of(r.devices());
        Syscalls sys = syscalls.get();
        int cgroupFd;
        try {
            cgroupFd = sys.openDirectory(dir.toString());
        } catch (SyscallException e) {
            throw new CgroupException("cgroup " + dir + ": cannot open it for its device filter: " + e.getMessage(), e);
        }
        try {
            int[] previous = query(sys, cgroupFd, dir);
            if (!policy.equals(DevicePolicy.allowAll())) {
                attach(sys, cgroupFd, dir, policy);
            }
            for (int id : previous) {
                detach(sys, cgroupFd, dir, id);
            }
        } finally {
            sys.close(cgroupFd);
        }
    }

    private static int[] query(Syscalls sys, int cgroupFd, Path dir) {
        try {
            return sys.bpfProgQuery(cgroupFd, Syscalls.BPF_CGROUP_DEVICE);
        } catch (SyscallException e) {
            throw new CgroupException("cgroup " + dir + ": cannot list its device programs (needs a kernel with "
                    + "CONFIG_CGROUP_BPF and CAP_SYS_ADMIN): " + e.getMessage(), e);
        }
    }

    private static void attach(Syscalls sys, int cgroupFd, Path dir, DevicePolicy policy) {
        byte[] program = DeviceFilter.encode(DeviceFilter.instructions(policy));
        int programFd;
        try {
            programFd = sys.bpfLoadDeviceProgram(program, PROGRAM_NAME);
        } catch (SyscallException e) {
            throw new CgroupException("cgroup " + dir + ": cannot enforce the device rules: the kernel refused "
                    + "their BPF program (BPF_PROG_TYPE_CGROUP_DEVICE needs CONFIG_CGROUP_BPF and CAP_SYS_ADMIN or "
                    + "CAP_BPF): " + e.getMessage(), e);
        }
        try {
            sys.bpfProgAttach(cgroupFd, programFd, Syscalls.BPF_CGROUP_DEVICE, Syscalls.BPF_F_ALLOW_MULTI);
        } catch (SyscallException e) {
            throw new CgroupException("cgroup " + dir + ": cannot enforce the device rules: attaching their BPF "
                    + "program failed: " + e.getMessage(), e);
        } finally {
            sys.close(programFd);
        }
        LOG.debug("cgroup {}: device filter of {} instructions attached for {}", dir, program.length / 8, policy);
    }

    private static void detach(Syscalls sys, int cgroupFd, Path dir, int id) {
        int fd;
        try {
            fd = sys.bpfProgGetFdById(id);
        } catch (SyscallException e) {
            throw new CgroupException("cgroup " + dir + ": cannot open its old device program " + id + ": "
                    + e.getMessage(), e);
        }
        try {
            sys.bpfProgDetach(cgroupFd, fd, Syscalls.BPF_CGROUP_DEVICE);
        } catch (SyscallException e) {
            throw new CgroupException("cgroup " + dir + ": cannot detach its old device program " + id + ": "
                    + e.getMessage(), e);
        } finally {
            sys.close(fd);
        }
    }
}
