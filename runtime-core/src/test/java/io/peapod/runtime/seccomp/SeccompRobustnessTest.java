package io.peapod.runtime.seccomp;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.spec.Seccomp;
import io.peapod.runtime.spec.SpecIO;
import io.peapod.runtime.spec.SpecValidatorRobustnessTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whatever part of a profile is null or missing, compiling it gives a clear error or a filter. */
class SeccompRobustnessTest {

    @Test
    void nullingAnyPartOfTheDefaultProfile() throws Exception {
        JsonNode tree = SpecIO.mapper().valueToTree(DefaultProfile.runtimeDefault());
        List<String> paths = new ArrayList<>();
        List<Runnable> nullers = new ArrayList<>();
        List<Runnable> restorers = new ArrayList<>();
        SpecValidatorRobustnessTest.collect(tree, "", paths, nullers, restorers);
        for (int i = 0; i < nullers.size(); i++) {
            nullers.get(i).run();
            try {
                Seccomp s = SpecIO.mapper().treeToValue(tree, Seccomp.class);
                new BpfInterpreter(SeccompCompiler.compile(s));
            } catch (InvalidArgumentException expected) {
                // a clear error
            } catch (RuntimeException e) {
                fail("with " + paths.get(i) + " the compiler threw " + e, e);
            }
            restorers.get(i).run();
        }
    }
}
