package io.peapod.image.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.peapod.image.InvalidArgumentException;
import io.peapod.image.content.Digest;
import java.util.List;
import java.util.Map;

/** An OCI content descriptor: what a manifest or index says about one blob. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Descriptor(@JsonProperty("mediaType") String mediaType,
                         @JsonProperty("digest") String digest,
                         @JsonProperty("size") long size,
                         @JsonProperty("urls") List<String> urls,
                         @JsonProperty("annotations") Map<String, String> annotations,
                         @JsonProperty("platform") Platform platform) {

    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest.toString(), size, null, null, null);
    }

    /** The parsed digest; {@link InvalidArgumentException} naming the descriptor when malformed. */
    @JsonIgnore
    public Digest parsedDigest() {
        if (digest == null) {
            throw new InvalidArgumentException("descriptor of type " + mediaType + " has no digest");
        }
        return Digest.parse(digest);
    }

    public Descriptor withAnnotations(Map<String, String> a) {
        return new Descriptor(mediaType, digest, size, urls, a, platform);
    }

    public Descriptor withPlatform(Platform p) {
        return new Descriptor(mediaType, digest, size, urls, annotations, p);
    }
}
