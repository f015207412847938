package io.peapod.runtime.spec;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A kernel table of names numbered from 0 in order (capabilities, rlimits), both ways. */
final class NumberedNames {
    private final List<String> names;
    private final Map<String, Integer> numbers;
    private final String nameKind;
    private final String numberKind;

    /**
     * @param nameKind   what a name is, in errors ({@code unknown capability "X"})
     * @param numberKind what a number is, in errors ({@code unknown capability number 99})
     */
    NumberedNames(String nameKind, String numberKind, String... names) {
        this.names = List.of(names);
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], i);
        }
        this.numbers = Collections.unmodifiableMap(m);
        this.nameKind = nameKind;
        this.numberKind = numberKind;
    }

    List<String> all() {
        return names;
    }

    int size() {
        return names.size();
    }

    boolean isKnown(String name) {
        return numbers.containsKey(name);
    }

    int number(String name) {
        Integer n = numbers.get(name);
        if (n == null) {
            throw new InvalidArgumentException("unknown " + nameKind + " \"" + name + "\"");
        }
        return n;
    }

    String name(int number) {
        if (number < 0 || number >= names.size()) {
            throw new InvalidArgumentException("unknown " + numberKind + " number " + number);
        }
        return names.get(number);
    }
}
