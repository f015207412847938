package io.peapod.cri.streaming;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The terminal size messages of remotecommand: {@code {"Width":80,"Height":24}}. */
record Resize(int width, int height) {
    private static final Pattern WIDTH = Pattern.compile("\"[Ww]idth\"\\s*:\\s*(\\d+)");
    private static final Pattern HEIGHT = Pattern.compile("\"[Hh]eight\"\\s*:\\s*(\\d+)");

    /** Parses one message; throws naming the text when it is not a terminal size. */
    static Resize parse(String json) {
        Matcher w = WIDTH.matcher(json);
        Matcher h = HEIGHT.matcher(json);
        if (!w.find() || !h.find()) {
            throw new IllegalArgumentException("terminal size message \"" + json.strip()
                    + "\" lacks Width or Height");
        }
        try {
            return new Resize(Integer.parseInt(w.group(1)), Integer.parseInt(h.group(1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("terminal size message \"" + json.strip() + "\" is out of range", e);
        }
    }

    String json() {
        return "{\"Width\":" + width + ",\"Height\":" + height + "}";
    }
}
