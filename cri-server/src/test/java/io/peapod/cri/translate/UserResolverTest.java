package io.peapod.cri.translate;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserResolverTest {

    private final UserResolver resolver = new UserResolver("container \"x\"", Fixtures.etc());

    @Test
    void parsesPasswdSkippingJunk() {
        List<UserResolver.PasswdEntry> p = UserResolver.parsePasswd(Fixtures.PASSWD
                + "bad:x:notanumber:0::/:\n:x:5:5::/:\nbig:x:99999999999:0::/:\nshort:x:7:7\n");
        assertEquals(List.of("root", "daemon", "app", "nobody", "short"),
                p.stream().map(UserResolver.PasswdEntry::name).toList());
        assertEquals("/home/app", p.get(2).home());
        assertEquals("", p.get(4).home());
    }

    @Test
    void parsesGroupMembers() {
        List<UserResolver.GroupEntry> g = UserResolver.parseGroup("wheel:x:10:root, app ,\nempty:x:11\nbad:x:x:\n");
        assertEquals(2, g.size());
        assertEquals(List.of("root", "app"), g.get(0).members());
        assertEquals(List.of(), g.get(1).members());
    }

    @Test
    void resolvesEveryForm() {
        assertEquals(new UserResolver.ResolvedUser(0, 0, "root"), resolver.resolve(""));
        assertEquals(new UserResolver.ResolvedUser(0, 0, "root"), resolver.resolve(null));
        assertEquals(new UserResolver.ResolvedUser(1000, 1000, "app"), resolver.resolve("app"));
        assertEquals(new UserResolver.ResolvedUser(1000, 1000, "app"), resolver.resolve("1000"));
        assertEquals(new UserResolver.ResolvedUser(1000, 50, "app"), resolver.resolve("app:staff"));
        assertEquals(new UserResolver.ResolvedUser(1000, 7, "app"), resolver.resolve("1000:7"));
        assertEquals(new UserResolver.ResolvedUser(123, 0, null), resolver.resolve("123"));
        assertEquals(new UserResolver.ResolvedUser(123, 10, null), resolver.resolve("123:wheel"));
        assertEquals(4294967295L, resolver.resolve("4294967295").uid());
    }

    @Test
    void memberships() {
        assertEquals(List.of(10L, 50L), resolver.memberships("app"));
        assertEquals(List.of(), resolver.memberships("nobody"));
        assertEquals(List.of(), resolver.memberships(null));
    }

    @Test
    void errorsNameTheOwnerAndValue() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> resolver.resolve("-5"));
        assertTrue(e.getMessage().startsWith("container \"x\": negative user id -5"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> resolver.resolve(":5"));
        assertThrows(InvalidArgumentException.class, () -> resolver.resolve("5:-1"));
        assertThrows(InvalidArgumentException.class, () -> resolver.resolve("99999999999999999999"));
        assertNull(new UserResolver("x", RootfsReader.empty()).resolve("0").username());
    }
}
