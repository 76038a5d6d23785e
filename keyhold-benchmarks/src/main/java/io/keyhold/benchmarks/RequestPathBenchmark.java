package io.keyhold.benchmarks;

import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.dispatch.ConnectionSession;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.security.AesGcmMasterKey;
import io.keyhold.server.security.MasterKey;
import io.keyhold.server.security.MasterKeyException;
import io.keyhold.server.store.sql.SqlObjectStore;
import io.keyhold.testkit.load.KmipRequests;
import io.keyhold.testkit.load.KmipRequests.CipherMode;
import io.keyhold.testkit.load.KmipRequests.KeyPairKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The server's request path without the network: a KMIP 1.4 request message's bytes in, the response's bytes
 * out, through {@code RequestProcessor.process} (decode, version rules, access control, the object read, the
 * operation, the audit record, encode), as a connection's worker runs it. The store is SQLite in a temporary
 * directory, objects encrypted at rest under an AES-256 master key, as {@code keyhold dev} runs it. Each
 * operation runs on one key made in the set-up: Get of an AES-256 key (and Get of 1,000 keys in turn, whose
 * data keys at rest all differ, where the one key's data key is the same at every read); Encrypt of 1 KiB with AES-256-GCM,
 * with a different IV in each of 4,096 requests taken in turn; Sign of 64 bytes with ECDSA P-256 or RSA-2048
 * (SHA-256). The store's writer commits each request's audit record on its own thread, outside these times.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RequestPathBenchmark {
    private static final KmipVersion VERSION = KmipVersion.V1_4;
    private static final int ENCRYPT_REQUESTS = 4096;
    private static final int KEYS = 1000;

    private Path directory;
    private ServerAssembly.Assembly server;
    private RequestContext client;
    private byte[] get;
    private byte[][] getEach;
    private int nextGet;
    private byte[][] encrypt;
    private int nextEncrypt;
    private byte[] signEcdsa;
    private byte[] signRsa;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("keyhold-request-path");
        server = ServerAssembly.open(SqlObjectStore.open(directory.resolve("keyhold.db"), masterKey()),
                Clock.systemUTC());
        client = new RequestContext(new Identity("bench"), "127.0.0.1:1", new ConnectionSession());
        SecureRandom random = new SecureRandom();

        String aes = KmipRequests.uniqueIdentifier(call(KmipRequests.createAes256(VERSION))).orElseThrow();
        call(KmipRequests.activate(VERSION, aes));
        get = KmipRequests.get(VERSION, aes);
        getEach = new byte[KEYS][];
        for (int i = 0; i < getEach.length; i++) {
            String uid = KmipRequests.uniqueIdentifier(call(KmipRequests.createAes256(VERSION))).orElseThrow();
            getEach[i] = KmipRequests.get(VERSION, uid);
        }
        encrypt = new byte[ENCRYPT_REQUESTS][];
        byte[] data = new byte[1024];
        random.nextBytes(data);
        for (int i = 0; i < encrypt.length; i++) {
            byte[] iv = new byte[12]; // GCM's 96-bit IV
            random.nextBytes(iv);
            encrypt[i] = KmipRequests.encrypt(VERSION, aes, CipherMode.GCM, iv, data);
        }
        byte[] message = new byte[64];
        random.nextBytes(message);
        signEcdsa = KmipRequests.sign(VERSION, signingKey(KeyPairKind.EC_P256), KeyPairKind.EC_P256, message);
        signRsa = KmipRequests.sign(VERSION, signingKey(KeyPairKind.RSA_2048), KeyPairKind.RSA_2048, message);
        for (byte[] request : new byte[][] {get, getEach[0], encrypt[0], signEcdsa, signRsa}) {
            call(request); // each request succeeds before it is measured
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        server.close();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public byte[] get() {
        return server.processor().process(get, client);
    }

    @Benchmark
    public byte[] getOf1000Keys() {
        byte[] request = getEach[nextGet];
        nextGet = (nextGet + 1) % getEach.length;
        return server.processor().process(request, client);
    }

    @Benchmark
    public byte[] encryptAesGcm1KiB() {
        byte[] request = encrypt[nextEncrypt];
        nextEncrypt = (nextEncrypt + 1) % encrypt.length;
        return server.processor().process(request, client);
    }

    @Benchmark
    public byte[] signEcdsaP256() {
        return server.processor().process(signEcdsa, client);
    }

    @Benchmark
    public byte[] signRsa2048() {
        return server.processor().process(signRsa, client);
    }

    private String signingKey(KeyPairKind kind) {
        String privateKey = KmipRequests.privateKeyUniqueIdentifier(
                call(KmipRequests.createSigningKeyPair(VERSION, kind))).orElseThrow();
        call(KmipRequests.activate(VERSION, privateKey));
        return privateKey;
    }

    /** The response to a request that must succeed. */
    private TtlvItem call(byte[] request) {
        TtlvItem response;
        try {
            response = new TtlvDecoder().decode(server.processor().process(request, client));
        } catch (CodecException e) {
            throw new IllegalStateException("undecodable response: " + e.getMessage(), e);
        }
        KmipRequests.failure(response).ifPresent(f -> {
            throw new IllegalStateException("set-up request failed: " + f);
        });
        return response;
    }

    private static MasterKey masterKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try {
            return AesGcmMasterKey.of("bench", new SecretKeySpec(key, "AES"));
        } catch (MasterKeyException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
