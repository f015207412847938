package io.peapod.runtime.seccomp;

import java.util.Set;

/**
 * The architectures of the OCI spec. A filter compiled here runs on an x86_64 kernel, where only
 * three of them can occur: x86_64 itself, its x32 ABI and i386 (ia32 emulation). The others are
 * accepted in a profile and ignored, since no process of theirs can run here.
 */
public final class SeccompArch {

    public static final String X86_64 = "SCMP_ARCH_X86_64";
    public static final String X86 = "SCMP_ARCH_X86";
    public static final String X32 = "SCMP_ARCH_X32";

    /** audit arch of x86_64 and x32 (EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE). */
    public static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    /** audit arch of i386 (EM_386 | __AUDIT_ARCH_LE). */
    public static final int AUDIT_ARCH_I386 = 0x40000003;

    public static final Set<String> KNOWN = Set.of(
            "SCMP_ARCH_NATIVE", X86, X86_64, X32, "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
            "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
            "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
            "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
            "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB");

    private SeccompArch() {
    }
}
