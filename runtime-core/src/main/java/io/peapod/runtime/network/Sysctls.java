package io.peapod.runtime.network;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.util.regex.Pattern;

/**
 * Which namespace a sysctl belongs to. Only sysctls the kernel keeps per namespace may
 * be set for a pod: {@code net.*} (network), {@code kernel.shm*}, {@code kernel.msg*},
 * {@code kernel.sem} and {@code fs.mqueue.*} (IPC). Everything else would change the
 * whole host and is refused. Names use dots ({@code net.ipv4.ip_forward}) or, as
 * Kubernetes allows for names whose parts contain dots, slashes
 * ({@code net/ipv4/conf/eth0.100/forwarding}).
 */
public final class Sysctls {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9_.\\-/]*");

    private Sysctls() {
    }

    /** The dotted form of a name: a slashed name has its dots and slashes swapped. */
    public static String canonicalName(String name) {
        validateName(name);
        if (name.indexOf('/') < 0) {
            return name;
        }
        StringBuilder b = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            b.append(c == '/' ? '.' : c == '.' ? '/' : c);
        }
        return b.toString();
    }

    /** The file under {@code /proc/sys} for a name, relative. */
    public static String procPath(String name) {
        validateName(name);
        return name.indexOf('/') >= 0 ? name : name.replace('.', '/');
    }

    /** The namespace that holds the sysctl, or an {@link InvalidArgumentException} naming it. */
    public static NamespaceType namespaceOf(String name) {
        String canonical = canonicalName(name);
        if (canonical.startsWith("net.")) {
            return NamespaceType.NET;
        }
        if (canonical.startsWith("kernel.shm") || canonical.startsWith("kernel.msg")
                || canonical.equals("kernel.sem") || canonical.startsWith("fs.mqueue.")) {
            return NamespaceType.IPC;
        }
        throw new InvalidArgumentException("sysctl " + name
                + " is not namespaced (allowed: net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)");
    }

    /** Refuses values a sysctl file could misread: empty, or with a line break or NUL. */
    public static void validateValue(String name, String value) {
        if (value == null || value.isBlank() || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0
                || value.indexOf('\0') >= 0) {
            throw new InvalidArgumentException("sysctl " + name + " has an invalid value " + quote(value));
        }
    }

    private static void validateName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..") || name.contains("//")
                || name.endsWith(".") || name.endsWith("/")) {
            throw new InvalidArgumentException("invalid sysctl name " + quote(name));
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s.replace("\n", "\\n") + "\"";
    }
}
