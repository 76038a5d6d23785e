package io.keyhold.server.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Salted, deliberately slow password hashes: Argon2id (RFC 9106) in the PHC string form
 * {@code $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>}. The parameters travel with each hash,
 * so raising them for new passwords leaves existing ones valid. Verification recomputes with the stored
 * parameters and compares in constant time. Passwords are taken as char arrays the caller can erase.
 *
 * @param memoryKib memory per hash in KiB
 * @param passes    iterations over the memory
 * @param lanes     parallel lanes
 */
public record PasswordHashes(int memoryKib, int passes, int lanes) {
    /** RFC 9106's second recommended option scaled to a server answering many requests: 19 MiB, 2 passes, 1 lane. */
    public static final PasswordHashes DEFAULT = new PasswordHashes(19 * 1024, 2, 1);

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int MAX_MEMORY_KIB = 1 << 21;
    private static final Pattern FORM = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{16,64})\\$([A-Za-z0-9+/]{16,128})");
    private static final SecureRandom RANDOM = new SecureRandom();

    public PasswordHashes {
        if (memoryKib < 8 * lanes || memoryKib > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("memoryKib " + memoryKib + " (expected: " + 8 * lanes + " to " + MAX_MEMORY_KIB + ")");
        }
        if (passes < 1 || passes > 100) {
            throw new IllegalArgumentException("passes " + passes + " (expected: 1 to 100)");
        }
        if (lanes < 1 || lanes > 16) {
            throw new IllegalArgumentException("lanes " + lanes + " (expected: 1 to 16)");
        }
    }

    /** A new hash of the password under a fresh random salt. */
    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] digest = compute(password, salt, memoryKib, passes, lanes, HASH_BYTES);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        String out = "$argon2id$v=19$m=" + memoryKib + ",t=" + passes + ",p=" + lanes + "$" + b64.encodeToString(salt)
                + "$" + b64.encodeToString(digest);
        Arrays.fill(digest, (byte) 0);
        return out;
    }

    /**
     * Whether the password matches the stored hash, computed with the hash's own parameters. A stored value
     * that is not a hash of this form never matches.
     */
    public static boolean matches(char[] password, String stored) {
        Objects.requireNonNull(password, "password");
        Matcher m = FORM.matcher(stored == null ? "" : stored);
        if (!m.matches()) {
            return false;
        }
        int memory = Integer.parseInt(m.group(1));
        int passes = Integer.parseInt(m.group(2));
        int lanes = Integer.parseInt(m.group(3));
        if (lanes < 1 || passes < 1 || memory < 8 * lanes || memory > MAX_MEMORY_KIB) {
            return false;
        }
        byte[] salt;
        byte[] expected;
        try {
            salt = Base64.getDecoder().decode(m.group(4));
            expected = Base64.getDecoder().decode(m.group(5));
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] actual = compute(password, salt, memory, passes, lanes, expected.length);
        boolean same = MessageDigest.isEqual(actual, expected);
        Arrays.fill(actual, (byte) 0);
        return same;
    }

    private static byte[] compute(char[] password, byte[] salt, int memoryKib, int passes, int lanes, int length) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withMemoryAsKB(memoryKib).withIterations(passes).withParallelism(lanes).build());
        byte[] out = new byte[length];
        generator.generateBytes(bytes, out);
        Arrays.fill(bytes, (byte) 0);
        return out;
    }
}
