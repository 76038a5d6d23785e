package io.keyhold.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyhold.client.CryptoParameters;
import io.keyhold.client.EncryptResult;
import io.keyhold.client.KmipAttributes;
import io.keyhold.client.KmipClient;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.PaddingMethod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The client commands of the KMIP cryptographic operations: {@code encrypt}, {@code decrypt}, {@code sign},
 * {@code verify}, {@code mac}, {@code mac-verify}, {@code hash} and {@code rng}.
 *
 * <p>{@code encrypt} writes an envelope that {@code decrypt} reads back: one line of JSON,
 * <pre>{"keyhold":"encrypted","version":1,"id":UID,"algorithm":"AES","mode":"GCM","padding":null,
 * "iv":BASE64,"tag":BASE64,"aad":true|false,"data":BASE64}</pre>
 * ({@code iv} and {@code tag} null when there are none), or with {@code --raw} the ciphertext alone, the IV
 * and tag printed in hex for {@code decrypt --raw --iv HEX --tag HEX}.
 */
final class CryptoCommands {
    private CryptoCommands() {
    }


    /** The "keyhold" field of an envelope. */
    static final String ENVELOPE = "encrypted";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The cipher options shared by encrypt and decrypt. */
    abstract static class Cipher extends ClientCommand {
        @Option(names = "--in", paramLabel = "FILE", required = true, description = "The input; - for standard input.")
        String in;

        @Option(names = "--out", paramLabel = "FILE", required = true, description = "The output; - for standard output.")
        String outFile;

        @Option(names = "--aad", paramLabel = "TEXT",
                description = "Additional authenticated data (GCM), as UTF-8 text; decrypt needs the same.")
        String aad;

        @Option(names = "--raw", description = "The ciphertext alone, without the JSON envelope; IV and tag in hex.")
        boolean raw;

        byte[] aadBytes() {
            return aad == null ? null : aad.getBytes(StandardCharsets.UTF_8);
        }

        static CryptoParameters parameters(CryptographicAlgorithm alg, BlockCipherMode mode, PaddingMethod padding) {
            CryptoParameters p = CryptoParameters.none().withAlgorithm(alg).withMode(mode);
            if (padding != null) {
                p = p.withPadding(padding);
            }
            if (mode == BlockCipherMode.GCM) {
                p = p.withTagLength(16);
            }
            return p;
        }

        static PaddingMethod defaultPadding(BlockCipherMode mode) {
            return mode == BlockCipherMode.CBC || mode == BlockCipherMode.ECB ? PaddingMethod.PKCS5 : null;
        }
    }

    @Command(name = "encrypt", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Encrypts a file with a key on the server (KMIP Encrypt) into an envelope decrypt reads "
                    + "back: one line of JSON with the key id, algorithm, mode, IV, tag and ciphertext (Base64).",
            footer = {"", "Examples:", "  keyhold encrypt --id 42 --in report.pdf --out report.pdf.enc",
                    "  keyhold encrypt --id 42 --in - --out - --aad order-17 < in > out.enc",
                    "  keyhold encrypt --id 42 --mode cbc --raw --in data --out data.bin --json"})
    static final class Encrypt extends Cipher {
        @Option(names = "--id", paramLabel = "UID", required = true, description = "The key's Unique Identifier.")
        String id;

        @Option(names = "--alg", paramLabel = "ALG", defaultValue = "AES",
                description = "Cryptographic Algorithm (default: ${DEFAULT-VALUE}).")
        String algorithm;

        @Option(names = "--mode", paramLabel = "MODE", defaultValue = "GCM",
                description = "Block Cipher Mode: gcm, cbc, ctr, ecb, ... (default: ${DEFAULT-VALUE}).")
        String mode;

        @Option(names = "--padding", paramLabel = "PADDING",
                description = "Padding Method (default: pkcs5 for cbc and ecb, none otherwise).")
        String padding;

        @Override
        int run(KmipClient kmip) throws Exception {
            CryptographicAlgorithm alg = parseEnum(CryptographicAlgorithm.class, "--alg", algorithm);
            BlockCipherMode m = parseEnum(BlockCipherMode.class, "--mode", mode);
            PaddingMethod p = padding != null ? parseEnum(PaddingMethod.class, "--padding", padding) : defaultPadding(m);
            if (aad != null && m != BlockCipherMode.GCM && m != BlockCipherMode.CCM) {
                throw usage("--aad needs an authenticated mode (gcm)");
            }
            byte[] plaintext = readInput(in);
            CryptoParameters params = parameters(alg, m, p);
            byte[] nonce = null;
            if (m == BlockCipherMode.GCM) {
                nonce = new byte[12];
                RANDOM.nextBytes(nonce);
            } else if (m != BlockCipherMode.ECB) {
                params = params.withRandomIv(true);
            }
            EncryptResult r = kmip.encrypt(id, plaintext, params, nonce, aadBytes());
            byte[] iv = r.iv() != null ? r.iv() : nonce;
            if (raw) {
                writeOutput(outFile, r.data());
            } else {
                ObjectNode e = jsonObject();
                e.put("keyhold", ENVELOPE);
                e.put("version", 1);
                e.put("id", id);
                e.put("algorithm", alg.specName());
                e.put("mode", m.specName());
                e.put("padding", p == null ? null : p.specName());
                e.put("iv", iv == null ? null : Base64.getEncoder().encodeToString(iv));
                e.put("tag", r.tag() == null ? null : Base64.getEncoder().encodeToString(r.tag()));
                e.put("aad", aad != null);
                e.put("data", Base64.getEncoder().encodeToString(r.data()));
                writeOutput(outFile, (JSON.writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (outFile.equals("-")) {
                return 0;
            }
            if (json) {
                ObjectNode o = jsonObject();
                o.put("id", id);
                o.put("out", outFile);
                o.put("format", raw ? "raw" : "envelope");
                o.put("mode", m.specName());
                o.put("bytes", r.data().length);
                o.put("iv", iv == null ? null : hex(iv));
                o.put("tag", r.tag() == null ? null : hex(r.tag()));
                printJson(o);
            } else {
                out().println("encrypted " + plaintext.length + " bytes with " + id + " (" + alg.specName() + "-"
                        + m.specName() + ") to " + outFile);
                if (raw) {
                    out().println("iv:  " + (iv == null ? "-" : hex(iv)));
                    out().println("tag: " + (r.tag() == null ? "-" : hex(r.tag())));
                }
            }
            return 0;
        }
    }

    @Command(name = "decrypt", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Decrypts an envelope written by encrypt (KMIP Decrypt), or with --raw a bare ciphertext.",
            footer = {"", "Examples:", "  keyhold decrypt --in report.pdf.enc --out report.pdf",
                    "  keyhold decrypt --id 42 --mode cbc --raw --iv 00112233... \\",
                    "      --in data.bin --out data"})
    static final class Decrypt extends Cipher {
        @Option(names = "--id", paramLabel = "UID",
                description = "The key's Unique Identifier (default: the envelope's).")
        String id;

        @Option(names = "--alg", paramLabel = "ALG", description = "Cryptographic Algorithm (--raw; default AES).")
        String algorithm;

        @Option(names = "--mode", paramLabel = "MODE", description = "Block Cipher Mode (--raw; default GCM).")
        String mode;

        @Option(names = "--padding", paramLabel = "PADDING", description = "Padding Method (--raw).")
        String padding;

        @Option(names = "--iv", paramLabel = "HEX", description = "IV/Counter/Nonce in hex (--raw).")
        String ivHex;

        @Option(names = "--tag", paramLabel = "HEX", description = "Authenticated encryption tag in hex (--raw).")
        String tagHex;

        @Override
        int run(KmipClient kmip) throws Exception {
            byte[] input = readInput(in);
            String uid = id;
            CryptographicAlgorithm alg;
            BlockCipherMode m;
            PaddingMethod p;
            byte[] iv;
            byte[] tag;
            byte[] data;
            if (raw) {
                alg = parseEnum(CryptographicAlgorithm.class, "--alg", algorithm == null ? "AES" : algorithm);
                m = parseEnum(BlockCipherMode.class, "--mode", mode == null ? "GCM" : mode);
                p = padding != null ? parseEnum(PaddingMethod.class, "--padding", padding) : defaultPadding(m);
                iv = unhex("--iv", ivHex);
                tag = unhex("--tag", tagHex);
                data = input;
                if (uid == null) {
                    throw usage("--raw needs --id");
                }
            } else {
                JsonNode e = envelope(input);
                uid = uid != null ? uid : e.path("id").asText(null);
                alg = parseEnum(CryptographicAlgorithm.class, "algorithm", e.path("algorithm").asText("AES"));
                m = parseEnum(BlockCipherMode.class, "mode", e.path("mode").asText("GCM"));
                p = e.path("padding").isTextual() ? parseEnum(PaddingMethod.class, "padding", e.get("padding").asText()) : null;
                iv = base64(e, "iv");
                tag = base64(e, "tag");
                data = base64(e, "data");
                if (e.path("aad").asBoolean(false) && aad == null) {
                    throw usage("the data was encrypted with additional authenticated data: give the same --aad");
                }
                if (uid == null || data == null) {
                    throw usage("--in " + in + ": an envelope without id or data");
                }
            }
            byte[] plaintext = tag != null || aad != null
                    ? kmip.decrypt(uid, data, parameters(alg, m, p), iv, aadBytes(), tag)
                    : kmip.decrypt(uid, data, parameters(alg, m, p), iv);
            writeOutput(outFile, plaintext);
            if (outFile.equals("-")) {
                return 0;
            }
            if (json) {
                ObjectNode o = jsonObject();
                o.put("id", uid);
                o.put("out", outFile);
                o.put("bytes", plaintext.length);
                printJson(o);
            } else {
                out().println("decrypted " + plaintext.length + " bytes with " + uid + " to " + outFile);
            }
            return 0;
        }

        private JsonNode envelope(byte[] input) {
            JsonNode e;
            try {
                e = JSON.readTree(input);
            } catch (IOException ex) {
                e = null;
            }
            if (e == null || !e.isObject() || !ENVELOPE.equals(e.path("keyhold").asText())) {
                throw usage("--in " + in + ": not an envelope written by keyhold encrypt (for a bare ciphertext "
                        + "use --raw)");
            }
            if (e.path("version").asInt() != 1) {
                throw usage("--in " + in + ": envelope version " + e.path("version") + " (this keyhold reads 1)");
            }
            return e;
        }

        private byte[] base64(JsonNode e, String field) {
            JsonNode v = e.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            try {
                return Base64.getDecoder().decode(v.asText());
            } catch (IllegalArgumentException ex) {
                throw usage("--in " + in + ": the envelope's " + field + " is not Base64");
            }
        }
    }

    static byte[] unhex(String option, String text) {
        if (text == null) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": not hex");
        }
    }

    /** Reads the signature or MAC: hex given on the command line, or the bytes of a file. */
    abstract static class WithData extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", required = true, description = "The key's Unique Identifier.")
        String id;

        @Option(names = "--in", paramLabel = "FILE", required = true, description = "The data; - for standard input.")
        String in;

        @Option(names = "--hash", paramLabel = "ALG", defaultValue = "SHA-256",
                description = "Hashing Algorithm (default: ${DEFAULT-VALUE}).")
        String hash;
    }

    /** Signature parameters: given, or from the key's Cryptographic Algorithm. */
    abstract static class Signature extends WithData {
        @Option(names = "--alg", paramLabel = "ALG",
                description = "RSA or ECDSA (default: after the key's Cryptographic Algorithm).")
        String algorithm;

        @Option(names = "--padding", paramLabel = "PADDING",
                description = "RSA padding: pkcs1-v1.5 or pss (default: pkcs1-v1.5).")
        String padding;

        CryptoParameters parameters(KmipClient kmip) throws Exception {
            CryptographicAlgorithm alg;
            if (algorithm != null) {
                alg = parseEnum(CryptographicAlgorithm.class, "--alg", algorithm);
            } else {
                List<KmipAttribute> a = kmip.getAttributes(id, "Cryptographic Algorithm");
                alg = KmipAttributes.first(a, "Cryptographic Algorithm")
                        .flatMap(k -> CryptographicAlgorithm.fromValue(k.value().enumValue()))
                        .orElseThrow(() -> new IllegalArgumentException("the key has no Cryptographic Algorithm: give --alg"));
            }
            if (alg == CryptographicAlgorithm.EC) {
                alg = CryptographicAlgorithm.ECDSA;
            }
            CryptoParameters p = CryptoParameters.hashing(parseEnum(HashingAlgorithm.class, "--hash", hash)).withAlgorithm(alg);
            if (alg == CryptographicAlgorithm.RSA) {
                p = p.withPadding(padding == null ? PaddingMethod.PKCS1_V1_5 : parseEnum(PaddingMethod.class, "--padding", padding));
            }
            return p;
        }
    }

    /** Writes a signature or MAC to --out, or prints it in hex (text) or Base64 (JSON). */
    static void emit(ClientCommand c, String outFile, String field, String id, byte[] value) throws Exception {
        if (outFile != null) {
            c.writeOutput(outFile, value);
            if (outFile.equals("-")) {
                return;
            }
        }
        if (c.json) {
            ObjectNode o = c.jsonObject();
            o.put("id", id);
            o.put(field, Base64.getEncoder().encodeToString(value));
            o.put("out", outFile);
            c.printJson(o);
        } else if (outFile != null) {
            c.out().println("wrote the " + value.length + "-byte " + field + " to " + outFile);
        } else {
            c.out().println(ClientCommand.hex(value));
        }
    }

    /** Prints valid/invalid; exit status 0 when valid, 1 when not. */
    static int validity(ClientCommand c, String id, boolean valid, String what) throws Exception {
        if (c.json) {
            ObjectNode o = c.jsonObject();
            o.put("id", id);
            o.put("valid", valid);
            c.printJson(o);
        } else {
            c.out().println(valid ? "valid" : "invalid");
        }
        if (!valid) {
            c.fail(ClientCommand.EXIT_FAILED, "Invalid: the " + what + " does not match the data");
            return ClientCommand.EXIT_FAILED;
        }
        return 0;
    }

    /** A signature or MAC given as a file or in hex. */
    static byte[] given(ClientCommand c, String file, String hexText, String option) throws IOException {
        if ((file == null) == (hexText == null)) {
            throw c.usage("give the " + option + " either as --" + option + " FILE or as --" + option + "-hex HEX");
        }
        return file != null ? c.readInput(file) : unhex("--" + option + "-hex", hexText);
    }

    @Command(name = "sign", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Signs data with a private key (KMIP Sign); prints the signature in hex or writes it to --out.",
            footer = {"", "Example:", "  keyhold sign --id 43 --in release.tar.gz --out release.sig"})
    static final class Sign extends Signature {
        @Option(names = "--out", paramLabel = "FILE", description = "Where the signature is written; - for standard output.")
        String outFile;

        @Override
        int run(KmipClient kmip) throws Exception {
            byte[] data = readInput(in);
            emit(this, outFile, "signature", id, kmip.sign(id, data, parameters(kmip)));
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Verifies a signature with a public key (KMIP Signature Verify): prints valid (exit 0) or "
                    + "invalid (exit 1).",
            footer = {"", "Example:", "  keyhold verify --id 44 --in release.tar.gz --signature release.sig"})
    static final class Verify extends Signature {
        @Option(names = "--signature", paramLabel = "FILE", description = "The signature.")
        String signature;

        @Option(names = "--signature-hex", paramLabel = "HEX", description = "The signature in hex.")
        String signatureHex;

        @Override
        int run(KmipClient kmip) throws Exception {
            byte[] sig = given(this, signature, signatureHex, "signature");
            byte[] data = readInput(in);
            return validity(this, id, kmip.verify(id, data, sig, parameters(kmip)), "signature");
        }
    }

    static CryptoParameters macParameters(String hash) {
        return CryptoParameters.hashing(ClientCommand.parseEnum(HashingAlgorithm.class, "--hash", hash));
    }

    @Command(name = "mac", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Computes a MAC with a key (KMIP MAC); prints it in hex or writes it to --out.",
            footer = {"", "Example:", "  keyhold mac --id 45 --in message.txt --hash sha-256"})
    static final class Mac extends WithData {
        @Option(names = "--out", paramLabel = "FILE", description = "Where the MAC is written; - for standard output.")
        String outFile;

        @Override
        int run(KmipClient kmip) throws Exception {
            emit(this, outFile, "mac", id, kmip.mac(id, readInput(in), macParameters(hash)));
            return 0;
        }
    }

    @Command(name = "mac-verify", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Verifies a MAC (KMIP MAC Verify): prints valid (exit 0) or invalid (exit 1).")
    static final class MacVerify extends WithData {
        @Option(names = "--mac", paramLabel = "FILE", description = "The MAC.")
        String mac;

        @Option(names = "--mac-hex", paramLabel = "HEX", description = "The MAC in hex.")
        String macHex;

        @Override
        int run(KmipClient kmip) throws Exception {
            byte[] expected = given(this, mac, macHex, "mac");
            return validity(this, id, kmip.macVerify(id, readInput(in), expected, macParameters(hash)), "MAC");
        }
    }

    @Command(name = "hash", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Hashes data on the server (KMIP Hash, KMIP 2.0 and later); prints the digest in hex.")
    static final class Hash extends ClientCommand {
        @Option(names = "--in", paramLabel = "FILE", required = true, description = "The data; - for standard input.")
        String in;

        @Option(names = "--alg", paramLabel = "ALG", defaultValue = "SHA-256",
                description = "Hashing Algorithm (default: ${DEFAULT-VALUE}).")
        String algorithm;

        @Override
        int run(KmipClient kmip) throws Exception {
            HashingAlgorithm h = parseEnum(HashingAlgorithm.class, "--alg", algorithm);
            byte[] digest = kmip.hash(h, readInput(in));
            if (json) {
                ObjectNode o = jsonObject();
                o.put("algorithm", h.specName());
                o.put("digest", hex(digest));
                printJson(o);
            } else {
                out().println(hex(digest));
            }
            return 0;
        }
    }

    @Command(name = "rng", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Random bytes from the server (KMIP RNG Retrieve), in hex, or written to --out.")
    static final class Rng extends ClientCommand {
        @Option(names = "--length", paramLabel = "N", required = true, description = "How many bytes.")
        int length;

        @Option(names = "--out", paramLabel = "FILE", description = "Where the bytes are written; - for standard output.")
        String outFile;

        @Override
        void validate() {
            if (length < 1) {
                throw usage("--length " + length + " (expected: >= 1)");
            }
        }

        @Override
        int run(KmipClient kmip) throws Exception {
            byte[] random = kmip.rngRetrieve(length);
            if (outFile != null) {
                writeOutput(outFile, random);
                if (!outFile.equals("-") && !json) {
                    out().println("wrote " + random.length + " random bytes to " + outFile);
                }
                if (!json || outFile.equals("-")) {
                    return 0;
                }
            }
            if (json) {
                ObjectNode o = jsonObject();
                o.put("length", random.length);
                o.put("out", outFile);
                if (outFile == null) {
                    o.put("data", hex(random));
                }
                printJson(o);
            } else {
                out().println(hex(random));
            }
            return 0;
        }
    }
}
