package io.peapod.sys;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The bpf(2) commands peapod uses, with {@code union bpf_attr} laid out by hand (x86_64, linux/bpf.h). Each
 * command passes only the attribute bytes it fills; the kernel zero-fills the rest of its own union.
 */
final class Bpf {
    private static final long SYS_BPF = 321;

    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_PROG_ATTACH = 8;
    private static final int BPF_PROG_DETACH = 9;
    private static final int BPF_PROG_GET_FD_BY_ID = 13;
    private static final int BPF_PROG_QUERY = 16;

    private static final int BPF_PROG_TYPE_CGROUP_DEVICE = 15;
    private static final int INSTRUCTION_SIZE = 8;
    /** Verifier log for a refused program: enough for the instructions of a long rule list and the reason. */
    private static final int LOG_SIZE = 1 << 18;
    private static final int PROG_NAME_SIZE = 16;
    private static final int QUERY_CAPACITY = 64;

    private final LibC libc;
    private final Runtime runtime;

    Bpf(LibC libc, Runtime runtime) {
        this.libc = libc;
        this.runtime = runtime;
    }

    private long bpf(int command, Pointer attr, int size) {
        long r = libc.syscall(SYS_BPF, command, attr.address(), size, 0);
        Reference.reachabilityFence(attr);
        return r;
    }

    private SyscallException failure(String command, int errno, String detail, Object... arguments) {
        Object[] all = new Object[arguments.length + 1];
        all[0] = command;
        System.arraycopy(arguments, 0, all, 1, arguments.length);
        return new SyscallException("bpf", errno, libc.strerror(errno) + detail, all);
    }

    /**
     * BPF_PROG_LOAD of a BPF_PROG_TYPE_CGROUP_DEVICE program. A refused program is loaded once more with the
     * verifier's log on, and the log's last lines become part of the exception's message.
     */
    int loadCgroupDeviceProgram(byte[] instructions, String name) {
        if (instructions.length == 0 || instructions.length % INSTRUCTION_SIZE != 0) {
            throw new IllegalArgumentException("a BPF program is a non-empty multiple of " + INSTRUCTION_SIZE
                    + " bytes, not " + instructions.length);
        }
        Pointer insns = Memory.allocateDirect(runtime, instructions.length, true);
        insns.put(0, instructions, 0, instructions.length);
        Pointer license = Memory.allocateDirect(runtime, 8, true);
        license.putString(0, "GPL", 8, StandardCharsets.US_ASCII);
        long fd = progLoad(insns, instructions.length / INSTRUCTION_SIZE, license, name, null);
        if (fd >= 0) {
            return (int) fd;
        }
        int errno = runtime.getLastError();
        String log = "";
        if (errno == Errno.EACCES || errno == Errno.EINVAL) {
            Pointer logBuffer = Memory.allocateDirect(runtime, LOG_SIZE, true);
            long retry = progLoad(insns, instructions.length / INSTRUCTION_SIZE, license, name, logBuffer);
            if (retry >= 0) {
                return (int) retry;
            }
            errno = runtime.getLastError();
            log = tail(logBuffer.getString(0, LOG_SIZE, StandardCharsets.US_ASCII));
        }
        String detail = log.isEmpty() ? "" : "; verifier: " + log;
        throw failure("BPF_PROG_LOAD", errno, detail, "BPF_PROG_TYPE_CGROUP_DEVICE",
                instructions.length / INSTRUCTION_SIZE + " instructions");
    }

    private long progLoad(Pointer insns, int count, Pointer license, String name, Pointer log) {
        // prog_type u32 @0, insn_cnt u32 @4, insns u64 @8, license u64 @16, log_level u32 @24, log_size u32 @28,
        // log_buf u64 @32, kern_version u32 @40, prog_flags u32 @44, prog_name char[16] @48
        Pointer attr = Memory.allocateDirect(runtime, 64, true);
        attr.putInt(0, BPF_PROG_TYPE_CGROUP_DEVICE);
        attr.putInt(4, count);
        attr.putLong(8, insns.address());
        attr.putLong(16, license.address());
        if (log != null) {
            attr.putInt(24, 1);
            attr.putInt(28, LOG_SIZE);
            attr.putLong(32, log.address());
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        attr.put(48, nameBytes, 0, Math.min(nameBytes.length, PROG_NAME_SIZE - 1));
        long r = bpf(BPF_PROG_LOAD, attr, 64);
        // the kernel read these through the addresses in attr: keep them from being freed before it did
        Reference.reachabilityFence(insns);
        Reference.reachabilityFence(license);
        Reference.reachabilityFence(log);
        return r;
    }

    /** The last few lines of a verifier log, on one line: the reason is at its end. */
    private static String tail(String log) {
        String[] lines = log.strip().split("\n");
        int from = Math.max(0, lines.length - 4);
        return String.join(" | ", Arrays.copyOfRange(lines, from, lines.length)).replaceAll("\\s+", " ").strip();
    }

    void progAttach(int targetFd, int progFd, int attachType, int flags) {
        // target_fd u32 @0, attach_bpf_fd u32 @4, attach_type u32 @8, attach_flags u32 @12
        Pointer attr = Memory.allocateDirect(runtime, 16, true);
        attr.putInt(0, targetFd);
        attr.putInt(4, progFd);
        attr.putInt(8, attachType);
        attr.putInt(12, flags);
        if (bpf(BPF_PROG_ATTACH, attr, 16) != 0) {
            int errno = runtime.getLastError();
            throw failure("BPF_PROG_ATTACH", errno, "", targetFd, progFd, attachType, flags);
        }
    }

    void progDetach(int targetFd, int progFd, int attachType) {
        Pointer attr = Memory.allocateDirect(runtime, 16, true);
        attr.putInt(0, targetFd);
        attr.putInt(4, progFd);
        attr.putInt(8, attachType);
        if (bpf(BPF_PROG_DETACH, attr, 16) != 0) {
            int errno = runtime.getLastError();
            throw failure("BPF_PROG_DETACH", errno, "", targetFd, progFd, attachType);
        }
    }

    int[] progQuery(int targetFd, int attachType) {
        // target_fd u32 @0, attach_type u32 @4, query_flags u32 @8, attach_flags u32 @12, prog_ids u64 @16,
        // prog_cnt u32 @24 (in: capacity, out: count)
        int capacity = QUERY_CAPACITY;
        while (true) {
            Pointer ids = Memory.allocateDirect(runtime, capacity * 4L, true);
            Pointer attr = Memory.allocateDirect(runtime, 32, true);
            attr.putInt(0, targetFd);
            attr.putInt(4, attachType);
            attr.putLong(16, ids.address());
            attr.putInt(24, capacity);
            long r = bpf(BPF_PROG_QUERY, attr, 32);
            int errno = r == 0 ? 0 : runtime.getLastError();
            int count = attr.getInt(24);
            Reference.reachabilityFence(ids);
            if (r == 0) {
                int[] out = new int[count];
                for (int i = 0; i < count; i++) {
                    out[i] = ids.getInt(i * 4L);
                }
                return out;
            }
            if (errno != Errno.ENOSPC || count <= capacity) {
                throw failure("BPF_PROG_QUERY", errno, "", targetFd, attachType);
            }
            capacity = count;
        }
    }

    int progGetFdById(int id) {
        // prog_id u32 @0, next_id u32 @4, open_flags u32 @8
        Pointer attr = Memory.allocateDirect(runtime, 12, true);
        attr.putInt(0, id);
        long fd = bpf(BPF_PROG_GET_FD_BY_ID, attr, 12);
        if (fd < 0) {
            int errno = runtime.getLastError();
            throw failure("BPF_PROG_GET_FD_BY_ID", errno, "", id);
        }
        return (int) fd;
    }
}
