package io.peapod.image.spec;

import io.peapod.image.InvalidArgumentException;
import io.peapod.image.content.Digest;
import java.util.regex.Pattern;

/**
 * An image reference normalised the way docker does: {@code busybox} is
 * {@code docker.io/library/busybox:latest}; a reference may carry a tag, a digest or both.
 *
 * @param domain registry host[:port], e.g. {@code docker.io}, {@code localhost:5000}
 * @param path   repository path within the registry, e.g. {@code library/busybox}
 * @param tag    tag, or null when only a digest was given
 * @param digest digest, or null
 */
public record ImageReference(String domain, String path, String tag, Digest digest) {
    public static final String DOCKER_HUB = "docker.io";
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern PATH = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?");

    /** Parses and normalises {@code text}; {@link InvalidArgumentException} naming it when malformed. */
    public static ImageReference parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidArgumentException("invalid image reference \"\": empty");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.parse(rest.substring(at + 1));
            } catch (InvalidArgumentException e) {
                throw new InvalidArgumentException("invalid image reference \"" + text + "\": " + e.getMessage());
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int lastSlash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > lastSlash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new InvalidArgumentException("invalid image reference \"" + text + "\": invalid tag \""
                        + tag + "\"");
            }
        }
        String domain;
        String path;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? null : rest.substring(0, slash);
        if (first == null || (first.indexOf('.') < 0 && first.indexOf(':') < 0 && !"localhost".equals(first)
                && first.toLowerCase(java.util.Locale.ROOT).equals(first))) {
            domain = DOCKER_HUB;
            path = rest;
        } else {
            domain = first;
            path = rest.substring(slash + 1);
        }
        if ("index.docker.io".equals(domain)) {
            domain = DOCKER_HUB;
        }
        if (DOCKER_HUB.equals(domain) && path.indexOf('/') < 0) {
            path = "library/" + path;
        }
        if (!DOMAIN.matcher(domain).matches()) {
            throw new InvalidArgumentException("invalid image reference \"" + text + "\": invalid registry \""
                    + domain + "\"");
        }
        if (!PATH.matcher(path).matches()) {
            String why = path.equals(path.toLowerCase(java.util.Locale.ROOT))
                    ? "invalid repository name \"" + path + "\""
                    : "repository name \"" + path + "\" must be lower case";
            throw new InvalidArgumentException("invalid image reference \"" + text + "\": " + why);
        }
        if (domain.length() + 1 + path.length() > 255) {
            throw new InvalidArgumentException("invalid image reference \"" + text
                    + "\": repository name longer than 255 characters");
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageReference(domain, path, tag, digest);
    }

    /** {@code domain/path}, e.g. {@code docker.io/library/busybox}. */
    public String repository() {
        return domain + "/" + path;
    }

    /** The tag, or else the digest, as a registry's manifest endpoint takes it. */
    public String manifestReference() {
        return digest != null ? digest.toString() : tag;
    }

    public ImageReference withTag(String newTag) {
        return new ImageReference(domain, path, newTag, null);
    }

    public ImageReference withDigest(Digest d) {
        return new ImageReference(domain, path, null, d);
    }

    /** Short form docker prints: {@code busybox:latest}, {@code localhost:5000/x:1}. */
    public String familiar() {
        String name = repository();
        if (DOCKER_HUB.equals(domain)) {
            name = path.startsWith("library/") && path.indexOf('/', 8) < 0 ? path.substring(8) : path;
        }
        return name + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    @Override
    public String toString() {
        return repository() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
