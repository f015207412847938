package io.peapod.runtime.cgroup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a list of device rules leaves in force, computed the way the cgroup v1 devices controller computes it
 * (security/device_cgroup.c): a default verdict plus exceptions, each exception a device key (type,
 * major, minor) with the access bits that get the opposite verdict.
 *
 * <p>The rules are applied in the order given, starting from "everything allowed" (a new cgroup under an
 * unrestricted parent):
 * <ul>
 *   <li>a rule for all devices ({@code a}) sets the default to its verdict and drops every exception;</li>
 *   <li>a rule whose verdict differs from the default adds its access bits to the exception with exactly its
 *       key (created at the end of the list if missing);</li>
 *   <li>a rule whose verdict equals the default removes its access bits from the exception with exactly its
 *       key, and the exception when no bit is left.</li>
 * </ul>
 * So a later rule overrides an earlier one for the same key ("last rule wins" per key), but a narrower rule
 * never punches a hole into a wider exception: after "deny all, allow c *:* rwm, deny c 1:3 w" /dev/null
 * is still writable, because the deny only looks for an exception keyed c 1:3. runc emulates the same for its
 * cgroup v2 filter, so a spec means the same on v1 and v2 hosts.
 *
 * <p>A request is decided as the kernel decides it: with default deny it is allowed when one exception
 * matching the device holds every requested access bit; with default allow it is denied when any exception
 * matching the device holds any requested bit.
 */
public final class DevicePolicy {
    private static final DevicePolicy ALLOW_ALL = new DevicePolicy(true, Map.of());

    /** The device an exception is about; {@link DeviceRule#WILDCARD} numbers match any number. */
    public record Key(char type, long major, long minor) {
        boolean matches(char requestType, long requestMajor, long requestMinor) {
            return type == requestType && (major == DeviceRule.WILDCARD || major == requestMajor)
                    && (minor == DeviceRule.WILDCARD || minor == requestMinor);
        }
    }

    private final boolean defaultAllow;
    private final Map<Key, Integer> exceptions;

    private DevicePolicy(boolean defaultAllow, Map<Key, Integer> exceptions) {
        this.defaultAllow = defaultAllow;
        this.exceptions = Collections.unmodifiableMap(new LinkedHashMap<>(exceptions));
    }

    /** Every device allowed, no exception: what a cgroup without device rules gets. */
    public static DevicePolicy allowAll() {
        return ALLOW_ALL;
    }

    /** The policy {@code rules} leave, applied in order from {@link #allowAll()}. */
    public static DevicePolicy of(List<DeviceRule> rules) {
        boolean defaultAllow = true;
        Map<Key, Integer> exceptions = new LinkedHashMap<>();
        for (DeviceRule rule : rules) {
            if (rule.type() == 'a') {
                defaultAllow = rule.allow();
                exceptions.clear();
                continue;
            }
            Key key = new Key(rule.type(), rule.major(), rule.minor());
            if (rule.allow() != defaultAllow) {
                exceptions.merge(key, rule.access(), (a, b) -> a | b);
            } else {
                Integer held = exceptions.get(key);
                if (held != null) {
                    int left = held & ~rule.access();
                    if (left == 0) {
                        exceptions.remove(key);
                    } else {
                        exceptions.put(key, left);
                    }
                }
            }
        }
        return new DevicePolicy(defaultAllow, exceptions);
    }

    /**
     * A deny-by-default policy from the kernel's devices.list ({@code c 1:3 rwm} lines), or {@code null} when
     * the list is {@code a *:* rwm}: the cgroup allows by default, and the kernel does not list the
     * exceptions of such a cgroup.
     */
    public static DevicePolicy fromV1List(String devicesList) {
        Map<Key, Integer> exceptions = new LinkedHashMap<>();
        for (String line : devicesList.split("\n")) {
            String l = line.trim();
            if (l.isEmpty()) {
                continue;
            }
            String[] parts = l.split("\\s+");
            String[] numbers = parts.length == 3 ? parts[1].split(":") : new String[0];
            if (numbers.length != 2) {
                throw new CgroupException("devices.list line '" + l + "' is not 'type major:minor access'");
            }
            char type = parts[0].charAt(0);
            if (type == 'a') {
                return null;
            }
            try {
                Key key = new Key(type, listNumber(numbers[0]), listNumber(numbers[1]));
                exceptions.merge(key, DeviceRule.parseAccess(parts[2]), (a, b) -> a | b);
            } catch (IllegalArgumentException e) {
                throw new CgroupException("devices.list line '" + l + "' is invalid: " + e.getMessage(), e);
            }
        }
        return new DevicePolicy(false, exceptions);
    }

    private static long listNumber(String s) {
        return s.equals("*") ? DeviceRule.WILDCARD : Long.parseLong(s);
    }

    public boolean defaultAllow() {
        return defaultAllow;
    }

    /** The exceptions by key, in the order the kernel would list them; each gets the opposite of the default. */
    public Map<Key, Integer> exceptions() {
        return exceptions;
    }

    /** The exceptions as rules (verdict opposite to the default), in order. */
    public List<DeviceRule> exceptionRules() {
        List<DeviceRule> rules = new ArrayList<>();
        exceptions.forEach((k, access) -> rules.add(new DeviceRule(!defaultAllow, k.type(), k.major(), k.minor(),
                access)));
        return rules;
    }

    /**
     * Whether opening (or creating, for {@link DeviceRule#MKNOD}) the device {@code type} ('c' or 'b')
     * {@code major}:{@code minor} with {@code access} is allowed.
     */
    public boolean permits(char type, long major, long minor, int access) {
        for (Map.Entry<Key, Integer> e : exceptions.entrySet()) {
            if (!e.getKey().matches(type, major, minor)) {
                continue;
            }
            if (defaultAllow && (access & e.getValue()) != 0) {
                return false;
            }
            if (!defaultAllow && (access & ~e.getValue()) == 0) {
                return true;
            }
        }
        return defaultAllow;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DevicePolicy other && defaultAllow == other.defaultAllow
                && exceptions.equals(other.exceptions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(defaultAllow, exceptions);
    }

    @Override
    public String toString() {
        return "DevicePolicy[" + (defaultAllow ? "allow" : "deny") + " by default, except " + exceptionRules() + "]";
    }
}
