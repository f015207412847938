package io.peapod.image;

/** A manifest, config or layer of a media type peapod does not handle (Docker schema 1, foreign formats). */
public class UnsupportedMediaTypeException extends InvalidArgumentException {
    private final String mediaType;

    public UnsupportedMediaTypeException(String mediaType, String what) {
        super("unsupported media type " + (mediaType == null || mediaType.isEmpty() ? "(none)" : mediaType)
                + (what == null ? "" : " for " + what));
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }
}
