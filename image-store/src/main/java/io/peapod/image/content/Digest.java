package io.peapod.image.content;

import io.peapod.image.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A content digest, {@code algorithm:hex}. sha256 is what peapod writes; sha512 is accepted
 * from registries and archives. The hex part is lower case and of the algorithm's exact length.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
    public static final String SHA256 = "sha256";
    public static final String SHA512 = "sha512";

    public Digest {
        int expected = hexLength(algorithm);
        if (expected < 0) {
            throw new InvalidArgumentException("invalid digest " + algorithm + ":" + hex
                    + ": unsupported algorithm " + algorithm + " (sha256 and sha512 are supported)");
        }
        if (hex == null || hex.length() != expected || !isLowerHex(hex)) {
            throw new InvalidArgumentException("invalid digest " + algorithm + ":" + hex + ": the " + algorithm
                    + " part must be " + expected + " lower-case hex characters");
        }
    }

    /** Parses {@code sha256:<64 hex>} or {@code sha512:<128 hex>}. */
    public static Digest parse(String text) {
        if (text == null) {
            throw new InvalidArgumentException("invalid digest: null");
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new InvalidArgumentException("invalid digest \"" + text + "\": expected algorithm:hex");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    public static boolean isDigest(String text) {
        try {
            parse(text);
            return true;
        } catch (InvalidArgumentException e) {
            return false;
        }
    }

    public static Digest sha256(byte[] data) {
        return of(newDigest(SHA256).digest(data), SHA256);
    }

    public static Digest sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The digest of {@code bytes} computed by a {@link MessageDigest} of {@code algorithm}. */
    public static Digest of(byte[] bytes, String algorithm) {
        return new Digest(algorithm, HexFormat.of().formatHex(bytes));
    }

    /** A fresh hasher for this digest's algorithm. */
    public MessageDigest newDigest() {
        return newDigest(algorithm);
    }

    public static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(SHA512.equals(algorithm) ? "SHA-512" : "SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }

    /** The first 12 hex characters, as docker shows image ids. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    @Override
    public int compareTo(Digest o) {
        return toString().compareTo(o.toString());
    }

    private static int hexLength(String algorithm) {
        if (SHA256.equals(algorithm)) {
            return 64;
        }
        if (SHA512.equals(algorithm)) {
            return 128;
        }
        return -1;
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
