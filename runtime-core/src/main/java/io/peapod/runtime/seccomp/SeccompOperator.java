package io.peapod.runtime.seccomp;

import java.util.Optional;

/** Argument comparisons of the OCI spec ({@code SCMP_CMP_*}); all compare unsigned 64-bit values. */
public enum SeccompOperator {
    NE("SCMP_CMP_NE"),
    LT("SCMP_CMP_LT"),
    LE("SCMP_CMP_LE"),
    EQ("SCMP_CMP_EQ"),
    GE("SCMP_CMP_GE"),
    GT("SCMP_CMP_GT"),
    /** {@code (arg & value) == valueTwo}: value is the mask, valueTwo the expected bits. */
    MASKED_EQ("SCMP_CMP_MASKED_EQ");

    private final String specName;

    SeccompOperator(String specName) {
        this.specName = specName;
    }

    public String specName() {
        return specName;
    }

    public static Optional<SeccompOperator> fromSpecName(String name) {
        for (SeccompOperator op : values()) {
            if (op.specName.equals(name)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }
}
