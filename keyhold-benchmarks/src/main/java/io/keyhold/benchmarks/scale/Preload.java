package io.keyhold.benchmarks.scale;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.NameType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.crypto.ServerRandom;
import io.keyhold.server.dispatch.ConnectionSession;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.object.NewObjects;
import io.keyhold.server.ops.object.SymmetricKeys;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.sql.SqlObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;

/**
 * Fills the store of a {@code keyhold dev} directory with AES-256 Symmetric Keys for scale measurements
 * (benchmarks/scale.sh). Each key is what Create (KMIP 1.4 section 4.1, 2.1 section 6.1) would store for a
 * request with Cryptographic Algorithm AES, Cryptographic Length 256, Cryptographic Usage Mask
 * Encrypt|Decrypt and a Name of type Uninterpreted Text String ({@code <prefix><n>}, unique): random material
 * from the server's generator and the server-maintained attributes of {@link NewObjects} (Unique Identifier,
 * State, dates, Digest, ...). The owner is the dev client's identity, the Common Name of {@code client.pem}
 * (the server's default {@code tls.client_identity}), so that {@code keyhold bench} with the same
 * certificates sees the keys. Keys are written through {@link SqlObjectStore} under the directory's
 * master key, so their material is encrypted as a real Create's is, in large write transactions (one
 * commit per batch); the next batch is built while the previous one is written.
 *
 * <p>Usage: {@code Preload --dir DIR --objects N [--batch B] [--kmip-version X.Y] [--name-prefix P]
 * [--owner NAME]}. The store is filled up to N objects in all (objects already there count), the nth key
 * (from 0) named {@code P<n>}. Progress goes to stderr; the last line on stdout is a summary. The server
 * must not be running.
 */
public final class Preload {
    /** The Name prefix of preloaded keys. */
    public static final String DEFAULT_NAME_PREFIX = "keyhold-scale-";
    static final int DEFAULT_BATCH = 20_000;

    /** What to preload. */
    record Options(Path dir, long objects, int batch, KmipVersion version, String namePrefix, String owner) {}

    /** What a run did: keys added, objects in the store afterwards, the database file's size in bytes. */
    record Result(long added, long total, long databaseBytes) {}

    private Preload() {}

    public static void main(String[] args) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("preload: " + e.getMessage());
            System.err.println("usage: Preload --dir DIR --objects N [--batch B] [--kmip-version X.Y] "
                    + "[--name-prefix P] [--owner NAME]");
            System.exit(2);
            return;
        }
        try {
            Result r = run(options, System.err);
            System.out.printf(Locale.ROOT, "preloaded %d keys; %d objects in the store; database %d bytes%n",
                    r.added(), r.total(), r.databaseBytes());
        } catch (Exception e) {
            System.err.println("preload: " + e.getMessage());
            System.exit(1);
        }
    }

    static Options parse(String[] args) {
        Path dir = null;
        long objects = -1;
        int batch = DEFAULT_BATCH;
        KmipVersion version = KmipVersion.V1_2;
        String prefix = DEFAULT_NAME_PREFIX;
        String owner = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--dir" -> dir = Path.of(value);
                case "--objects" -> objects = number(option, value);
                case "--batch" -> batch = (int) Math.min(Integer.MAX_VALUE, number(option, value));
                case "--kmip-version" -> version = KmipVersion.parse(value);
                case "--name-prefix" -> prefix = value;
                case "--owner" -> owner = value;
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (dir == null || objects < 0) {
            throw new IllegalArgumentException("--dir and --objects are required");
        }
        return new Options(dir, objects, batch, version, prefix, owner);
    }

    private static long number(String option, String value) {
        try {
            long n = Long.parseLong(value.replace("_", ""));
            if (n < 1) {
                throw new IllegalArgumentException(option + " " + value + " (expected: 1 or more)");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " " + value + " is not a number");
        }
    }

    /** Fills the store of {@code options.dir()} up to {@code options.objects()}, reporting progress to {@code progress}. */
    static Result run(Options options, PrintStream progress) throws Exception {
        Path dir = options.dir().toAbsolutePath();
        String owner = options.owner() != null ? options.owner() : commonName(dir.resolve("client.pem"));
        ServerConfig.Storage storage = ServerConfig.Storage.in(dir);
        ServerConfig.MasterKeyStore masterKey = ServerConfig.MasterKeyStore.development(dir);
        if (!Files.exists(masterKey.keystore())) {
            throw new IOException("no master key store " + masterKey.keystore() + " (run keyhold dev --dir " + dir
                    + " once first)");
        }
        SecureRandom random = ServerRandom.get();
        Optional<TtlvItem> generator = ServerRandom.describe(random);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (SqlObjectStore store = SqlObjectStore.open(storage.database(),
                ServerAssembly.openMasterKey(masterKey, System.getenv()))) {
            LocateQuery everything = new LocateQuery(null, List.of(), EnumSet.allOf(StorageStatus.class), 0, -1);
            long existing = store.read(tx -> tx.count(everything));
            long toAdd = Math.max(0, options.objects() - existing);
            progress.printf(Locale.ROOT, "preload: %s has %d objects; adding %d AES-256 keys owned by %s%n",
                    storage.database().getFileName(), existing, toAdd, owner);
            OperationContext context = new OperationContext(options.version(),
                    new RequestContext(new Identity(owner), "preload", new ConnectionSession()), Clock.systemUTC(),
                    store, new OperationContext.BatchState(), null);
            long start = System.nanoTime();
            long added = 0;
            Future<?> pending = null;
            while (added < toAdd) {
                int n = (int) Math.min(options.batch(), toAdd - added);
                List<StoredObject> batch = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    batch.add(key(context, options.namePrefix() + (existing + added + i), random, generator));
                }
                await(pending);
                pending = writer.submit(() -> {
                    store.write(tx -> {
                        batch.forEach(tx::insert);
                        return null;
                    });
                    return null;
                });
                added += n;
                double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
                double rate = added / seconds;
                progress.printf(Locale.ROOT, "preload: %d/%d keys (%.1f%%), %.0f keys/s, %ds left%n", added, toAdd,
                        100.0 * added / toAdd, rate, Math.round((toAdd - added) / rate));
            }
            await(pending);
            long total = store.read(tx -> tx.count(everything));
            store.close();
            return new Result(added, total, Files.size(storage.database()));
        } finally {
            writer.shutdownNow();
        }
    }

    private static void await(Future<?> pending) throws Exception {
        if (pending == null) {
            return;
        }
        try {
            pending.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    /** One AES-256 key as Create stores it for the attributes above, with this Name. */
    static StoredObject key(OperationContext context, String name, SecureRandom random, Optional<TtlvItem> generator)
            throws KmipException {
        int aes = CryptographicAlgorithm.AES.value();
        List<KmipAttribute> client = List.of(
                KmipAttribute.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, aes)),
                KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256)),
                KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK,
                        CryptographicUsageMask.maskOf(CryptographicUsageMask.ENCRYPT, CryptographicUsageMask.DECRYPT))),
                KmipAttribute.of(TtlvItem.structure(Tag.NAME, TtlvItem.text(Tag.NAME_VALUE, name),
                        TtlvItem.enumeration(Tag.NAME_TYPE, NameType.UNINTERPRETED_TEXT_STRING.value()))));
        TtlvItem object = SymmetricKeys.generate(aes, 256, random).toObject(aes);
        return NewObjects.build(context, ObjectType.SYMMETRIC_KEY.value(), object, client, List.of(), generator);
    }

    /** The subject Common Name of the certificate in a PEM file: the identity the server gives its holder. */
    static String commonName(Path pem) throws IOException {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(pem)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (CertificateException e) {
            throw new IOException("cannot read the certificate " + pem + ": " + e.getMessage());
        }
        try {
            List<String> cns = new LdapName(cert.getSubjectX500Principal().getName()).getRdns().stream()
                    .filter(r -> r.getType().equalsIgnoreCase("CN")).map(r -> r.getValue().toString())
                    .toList();
            if (cns.size() != 1) {
                throw new IOException("the certificate " + pem + " has " + cns.size() + " Common Names (expected: 1);"
                        + " name the owner with --owner");
            }
            return cns.get(0);
        } catch (InvalidNameException e) {
            throw new IOException("cannot read the subject of " + pem);
        }
    }
}
