package io.keyhold.server.crypto.cipher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class XtsTest {
    private static final HexFormat HEX = HexFormat.of();

    /** The data unit sequence number as the 16-byte little-endian tweak. */
    private static byte[] tweak(long dataUnit) {
        byte[] t = new byte[16];
        for (int i = 0; i < 8; i++) {
            t[i] = (byte) (dataUnit >>> (8 * i));
        }
        return t;
    }

    private static byte[] repeat(String hexByte, int n) {
        return HEX.parseHex(hexByte.repeat(n));
    }

    /** IEEE 1619-2007 Annex B, XTS-AES-128 vectors 2 and 3 (32-byte data units of 0x44). */
    @ParameterizedTest
    @CsvSource({
            "11111111111111111111111111111111, c454185e6a16936e39334038acef838bfb186fff7480adc4289382ecd6d394f0",
            "fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0, af85336b597afc1a900b2eb21ec949d292df4c047e0b21532186a5971a227a89"})
    void ieee1619Vectors(String key1, String ciphertext) throws Exception {
        byte[] key = HEX.parseHex(key1 + "22".repeat(16));
        byte[] plaintext = repeat("44", 32);
        assertThat(HEX.formatHex(Xts.encrypt(key, tweak(0x3333333333L), plaintext))).isEqualTo(ciphertext);
        assertThat(Xts.decrypt(key, tweak(0x3333333333L), HEX.parseHex(ciphertext))).isEqualTo(plaintext);
    }

    @Test
    void refusals() {
        assertThatThrownBy(() -> Xts.encrypt(new byte[32], tweak(1), new byte[32])).isInstanceOf(KmipException.class)
                .satisfies(e -> assertThat(((KmipException) e).reason()).isEqualTo(ResultReason.CRYPTOGRAPHIC_FAILURE))
                .hasMessageContaining("must differ");
        byte[] key = HEX.parseHex("11".repeat(16) + "22".repeat(16));
        assertThatThrownBy(() -> Xts.encrypt(key, tweak(1), new byte[15])).hasMessageContaining("at least 16 bytes");
        assertThatThrownBy(() -> Xts.encrypt(key, new byte[8], new byte[16])).hasMessageContaining("16-byte tweak");
        assertThatThrownBy(() -> Xts.encrypt(new byte[24], tweak(1), new byte[16])).hasMessageContaining("256 or 512 bits");
    }

    @Test
    void multiplicationByAlphaCarriesIntoTheReductionPolynomial() {
        byte[] t = new byte[16];
        t[15] = (byte) 0x80; // x^127
        Xts.multiplyByAlpha(t);
        byte[] expected = new byte[16];
        expected[0] = (byte) 0x87; // x^128 = x^7 + x^2 + x + 1
        assertThat(t).isEqualTo(expected);
    }

    /**
     * Differential test against an independent implementation (OpenSSL, through Debian's python3-cryptography)
     * for both key sizes and data units with and without a partial final block.
     */
    @Test
    void matchesOpenSslIncludingCiphertextStealing() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python) && exec("", List.of(python.toString(), "-c",
                "from cryptography.hazmat.primitives.ciphers import modes; modes.XTS; print('ok')")).startsWith("ok"),
                "python3-cryptography is not installed");
        Random r = new Random(1619);
        List<String> lines = new ArrayList<>();
        List<byte[][]> cases = new ArrayList<>();
        for (int keyBytes : new int[] {32, 64}) {
            for (int length : new int[] {16, 17, 31, 32, 33, 47, 100, 512}) {
                byte[] key = new byte[keyBytes];
                byte[] tw = new byte[16];
                byte[] data = new byte[length];
                r.nextBytes(key);
                r.nextBytes(tw);
                r.nextBytes(data);
                cases.add(new byte[][] {key, tw, data});
                lines.add(HEX.formatHex(key) + " " + HEX.formatHex(tw) + " " + HEX.formatHex(data));
            }
        }
        String script = "import sys\nfrom cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\n"
                + "for line in sys.stdin:\n    k, t, d = (bytes.fromhex(x) for x in line.split())\n"
                + "    e = Cipher(algorithms.AES(k), modes.XTS(t)).encryptor()\n    print((e.update(d) + e.finalize()).hex())\n";
        String[] expected = exec(String.join("\n", lines) + "\n", List.of(python.toString(), "-c", script)).trim().split("\n");
        assertThat(expected).hasSize(cases.size());
        for (int i = 0; i < cases.size(); i++) {
            byte[][] c = cases.get(i);
            byte[] ct = Xts.encrypt(c[0], c[1], c[2]);
            assertThat(HEX.formatHex(ct)).as("case %d (%d-byte key, %d bytes)", i, c[0].length, c[2].length)
                    .isEqualTo(expected[i]);
            assertThat(Xts.decrypt(c[0], c[1], ct)).isEqualTo(c[2]);
        }
    }

    private static String exec(String input, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }
}
