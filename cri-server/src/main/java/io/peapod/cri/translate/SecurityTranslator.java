package io.peapod.cri.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.peapod.cri.v1.Capability;
import io.peapod.cri.v1.SELinuxOption;
import io.peapod.cri.v1.SecurityProfile;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.seccomp.DefaultProfile;
import io.peapod.runtime.seccomp.SeccompCompiler;
import io.peapod.runtime.spec.Capabilities;
import io.peapod.runtime.spec.LinuxCapabilities;
import io.peapod.runtime.spec.Seccomp;
import io.peapod.runtime.spec.SpecIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Capabilities, seccomp, AppArmor and SELinux of a CRI security context. */
public final class SecurityTranslator {

    /** The capabilities of an unprivileged container: Docker's, containerd's and CRI-O's default set. */
    public static final List<String> DEFAULT_CAPABILITIES = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
            "CAP_KILL", "CAP_AUDIT_WRITE");

    private SecurityTranslator() {
    }

    /**
     * The capability sets from the default set (or all, when privileged) and the CRI's add and
     * drop lists. Names come as the kubelet sends them ({@code NET_ADMIN}), with or without the
     * {@code CAP_} prefix, in any case. "ALL" in add grants every capability and "ALL" in drop
     * removes every one; the individual names are applied after that, adds before drops, so that
     * drop ALL + add NET_BIND_SERVICE leaves only NET_BIND_SERVICE. Ambient capabilities are also
     * put in the inheritable, permitted, effective and bounding sets, as the kernel requires.
     */
    public static LinuxCapabilities capabilities(String owner, boolean privileged, Capability c) {
        Set<String> caps = new LinkedHashSet<>(privileged ? Capabilities.all() : DEFAULT_CAPABILITIES);
        if (contains(c.getAddCapabilitiesList())) {
            caps.addAll(Capabilities.all());
        }
        if (contains(c.getDropCapabilitiesList())) {
            caps.clear();
        }
        for (String name : c.getAddCapabilitiesList()) {
            if (!name.equalsIgnoreCase("ALL")) {
                caps.add(capName(owner, name, "add"));
            }
        }
        for (String name : c.getDropCapabilitiesList()) {
            if (!name.equalsIgnoreCase("ALL")) {
                caps.remove(capName(owner, name, "drop"));
            }
        }
        List<String> ambient = new ArrayList<>();
        for (String name : c.getAddAmbientCapabilitiesList()) {
            String cap = capName(owner, name, "add_ambient");
            caps.add(cap);
            if (!ambient.contains(cap)) {
                ambient.add(cap);
            }
        }
        List<String> sorted = new ArrayList<>(caps);
        sorted.sort((a, b) -> Integer.compare(Capabilities.number(a), Capabilities.number(b)));
        LinuxCapabilities out = new LinuxCapabilities();
        out.bounding = new ArrayList<>(sorted);
        out.effective = new ArrayList<>(sorted);
        out.permitted = new ArrayList<>(sorted);
        if (!ambient.isEmpty()) {
            out.inheritable = new ArrayList<>(ambient);
            out.ambient = new ArrayList<>(ambient);
        }
        return out;
    }

    private static boolean contains(List<String> names) {
        for (String n : names) {
            if (n.equalsIgnoreCase("ALL")) {
                return true;
            }
        }
        return false;
    }

    private static String capName(String owner, String name, String list) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        String cap = upper.startsWith("CAP_") ? upper : "CAP_" + upper;
        if (!Capabilities.isKnown(cap)) {
            throw new InvalidArgumentException(owner + ": unknown capability \"" + name + "\" in "
                    + list + "_capabilities");
        }
        return cap;
    }

    /**
     * The seccomp filter to apply, or null for none. The profile field wins over the deprecated
     * path string; a container without either inherits the pod's; nothing at all is unconfined
     * (what the kubelet asks for by sending Unconfined, and containerd's default). A privileged
     * container is never filtered.
     */
    public static Seccomp seccomp(String owner, boolean privileged, SecurityProfile profile, String deprecatedPath,
                                  SecurityProfile podProfile, String podDeprecatedPath) {
        if (privileged) {
            return null;
        }
        if (profile != null) {
            return fromProfile(owner, profile);
        }
        if (deprecatedPath != null && !deprecatedPath.isEmpty()) {
            return fromPath(owner, deprecatedPath);
        }
        if (podProfile != null) {
            return fromProfile(owner, podProfile);
        }
        if (podDeprecatedPath != null && !podDeprecatedPath.isEmpty()) {
            return fromPath(owner, podDeprecatedPath);
        }
        return null;
    }

    private static Seccomp fromProfile(String owner, SecurityProfile p) {
        switch (p.getProfileType()) {
            case RuntimeDefault:
                return DefaultProfile.runtimeDefault();
            case Unconfined:
                return null;
            case Localhost:
                if (p.getLocalhostRef().isEmpty()) {
                    throw new InvalidArgumentException(owner + ": seccomp profile type Localhost without a localhost_ref");
                }
                return load(owner, p.getLocalhostRef());
            default:
                throw new InvalidArgumentException(owner + ": unknown seccomp profile type " + p.getProfileTypeValue());
        }
    }

    private static Seccomp fromPath(String owner, String path) {
        switch (path) {
            case "runtime/default":
            case "docker/default":
                return DefaultProfile.runtimeDefault();
            case "unconfined":
                return null;
            default:
                if (path.startsWith("localhost/")) {
                    return load(owner, path.substring("localhost/".length()));
                }
                throw new InvalidArgumentException(owner + ": unknown seccomp profile \"" + path
                        + "\"; expected runtime/default, docker/default, unconfined or localhost/<path>");
        }
    }

    /** Reads a profile file: an OCI {@code linux.seccomp} object in JSON. */
    static Seccomp load(String owner, String file) {
        if (!file.startsWith("/")) {
            throw new InvalidArgumentException(owner + ": seccomp profile path \"" + file + "\" is not absolute");
        }
        Path path = Path.of(file);
        Seccomp s;
        try {
            s = SpecIO.mapper().readValue(Files.readAllBytes(path), Seccomp.class);
        } catch (NoSuchFileException e) {
            throw new InvalidArgumentException(owner + ": seccomp profile " + file + " does not exist", e);
        } catch (JsonProcessingException e) {
            throw new InvalidArgumentException(owner + ": seccomp profile " + file + " is not a valid OCI seccomp "
                    + "object: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidArgumentException(owner + ": cannot read seccomp profile " + file + ": " + e, e);
        }
        if (s == null) {
            throw new InvalidArgumentException(owner + ": seccomp profile " + file + " is JSON null");
        }
        try {
            SeccompCompiler.validate(s, "seccomp profile " + file);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException(owner + ": " + e.getMessage(), e);
        }
        return s;
    }

    /** Warnings for AppArmor settings, which peapod does not apply. */
    public static void appArmor(String owner, SecurityProfile profile, String deprecatedProfile, List<String> warnings) {
        if (profile != null && profile.getProfileType() != SecurityProfile.ProfileType.Unconfined) {
            warnings.add(owner + ": AppArmor profile " + profile.getProfileType()
                    + (profile.getLocalhostRef().isEmpty() ? "" : " \"" + profile.getLocalhostRef() + "\"")
                    + " not applied: peapod does not support AppArmor");
        } else if (profile == null && deprecatedProfile != null && !deprecatedProfile.isEmpty()
                && !deprecatedProfile.equals("unconfined")) {
            warnings.add(owner + ": AppArmor profile \"" + deprecatedProfile
                    + "\" not applied: peapod does not support AppArmor");
        }
    }

    /** A warning for SELinux options, which peapod does not apply. */
    public static void seLinux(String owner, SELinuxOption o, List<String> warnings) {
        if (o != null && !o.equals(SELinuxOption.getDefaultInstance())) {
            warnings.add(owner + ": SELinux label " + String.join(":", o.getUser(), o.getRole(), o.getType(),
                    o.getLevel()) + " not applied: peapod does not support SELinux");
        }
    }
}
