package io.peapod.image.unpack;

import io.peapod.image.InvalidArgumentException;

/** A layer entry that would write outside its snapshot, or is otherwise refused. */
public final class UnsafeEntryException extends InvalidArgumentException {
    private final String entry;

    public UnsafeEntryException(String entry, String why) {
        super("refusing layer entry \"" + entry + "\": " + why);
        this.entry = entry;
    }

    public String entry() {
        return entry;
    }
}
