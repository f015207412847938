package io.peapod.runtime.cgroup.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.peapod.runtime.cgroup.DefaultDeviceRules;
import io.peapod.runtime.cgroup.DevicePolicy;
import io.peapod.runtime.cgroup.DeviceRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeviceFilterTest {
    private static final long ANY = DeviceRule.WILDCARD;

    private static List<String> program(List<DeviceRule> rules) {
        return DeviceFilter.instructions(DevicePolicy.of(rules)).stream().map(DeviceFilter.Instruction::toString)
                .toList();
    }

    private static final List<String> PROLOGUE = List.of(
            "61 dst=r2 src=r1 off=0 imm=0", "54 dst=r2 src=r0 off=0 imm=65535",
            "61 dst=r3 src=r1 off=0 imm=0", "74 dst=r3 src=r0 off=0 imm=16",
            "61 dst=r4 src=r1 off=4 imm=0", "61 dst=r5 src=r1 off=8 imm=0");

    private static List<String> with(List<String> prologue, String... rest) {
        List<String> all = new ArrayList<>(prologue);
        all.addAll(List.of(rest));
        return all;
    }

    @Test
    void denyAllIsTheLoadsAndReturnZero() {
        assertEquals(with(PROLOGUE, "b4 dst=r0 src=r0 off=0 imm=0", "95 dst=r0 src=r0 off=0 imm=0"),
                program(List.of(DeviceRule.all(false))));
    }

    @Test
    void eachExceptionIsABlockThatSkipsToTheNextOnAMismatch() {
        assertEquals(with(PROLOGUE,
                // c 1:3 rw allowed: type, access subset, major, minor
                "55 dst=r2 src=r0 off=7 imm=2",
                "bc dst=r1 src=r3 off=0 imm=0", "54 dst=r1 src=r0 off=0 imm=6", "5d dst=r1 src=r3 off=4 imm=0",
                "55 dst=r4 src=r0 off=3 imm=1", "55 dst=r5 src=r0 off=2 imm=3",
                "b4 dst=r0 src=r0 off=0 imm=1", "95 dst=r0 src=r0 off=0 imm=0",
                // b *:* rwm allowed: the type alone
                "55 dst=r2 src=r0 off=2 imm=1", "b4 dst=r0 src=r0 off=0 imm=1", "95 dst=r0 src=r0 off=0 imm=0",
                "b4 dst=r0 src=r0 off=0 imm=0", "95 dst=r0 src=r0 off=0 imm=0"),
                program(List.of(DeviceRule.all(false), new DeviceRule(true, 'c', 1, 3, DeviceRule.READ | DeviceRule.WRITE),
                        new DeviceRule(true, 'b', ANY, ANY, DeviceRule.ALL_ACCESS))));
    }

    @Test
    void aDenyingExceptionRefusesOnAnySharedBit() {
        assertEquals(with(PROLOGUE,
                "55 dst=r2 src=r0 off=6 imm=2",
                "bc dst=r1 src=r3 off=0 imm=0", "54 dst=r1 src=r0 off=0 imm=4", "15 dst=r1 src=r0 off=3 imm=0",
                "55 dst=r4 src=r0 off=2 imm=136",
                "b4 dst=r0 src=r0 off=0 imm=0", "95 dst=r0 src=r0 off=0 imm=0",
                "b4 dst=r0 src=r0 off=0 imm=1", "95 dst=r0 src=r0 off=0 imm=0"),
                program(List.of(new DeviceRule(false, 'c', 136, ANY, DeviceRule.WRITE))));
    }

    @Test
    void encodingIsStructBpfInsnLittleEndian() {
        byte[] b = DeviceFilter.encode(List.of(new DeviceFilter.Instruction(0x55, 5, 0, 2, 136),
                new DeviceFilter.Instruction(0x5d, 1, 3, -1, 0)));
        assertEquals(List.of(0x55, 0x05, 2, 0, 136, 0, 0, 0, 0x5d, 0x31, 0xff, 0xff, 0, 0, 0, 0),
                toList(b));
    }

    private static List<Integer> toList(byte[] b) {
        List<Integer> l = new ArrayList<>();
        for (byte x : b) {
            l.add(x & 0xff);
        }
        return l;
    }

    /** The program answers every request as the policy does (the v1 kernel's answer), for random rule lists. */
    @Test
    void programDecidesAsThePolicyForRandomRules() {
        Random random = new Random(42);
        long[] numbers = {ANY, 1, 3, 5, 136};
        for (int round = 0; round < 2000; round++) {
            List<DeviceRule> rules = new ArrayList<>();
            if (round % 3 == 0) {
                rules.addAll(DefaultDeviceRules.RULES);
            }
            int count = random.nextInt(7);
            for (int i = 0; i < count; i++) {
                if (random.nextInt(8) == 0) {
                    rules.add(DeviceRule.all(random.nextBoolean()));
                } else {
                    rules.add(new DeviceRule(random.nextBoolean(), random.nextBoolean() ? 'c' : 'b',
                            numbers[random.nextInt(numbers.length)], numbers[random.nextInt(numbers.length)],
                            1 + random.nextInt(DeviceRule.ALL_ACCESS)));
                }
            }
            DevicePolicy policy = DevicePolicy.of(rules);
            EbpfInterpreter program = new EbpfInterpreter(DeviceFilter.encode(DeviceFilter.instructions(policy)));
            for (char type : new char[] {'c', 'b'}) {
                for (int major : new int[] {1, 5, 136, 7}) {
                    for (int minor : new int[] {0, 3, 5}) {
                        for (int access = 1; access <= DeviceRule.ALL_ACCESS; access++) {
                            int expected = policy.permits(type, major, minor, access) ? 1 : 0;
                            int bpfType = type == 'b' ? DeviceFilter.BPF_DEVCG_DEV_BLOCK : DeviceFilter.BPF_DEVCG_DEV_CHAR;
                            assertEquals(expected, program.run(bpfType, access, major, minor),
                                    () -> "rules " + rules + ", request " + type + " " + major + ":" + minor);
                        }
                    }
                }
            }
        }
    }
}
