package io.peapod.image.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.peapod.image.NotFoundException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** An image index (OCI) or manifest list (Docker): manifests per platform. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImageIndex(@JsonProperty("schemaVersion") int schemaVersion,
                         @JsonProperty("mediaType") String mediaType,
                         @JsonProperty("manifests") List<Descriptor> manifests,
                         @JsonProperty("annotations") Map<String, String> annotations) {

    public static ImageIndex oci(List<Descriptor> manifests) {
        return new ImageIndex(2, MediaTypes.OCI_INDEX, manifests, null);
    }

    /**
     * The manifest for {@code platform}: the first entry that matches exactly (variant defaults
     * applied). Entries without a platform are skipped (attestations and the like).
     */
    public Descriptor select(Platform platform, String indexName) {
        if (manifests != null) {
            for (Descriptor d : manifests) {
                if (d.platform() != null && platform.matches(d.platform())
                        && !"unknown".equals(d.platform().os())) {
                    return d;
                }
            }
        }
        String available = manifests == null ? "" : manifests.stream()
                .filter(d -> d.platform() != null).map(d -> d.platform().toString())
                .collect(Collectors.joining(", "));
        throw new NotFoundException("no manifest for platform " + platform + " in " + indexName
                + " (available: " + (available.isEmpty() ? "none" : available) + ")");
    }
}
