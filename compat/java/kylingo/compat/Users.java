package kylingo.compat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kylin.common.persistence.JsonSerializer;
import org.apache.kylin.rest.security.ManagedUser;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * Users writes and reads user records with Kylin's own ManagedUser and the
 * JsonSerializer Kylin's user service stores them with (at /user/NAME),
 * hashing passwords with Spring Security's BCryptPasswordEncoder as
 * Kylin's security configuration does.
 */
final class Users {
    private static final JsonSerializer<ManagedUser> SERIALIZER = new JsonSerializer<>(ManagedUser.class);

    private Users() {
    }

    static void register(Map<String, Harness.Op> ops) {
        ops.put("user.write", r -> {
            String hash = r.str("hash", "");
            if (hash.isEmpty()) {
                // Kylin's encoder has the default strength, 10; the tests
                // may ask for less (the hash's format is the same).
                hash = new BCryptPasswordEncoder((int) r.num("cost", 10)).encode(r.str("password"));
            }
            return new String(serialize(user(r.str("name"), hash, r.str("roles"),
                    Boolean.parseBoolean(r.str("disabled", "false")), Boolean.parseBoolean(r.str("locked", "false")))),
                    StandardCharsets.UTF_8);
        });
        ops.put("user.read", r -> {
            ManagedUser u = SERIALIZER
                    .deserialize(new DataInputStream(new ByteArrayInputStream(r.str("json").getBytes(StandardCharsets.UTF_8))));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("username", u.getUsername());
            List<String> roles = new ArrayList<>();
            for (GrantedAuthority a : u.getAuthorities()) {
                roles.add(a.getAuthority());
            }
            m.put("authorities", roles);
            m.put("enabled", u.isEnabled());
            m.put("accountNonLocked", u.isAccountNonLocked());
            m.put("passwordMatches", u.getPassword() != null && new BCryptPasswordEncoder().matches(r.str("password"), u.getPassword()));
            return m;
        });
    }

    /** user builds a ManagedUser as Kylin's user service would store it. */
    static ManagedUser user(String name, String hash, String roles, boolean disabled, boolean locked) {
        ManagedUser u = new ManagedUser(name, hash, false, roles.split(","));
        u.updateRandomUuid();
        u.setDisabled(disabled);
        u.setLocked(locked);
        return u;
    }

    static byte[] serialize(ManagedUser u) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        SERIALIZER.serialize(u, new DataOutputStream(b));
        return b.toByteArray();
    }
}
