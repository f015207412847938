package io.peapod.image.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.peapod.image.InvalidArgumentException;
import java.util.List;

/** An OCI platform: os, architecture and optional variant (e.g. linux/arm/v7). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Platform(@JsonProperty("architecture") String architecture,
                       @JsonProperty("os") String os,
                       @JsonProperty("os.version") String osVersion,
                       @JsonProperty("os.features") List<String> osFeatures,
                       @JsonProperty("variant") String variant) {

    public static final Platform LINUX_AMD64 = new Platform("amd64", "linux", null, null, null);

    public static Platform of(String os, String architecture, String variant) {
        return new Platform(architecture, os, null, null, variant);
    }

    /** Parses {@code os/arch[/variant]}, e.g. {@code linux/arm64/v8}. */
    public static Platform parse(String text) {
        String[] parts = text == null ? new String[0] : text.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()
                || (parts.length == 3 && parts[2].isEmpty())) {
            throw new InvalidArgumentException("invalid platform \"" + text + "\": expected os/arch[/variant]");
        }
        return of(parts[0], normaliseArch(parts[1]), parts.length == 3 ? parts[2] : null);
    }

    /** The platform of this JVM's host (linux and the normalised os.arch). */
    public static Platform host() {
        return of("linux", normaliseArch(System.getProperty("os.arch")), null);
    }

    public static String normaliseArch(String arch) {
        if (arch == null) {
            return null;
        }
        switch (arch) {
            case "x86_64":
            case "x86-64":
                return "amd64";
            case "aarch64":
                return "arm64";
            case "i386":
            case "i686":
                return "386";
            default:
                return arch;
        }
    }

    /** Default variants, so that arm64 and arm64/v8 compare equal. */
    static String normaliseVariant(String arch, String variant) {
        if (variant == null || variant.isEmpty()) {
            if ("arm64".equals(arch)) {
                return "v8";
            }
            if ("arm".equals(arch)) {
                return "v7";
            }
            return "";
        }
        return variant;
    }

    /**
     * Whether an image for {@code candidate} runs on this platform. A wanted variant must match
     * (after defaults); os and architecture always must.
     */
    public boolean matches(Platform candidate) {
        if (candidate == null || !os.equals(candidate.os())) {
            return false;
        }
        String a = normaliseArch(architecture);
        if (!a.equals(normaliseArch(candidate.architecture()))) {
            return false;
        }
        return normaliseVariant(a, variant).equals(normaliseVariant(a, candidate.variant()));
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
    }
}
