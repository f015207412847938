package io.peapod.runtime.container;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Container ids: what runc accepts, so that they are safe as directory and cgroup names. */
public final class ContainerIds {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_+.\\-]{0,1023}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ContainerIds() {
    }

    public static String check(String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidArgumentException("container id is empty");
        }
        if (!VALID.matcher(id).matches() || id.equals(".") || id.equals("..")) {
            throw new InvalidArgumentException("invalid container id \"" + id
                    + "\": use letters, digits and _ + . - (not starting with a symbol), at most 1024");
        }
        return id;
    }

    /** A new random id, 64 hex digits as containerd and CRI-O make them. */
    public static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
