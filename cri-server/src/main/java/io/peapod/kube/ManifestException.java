package io.peapod.kube;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.util.List;

/** A manifest that cannot run: every problem found, each naming the file and the field's path. */
public final class ManifestException extends InvalidArgumentException {
    private final List<String> problems;

    public ManifestException(String source, List<String> problems) {
        super(source + ": " + (problems.size() == 1 ? problems.get(0)
                : problems.size() + " problems:\n  " + String.join("\n  ", problems)));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
