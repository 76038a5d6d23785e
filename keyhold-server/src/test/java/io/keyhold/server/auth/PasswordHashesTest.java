package io.keyhold.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link PasswordHashes}: Argon2id PHC strings with their parameters, verified with those parameters. */
class PasswordHashesTest {
    private static final PasswordHashes CHEAP = new PasswordHashes(64, 1, 1);

    @Test
    void hash_isArgon2idWithItsParametersAndFreshSalt() {
        String a = CHEAP.hash("correct horse".toCharArray());
        String b = CHEAP.hash("correct horse".toCharArray());
        assertThat(a).startsWith("$argon2id$v=19$m=64,t=1,p=1$").doesNotContain("correct");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void matches_samePassword_true_otherPassword_false() {
        String stored = CHEAP.hash("correct horse".toCharArray());
        assertThat(PasswordHashes.matches("correct horse".toCharArray(), stored)).isTrue();
        assertThat(PasswordHashes.matches("correct hors".toCharArray(), stored)).isFalse();
        assertThat(PasswordHashes.matches("".toCharArray(), stored)).isFalse();
    }

    @Test
    void matches_usesTheStoredParameters() {
        String stored = new PasswordHashes(128, 2, 2).hash("pw".toCharArray());
        assertThat(stored).contains("$m=128,t=2,p=2$");
        assertThat(PasswordHashes.matches("pw".toCharArray(), stored)).isTrue();
        // the same salt and hash under other parameters no longer match
        assertThat(PasswordHashes.matches("pw".toCharArray(), stored.replace("t=2", "t=3"))).isFalse();
    }

    @Test
    void matches_nonAsciiPassword_roundTrips() {
        String stored = CHEAP.hash("pässwörd €".toCharArray());
        assertThat(PasswordHashes.matches("pässwörd €".toCharArray(), stored)).isTrue();
        assertThat(PasswordHashes.matches("passwoerd €".toCharArray(), stored)).isFalse();
    }

    @Test
    void matches_malformedStoredValue_false() {
        assertThat(PasswordHashes.matches("pw".toCharArray(), "pw")).isFalse();
        assertThat(PasswordHashes.matches("pw".toCharArray(), null)).isFalse();
        assertThat(PasswordHashes.matches("pw".toCharArray(), "$argon2i$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).isFalse();
        assertThat(PasswordHashes.matches("pw".toCharArray(), "$argon2id$v=19$m=9999999,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).isFalse();
    }

    @Test
    void parameters_outOfRange_areRefused() {
        assertThatThrownBy(() -> new PasswordHashes(4, 1, 1)).hasMessageContaining("memoryKib 4");
        assertThatThrownBy(() -> new PasswordHashes(64, 0, 1)).hasMessageContaining("passes 0");
        assertThatThrownBy(() -> new PasswordHashes(64, 1, 0)).hasMessageContaining("lanes 0");
    }

    @Test
    void default_isRfc9106Strength() {
        assertThat(PasswordHashes.DEFAULT.memoryKib()).isGreaterThanOrEqualTo(19 * 1024);
        String stored = PasswordHashes.DEFAULT.hash("pw".toCharArray());
        assertThat(PasswordHashes.matches("pw".toCharArray(), stored)).isTrue();
    }
}
