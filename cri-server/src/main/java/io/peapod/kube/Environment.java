package io.peapod.kube;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A container's environment from env and envFrom, with $(VAR) references expanded as Kubernetes does. */
final class Environment {
    private static final Pattern REF = Pattern.compile("\\$\\$|\\$\\(([-._a-zA-Z][-._a-zA-Z0-9]*)\\)");

    private final Manifest m;
    private final FieldValues fields;

    Environment(Manifest m, FieldValues fields) {
        this.m = m;
        this.fields = fields;
    }

    Map<String, String> of(Kube.Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Kube.EnvFromSource f : c.envFrom == null ? List.<Kube.EnvFromSource>of() : c.envFrom) {
            String prefix = f.prefix == null ? "" : f.prefix;
            if (f.configMapRef != null) {
                Kube.ConfigMap cm = m.configMaps().get(f.configMapRef.name);
                if (cm != null && cm.data != null) {
                    cm.data.forEach((k, v) -> env.put(prefix + k, v));
                }
            } else {
                PodVolumes.secretData(m, f.secretRef.name, true)
                        .forEach((k, v) -> env.put(prefix + k, new String(v, StandardCharsets.UTF_8)));
            }
        }
        for (Kube.EnvVar e : c.env == null ? List.<Kube.EnvVar>of() : c.env) {
            String value = e.valueFrom == null ? expand(e.value == null ? "" : e.value, env) : from(c, e.valueFrom);
            if (value != null) {
                env.put(e.name, value);
            }
        }
        return env;
    }

    private String from(Kube.Container c, Kube.EnvVarSource s) {
        if (s.fieldRef != null) {
            return fields.field(s.fieldRef.fieldPath);
        }
        if (s.resourceFieldRef != null) {
            Kube.Container target = s.resourceFieldRef.containerName == null || s.resourceFieldRef.containerName
                    .isEmpty() ? c : PodVolumes.findContainer(m, s.resourceFieldRef.containerName);
            return fields.resource(target, s.resourceFieldRef);
        }
        if (s.configMapKeyRef != null) {
            Kube.ConfigMap cm = m.configMaps().get(s.configMapKeyRef.name);
            return cm == null || cm.data == null ? null : cm.data.get(s.configMapKeyRef.key);
        }
        byte[] v = PodVolumes.secretData(m, s.secretKeyRef.name, true).get(s.secretKeyRef.key);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** $(NAME) of an earlier variable is replaced, $$ is a literal $, anything else stays as written. */
    static String expand(String value, Map<String, String> earlier) {
        Matcher mm = REF.matcher(value);
        StringBuilder b = new StringBuilder();
        while (mm.find()) {
            String rep;
            if (mm.group(0).equals("$$")) {
                rep = "$";
            } else {
                rep = earlier.getOrDefault(mm.group(1), mm.group(0));
            }
            mm.appendReplacement(b, Matcher.quoteReplacement(rep));
        }
        mm.appendTail(b);
        return b.toString();
    }
}
