package io.peapod.image.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** An image manifest (OCI, or Docker schema 2 read as OCI): one config and the layers, bottom first. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImageManifest(@JsonProperty("schemaVersion") int schemaVersion,
                            @JsonProperty("mediaType") String mediaType,
                            @JsonProperty("config") Descriptor config,
                            @JsonProperty("layers") List<Descriptor> layers,
                            @JsonProperty("annotations") Map<String, String> annotations) {

    public static ImageManifest oci(Descriptor config, List<Descriptor> layers) {
        return new ImageManifest(2, MediaTypes.OCI_MANIFEST, config, layers, null);
    }
}
