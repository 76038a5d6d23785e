package io.keyhold.testkit.load;

import io.keyhold.testkit.load.KmipRequests.CipherMode;
import io.keyhold.testkit.load.KmipRequests.KeyPairKind;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Prepares the server for the operations of a run (creates and activates the keys they need, sends one
 * probe request of each) and makes each connection's requests.
 */
final class Workloads {
    /** Bytes encrypted by each encrypt request. */
    static final int ENCRYPT_BYTES = 1024;
    /** Bytes signed by each sign request. */
    static final int SIGN_BYTES = 64;

    private Workloads() {}

    /** Makes the requests of one connection. Not thread-safe: one per connection. */
    interface RequestSource {
        byte[] next();
    }

    /** The requests of a run: one source per connection, and the algorithm they use (for the report). */
    interface Workload {
        RequestSource forConnection(int index);

        String algorithm();
    }

    /** Setup failed: exit status 3 when the server refused a step (the operation is not supported there), else 1. */
    static final class SetupFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        SetupFailure(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    /** Sends one request over the setup connection: returns the response, or throws when it failed. */
    private static TtlvItem expectSuccess(LoadConnection setup, byte[] request, String what)
            throws SetupFailure, IOException, CodecException {
        TtlvItem response = setup.call(request);
        Optional<String> failure = KmipRequests.failure(response);
        if (failure.isPresent()) {
            throw new SetupFailure(3, "the server refused " + what + ": " + failure.get());
        }
        return response;
    }

    /**
     * Creates what each operation of the mix needs on the server and checks one request of each; returns the
     * workloads in the order of {@link OperationMix#entries()}.
     *
     * @param notes receives a line for anything the reader should know (e.g. a cipher fallback)
     */
    static List<Workload> prepare(LoadOptions o, LoadConnection setup, StringBuilder notes)
            throws SetupFailure, IOException, CodecException {
        List<Workload> out = new ArrayList<>();
        for (OperationMix.Entry e : o.mix().entries()) {
            out.add(prepare(o, e.operation(), setup, notes));
        }
        return out;
    }

    /** Creates what one operation needs on the server and checks one request of it. */
    static Workload prepare(LoadOptions o, LoadOperation op, LoadConnection setup, StringBuilder notes)
            throws SetupFailure, IOException, CodecException {
        KmipVersion v = o.kmipVersion();
        return switch (op) {
            case HANDSHAKE, RESUME, IDLE -> {
                byte[] probe = KmipRequests.discoverVersions(v);
                expectSuccess(setup, probe, v.isAtLeast(KmipVersion.V1_1) ? "Discover Versions" : "Query");
                yield fixed(probe, v.isAtLeast(KmipVersion.V1_1) ? "discover-versions" : "query");
            }
            case CREATE -> {
                byte[] create = KmipRequests.createAes256(v);
                expectSuccess(setup, create, "Create of an AES-256 key");
                yield fixed(create, "aes-256");
            }
            case GET, GET_ATTRIBUTES -> {
                String id = identifier(expectSuccess(setup, KmipRequests.createAes256(v), "Create of an AES-256 key"), "Create");
                byte[] request = op == LoadOperation.GET ? KmipRequests.get(v, id) : KmipRequests.getAttributes(v, id);
                expectSuccess(setup, request, (op == LoadOperation.GET ? "Get" : "Get Attributes") + " of the key it created");
                yield fixed(request, "aes-256");
            }
            case LOCATE -> {
                byte[] nameBytes = new byte[8];
                new SecureRandom().nextBytes(nameBytes);
                String name = "keyhold-bench-" + HexFormat.of().formatHex(nameBytes);
                expectSuccess(setup, KmipRequests.createAes256(v, name), "Create of an AES-256 key with a Name");
                byte[] locate = KmipRequests.locateByName(v, name);
                TtlvItem found = expectSuccess(setup, locate, "Locate by Name");
                if (KmipRequests.uniqueIdentifier(found).isEmpty()) {
                    throw new SetupFailure(3, "Locate by Name did not find the key it created with that Name");
                }
                yield fixed(locate, "aes-256");
            }
            case REGISTER -> {
                Workload w = register(v);
                expectSuccess(setup, w.forConnection(-1).next(), "Register of an AES-256 key");
                yield w;
            }
            case ENCRYPT -> {
                TtlvItem response = expectSuccess(setup, KmipRequests.createAes256(v), "Create of an AES-256 key");
                String id = identifier(response, "Create");
                expectSuccess(setup, KmipRequests.activate(v, id), "Activate of the AES-256 key");
                CipherMode mode = o.effectiveCipher();
                Workload w = encrypt(v, id, mode);
                Optional<String> refused = KmipRequests.failure(setup.call(w.forConnection(-1).next()));
                if (refused.isPresent() && o.cipher() == null && mode == CipherMode.GCM) {
                    notes.append("note: the server refused AES-GCM (").append(refused.get())
                            .append("); falling back to AES-CBC\n");
                    w = encrypt(v, id, CipherMode.CBC);
                    refused = KmipRequests.failure(setup.call(w.forConnection(-1).next()));
                }
                if (refused.isPresent()) {
                    throw new SetupFailure(3, "the server refused Encrypt with " + w.algorithm() + ": " + refused.get());
                }
                yield w;
            }
            case SIGN, SIGN_ECDSA -> {
                KeyPairKind kind = op == LoadOperation.SIGN ? KeyPairKind.RSA_2048 : KeyPairKind.EC_P256;
                String name = kind == KeyPairKind.RSA_2048 ? "RSA-2048" : "EC P-256";
                TtlvItem response = expectSuccess(setup, KmipRequests.createSigningKeyPair(v, kind),
                        "Create Key Pair of an " + name + " key pair");
                String id = KmipRequests.privateKeyUniqueIdentifier(response).orElseThrow(() -> new SetupFailure(1,
                        "the server answered Create Key Pair without a Private Key Unique Identifier"));
                expectSuccess(setup, KmipRequests.activate(v, id), "Activate of the " + name + " private key");
                byte[] data = new byte[SIGN_BYTES];
                new SecureRandom().nextBytes(data);
                Workload w = fixed(KmipRequests.sign(v, id, kind, data),
                        kind == KeyPairKind.RSA_2048 ? "rsa-2048-sha256-pkcs1v15" : "ecdsa-p256-sha256");
                expectSuccess(setup, w.forConnection(-1).next(), "Sign with the " + name + " private key");
                yield w;
            }
        };
    }

    /** A Register of a fresh random 32-byte AES key for every request. */
    static Workload register(KmipVersion version) {
        return new Workload() {
            @Override
            public RequestSource forConnection(int index) {
                SecureRandom random = new SecureRandom();
                return () -> {
                    byte[] key = new byte[32];
                    random.nextBytes(key);
                    return KmipRequests.registerAes(version, key);
                };
            }

            @Override
            public String algorithm() {
                return "aes-256";
            }
        };
    }

    private static String identifier(TtlvItem response, String operation) throws SetupFailure {
        return KmipRequests.uniqueIdentifier(response).orElseThrow(() ->
                new SetupFailure(1, "the server answered " + operation + " without a Unique Identifier"));
    }

    /** The same request every time. */
    static Workload fixed(byte[] request, String algorithm) {
        return new Workload() {
            @Override
            public RequestSource forConnection(int index) {
                return () -> request;
            }

            @Override
            public String algorithm() {
                return algorithm;
            }
        };
    }

    /**
     * Encrypts the same 1 KiB with a fresh IV per request: for GCM the connection index (4 bytes) and a
     * counter (8 bytes), unique per key as GCM requires (NIST SP 800-38D section 8.2.1) without a random
     * source per request; for CBC 16 random bytes, as CBC needs unpredictable IVs.
     */
    static Workload encrypt(KmipVersion version, String keyIdentifier, CipherMode mode) {
        byte[] data = new byte[ENCRYPT_BYTES];
        new SecureRandom().nextBytes(data);
        return new Workload() {
            @Override
            public RequestSource forConnection(int index) {
                if (mode == CipherMode.GCM) {
                    ByteBuffer iv = ByteBuffer.allocate(mode.ivBytes).putInt(index);
                    long[] counter = {0};
                    return () -> KmipRequests.encrypt(version, keyIdentifier, mode,
                            iv.putLong(4, counter[0]++).array().clone(), data);
                }
                SecureRandom random = new SecureRandom();
                return () -> {
                    byte[] iv = new byte[mode.ivBytes];
                    random.nextBytes(iv);
                    return KmipRequests.encrypt(version, keyIdentifier, mode, iv, data);
                };
            }

            @Override
            public String algorithm() {
                return mode == CipherMode.GCM ? "aes-256-gcm" : "aes-256-cbc-pkcs5";
            }
        };
    }
}
