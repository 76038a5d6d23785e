package io.keyhold.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyRingTest {
    private static final char[] PASSPHRASE = "ring-test".toCharArray();

    @TempDir
    Path dir;

    /** Counts the reads of a PKCS#12 source. */
    private static final class Counting implements MasterKeySource {
        final Pkcs12MasterKeySource inner;
        final AtomicInteger loads = new AtomicInteger();

        Counting(Path keystore) {
            inner = new Pkcs12MasterKeySource(keystore, PASSPHRASE);
        }

        @Override
        public String description() {
            return inner.description();
        }

        @Override
        public List<MasterKey> load(String baseName) throws MasterKeyException {
            loads.incrementAndGet();
            return inner.load(baseName);
        }

        @Override
        public MasterKey create(String name) throws MasterKeyException {
            return inner.create(name);
        }
    }

    @Test
    void find_anUnknownId_readsTheSourceOnce_thenFindsAKeyAddedElsewhere() throws Exception {
        Path keystore = dir.resolve("m.p12");
        Counting source = new Counting(keystore);
        MasterKeyRing ring = MasterKeyRing.open(source, "km");
        MasterKey first = ring.createNext();
        // another process adds a key to the same file
        MasterKey second = MasterKeyRing.open(new Pkcs12MasterKeySource(keystore, PASSPHRASE), "km").createNext();
        int loads = source.loads.get();

        assertThat(ring.find(first.id())).isSameAs(ring.find(first.id()));
        assertThat(source.loads.get()).as("known ids need no read").isEqualTo(loads);
        assertThat(ring.find(second.id()).id()).isEqualTo(second.id());
        assertThat(source.loads.get()).isEqualTo(loads + 1);

        assertThatThrownBy(() -> ring.find("km-9:00000000")).isInstanceOf(MasterKeyException.class)
                .hasMessage("master key km-9:00000000 is not in key store " + keystore + " (known: " + first.id() + ", "
                        + second.id() + ")");
        assertThat(source.loads.get()).as("one read per miss").isEqualTo(loads + 2);
    }

    @Test
    void createNext_namesTheFirstKeyByTheBaseName_andNumbersTheNext() throws Exception {
        MasterKeyRing ring = MasterKeyRing.open(new Pkcs12MasterKeySource(dir.resolve("m.p12"), PASSPHRASE), "km");
        assertThat(ring.isEmpty()).isTrue();
        assertThatThrownBy(ring::initial).hasMessage("no master key km in key store " + dir.resolve("m.p12")
                + " (create it with keyhold master-key init)");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            names.add(MasterKeyRing.name(ring.createNext().id()));
        }
        assertThat(names).containsExactly("km", "km-2", "km-3");
        assertThat(MasterKeyRing.name(ring.initial().id())).isEqualTo("km");
        assertThat(ring.ids()).hasSize(3);
    }

    @Test
    void aKeyStoreEntryOfAnotherName_isNotInTheRing() throws Exception {
        Path keystore = dir.resolve("m.p12");
        MasterKeyRing.open(new Pkcs12MasterKeySource(keystore, PASSPHRASE), "other").createNext();
        MasterKeyRing ring = MasterKeyRing.open(new Pkcs12MasterKeySource(keystore, PASSPHRASE), "km");
        assertThat(ring.isEmpty()).isTrue();
        ring.createNext();
        assertThat(ring.ids()).singleElement().asString().startsWith("km:");
    }

    @Test
    void aWrongPassphrase_isOneLine() throws Exception {
        Path keystore = dir.resolve("m.p12");
        MasterKeyRing.open(new Pkcs12MasterKeySource(keystore, PASSPHRASE), "km").createNext();
        assertThatThrownBy(() -> MasterKeyRing.open(new Pkcs12MasterKeySource(keystore, "wrong".toCharArray()), "km"))
                .isInstanceOf(MasterKeyException.class)
                .hasMessage("master key store " + keystore + " cannot be opened: wrong passphrase or not a PKCS#12 file");
    }
}
