package io.keyhold.server.interop.clients;

import static io.keyhold.server.interop.clients.ClientWire.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CredentialType;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.RevocationReasonCode;
import io.keyhold.protocol.spec.SecretDataType;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.auth.AccessPolicy;
import io.keyhold.server.auth.Actor;
import io.keyhold.server.auth.PasswordHashes;
import io.keyhold.server.auth.Users;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.store.sql.SqlObjectStore;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Emulations of the real KMIP clients of {@code client-profiles.md}: each nested class sends exactly one
 * client's requests, at its protocol version, in its order and field order, on its connection pattern, and
 * checks every property of the responses that the client depends on. The rules every client shares (header
 * order, version, Operation, Unique Batch Item ID, Result Reason and Message) are checked on every response
 * by {@link ClientWire#send}. One server serves every client, set up as the integration guides say: the
 * {@code compatibility} TLS profile (vSphere's AES128-SHA256), Username and Password credentials accepted
 * (PyKMIP and vCenter may send one), otherwise the certificate's Common Name names the client.
 */
class ClientEmulationTest {
    private static final KmipVersion V10 = KmipVersion.V1_0;
    private static final KmipVersion V11 = KmipVersion.V1_1;
    private static final KmipVersion V12 = KmipVersion.V1_2;
    private static final KmipVersion V14 = KmipVersion.V1_4;
    private static final int AES = CryptographicAlgorithm.AES.value();
    private static final SecureRandom RANDOM = new SecureRandom();

    private static LiveServer server;

    @BeforeAll
    static void start() throws Exception {
        ServerConfig.Access access = new ServerConfig.Access(List.of(), Map.of(), ServerConfig.PasswordCredentials.ACCEPTED);
        server = LiveServer.start(Files.createTempDirectory("keyhold-clients"), false,
                c -> new ServerConfig(c.kmip(), c.tls().withProfile(ServerConfig.TlsProfile.COMPATIBILITY), c.storage(),
                        c.limits(), c.logging(), c.crypto(), c.masterKey(), access, c.audit(), c.http()));
        try (SqlObjectStore db = SqlObjectStore.open(server.config().storage().database(),
                ServerAssembly.openMasterKey(server.config().masterKey(), Map.of()))) {
            new Users(db, AccessPolicy.DEFAULT, new PasswordHashes(64, 1, 1), Clock.systemUTC())
                    .add(new Actor.Operator("test"), "pykmip-user", "pykmip-password".toCharArray(), false);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static KmipTestClient connect() throws Exception {
        return server.client("client1");
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Get Attributes naming only State, at 1.x: exactly one Attribute "State", an Enumeration. */
    private static int state(KmipTestClient c, KmipVersion v, String uid) throws Exception {
        TtlvItem p = ok(c, v, Operation.GET_ATTRIBUTES, uid(uid), TtlvItem.text(Tag.ATTRIBUTE_NAME, "State"));
        assertThat(names(p)).as("Get Attributes(State) returns only State").containsExactly("Unique Identifier", "Attribute");
        assertThat(text(p, Tag.UNIQUE_IDENTIFIER)).isEqualTo(uid);
        TtlvItem a = attributes(p).get(0);
        assertThat(attributeName(a)).isEqualTo("State");
        assertThat(attributeValue(a).type().name()).isEqualTo("ENUMERATION");
        return attributeValue(a).enumValue();
    }

    /** A date attribute of the object, or null when it has none. */
    private static Long date(KmipTestClient c, KmipVersion v, String uid, String name) throws Exception {
        TtlvItem p = ok(c, v, Operation.GET_ATTRIBUTES, uid(uid), TtlvItem.text(Tag.ATTRIBUTE_NAME, name));
        List<TtlvItem> a = attributes(p);
        return a.isEmpty() ? null : attributeValue(a.get(0)).dateTimeValue();
    }

    /**
     * Get of a symmetric key with no format asked for: Object Type, Unique Identifier, Symmetric Key; a Raw
     * Key Block whose Key Value holds only Key Material, then Cryptographic Algorithm and Length, no Key
     * Wrapping Data (profile rule 5).
     */
    private static byte[] getRawKey(KmipTestClient c, KmipVersion v, String uid, int bits) throws Exception {
        TtlvItem p = ok(c, v, Operation.GET, uid(uid));
        assertThat(names(p)).containsExactly("Object Type", "Unique Identifier", "Symmetric Key");
        assertThat(get(p, Tag.OBJECT_TYPE).enumValue()).isEqualTo(ObjectType.SYMMETRIC_KEY.value());
        assertThat(text(p, Tag.UNIQUE_IDENTIFIER)).isEqualTo(uid);
        TtlvItem block = get(get(p, Tag.SYMMETRIC_KEY), Tag.KEY_BLOCK);
        assertThat(names(block)).as("Raw key block fields").containsExactly("Key Format Type", "Key Value",
                "Cryptographic Algorithm", "Cryptographic Length");
        assertThat(get(block, Tag.KEY_FORMAT_TYPE).enumValue()).isEqualTo(KeyFormatType.RAW.value());
        assertThat(names(get(block, Tag.KEY_VALUE))).as("Key Value holds only Key Material").containsExactly("Key Material");
        assertThat(get(block, Tag.CRYPTOGRAPHIC_ALGORITHM).enumValue()).isEqualTo(AES);
        assertThat(get(block, Tag.CRYPTOGRAPHIC_LENGTH).intValue()).isEqualTo(bits);
        byte[] key = get(get(block, Tag.KEY_VALUE), Tag.KEY_MATERIAL).bytesValue();
        assertThat(key).hasSize(bits / 8);
        return key;
    }

    /** Create of an AES key as the MongoDB server writes it: Template-Attribute with algorithm, length, usage 12. */
    private static String createMongoKey(KmipTestClient c, KmipVersion v) throws Exception {
        TtlvItem p = ok(c, v, Operation.CREATE, objectType(ObjectType.SYMMETRIC_KEY), templateAttribute(
                enumAttribute("Cryptographic Algorithm", AES), intAttribute("Cryptographic Length", 256),
                intAttribute("Cryptographic Usage Mask", 12)));
        assertThat(names(p).subList(0, 2)).as("Create response: Object Type, then Unique Identifier")
                .containsExactly("Object Type", "Unique Identifier");
        assertThat(names(p).subList(2, names(p).size())).isSubsetOf("Template-Attribute");
        assertThat(get(p, Tag.OBJECT_TYPE).enumValue()).isEqualTo(ObjectType.SYMMETRIC_KEY.value());
        String uid = text(p, Tag.UNIQUE_IDENTIFIER);
        assertThat(uid).as("short, ASCII, file-name safe (rule 9)").matches("[A-Za-z0-9._-]{1,128}");
        return uid;
    }

    private static void activate(KmipTestClient c, KmipVersion v, String uid) throws Exception {
        TtlvItem p = ok(c, v, Operation.ACTIVATE, uid(uid));
        assertThat(names(p)).containsExactly("Unique Identifier");
        assertThat(text(p, Tag.UNIQUE_IDENTIFIER)).isEqualTo(uid);
    }

    private static TtlvItem revocationReason(RevocationReasonCode code, String message) {
        List<TtlvItem> c = new ArrayList<>();
        c.add(TtlvItem.enumeration(Tag.REVOCATION_REASON_CODE, code.value()));
        if (message != null) {
            c.add(TtlvItem.text(Tag.REVOCATION_MESSAGE, message));
        }
        return TtlvItem.structure(Tag.REVOCATION_REASON, c);
    }

    private static TtlvItem symmetricKey(byte[] material) {
        return TtlvItem.structure(Tag.SYMMETRIC_KEY, keyBlock(KeyFormatType.RAW.value(), material, AES, material.length * 8));
    }

    /** Register whose response must be the Unique Identifier only (profile rule 6). */
    private static String register(KmipTestClient c, KmipVersion v, TtlvItem... payloadFields) throws Exception {
        TtlvItem p = ok(c, v, Operation.REGISTER, payloadFields);
        assertThat(names(p)).as("Register response: Unique Identifier only").isSubsetOf("Unique Identifier", "Template-Attribute");
        assertThat(names(p).get(0)).isEqualTo("Unique Identifier");
        assertThat(text(p, Tag.UNIQUE_IDENTIFIER)).as("short, ASCII, file-name safe (rule 9)").matches("[A-Za-z0-9._-]{1,128}");
        return text(p, Tag.UNIQUE_IDENTIFIER);
    }

    /**
     * MongoDB Enterprise, encrypted storage engine (client-profiles.md, "Conversations", MongoDB Enterprise,
     * encrypted storage engine; rules 2, 4, 5, 6, 7, 9, 10).
     */
    @Nested
    class MongoDbStorageEngine {
        /**
         * First start without {@code keyIdentifier} on one connection: Create (Template-Attribute: AES, 256,
         * usage 12, no Name) -> Get -> Activate -> Get Attributes(State) = Active. Restart with the stored UID
         * on a new connection: Get, then Get Attributes(State) = Active. Polling on a new connection each time.
         * A Revoke with Cessation of Operation moves the key to Deactivated, which the poll reports as 3 (and
         * Deactivation Date is set); rotation ({@code --kmipRotateMasterKey}) then Gets the old, Deactivated
         * key and creates a new one as on first start. A missing key is Item Not Found with a Result Message.
         * Profile: client-profiles.md, "MongoDB Enterprise, encrypted storage engine", all four bullets;
         * rules 4, 5, 6, 7, 9, 10.
         */
        @ParameterizedTest(name = "KMIP {0} (1.0 is security.kmip.useLegacyProtocol)")
        @ValueSource(strings = {"1.2", "1.0"})
        void firstStartRestartPollingRotation(String version) throws Exception {
            KmipVersion v = KmipVersion.parse(version);
            String uid;
            byte[] key;
            try (KmipTestClient c = connect()) {
                uid = createMongoKey(c, v);
                key = getRawKey(c, v, uid, 256);
                activate(c, v, uid);
                assertThat(state(c, v, uid)).isEqualTo(State.ACTIVE.value());
            }
            try (KmipTestClient c = connect()) {
                assertThat(getRawKey(c, v, uid, 256)).isEqualTo(key);
                assertThat(state(c, v, uid)).isEqualTo(State.ACTIVE.value());
            }
            try (KmipTestClient poll = connect()) {
                assertThat(state(poll, v, uid)).isEqualTo(State.ACTIVE.value());
            }
            try (KmipTestClient admin = connect()) {
                TtlvItem p = ok(admin, v, Operation.REVOKE, uid(uid),
                        revocationReason(RevocationReasonCode.CESSATION_OF_OPERATION, null));
                assertThat(names(p)).containsExactly("Unique Identifier");
            }
            try (KmipTestClient poll = connect()) {
                assertThat(state(poll, v, uid)).as("a revoked key polls as Deactivated (3)").isEqualTo(3);
                Long deactivated = date(poll, v, uid, "Deactivation Date");
                assertThat(deactivated).isNotNull();
                assertThat(deactivated).isBetween(Instant.now().getEpochSecond() - 300, Instant.now().getEpochSecond() + 5);
            }
            try (KmipTestClient c = connect()) {
                assertThat(getRawKey(c, v, uid, 256)).as("Get of the old, Deactivated key").isEqualTo(key);
                String next = createMongoKey(c, v);
                assertThat(next).isNotEqualTo(uid);
                getRawKey(c, v, next, 256);
                activate(c, v, next);
                assertThat(state(c, v, next)).isEqualTo(State.ACTIVE.value());
                assertThat(failedWith(call(c, v, Operation.GET, uid("00000000-0000-0000-0000-000000000000"))))
                        .isEqualTo(ResultReason.ITEM_NOT_FOUND.value());
            }
        }

        /**
         * With {@code keyIdentifier} naming a key made elsewhere: Get, then Get Attributes(State), which must
         * be Active; a key registered but not activated answers Pre-Active (mongod refuses to start), and once
         * activated, Active.
         * Profile: client-profiles.md, "MongoDB Enterprise, encrypted storage engine", "With keyIdentifier K"; rule 5.
         */
        @Test
        void keyIdentifierOfAKeyMadeElsewhere() throws Exception {
            String uid;
            byte[] material = random(32);
            try (KmipTestClient admin = connect()) {
                uid = register(admin, V12, objectType(ObjectType.SYMMETRIC_KEY),
                        templateAttribute(intAttribute("Cryptographic Usage Mask", 12)), symmetricKey(material));
            }
            try (KmipTestClient c = connect()) {
                assertThat(getRawKey(c, V12, uid, 256)).isEqualTo(material);
                assertThat(state(c, V12, uid)).isEqualTo(State.PRE_ACTIVE.value());
            }
            try (KmipTestClient admin = connect()) {
                activate(admin, V12, uid);
            }
            try (KmipTestClient c = connect()) {
                assertThat(getRawKey(c, V12, uid, 256)).isEqualTo(material);
                assertThat(state(c, V12, uid)).isEqualTo(State.ACTIVE.value());
            }
        }
    }

    /**
     * MongoDB audit-log encryption, 6.0+ at KMIP 1.2 (client-profiles.md, "Conversations", MongoDB Enterprise,
     * "Audit-log encryption").
     */
    @Nested
    class MongoDbAuditLog {
        /**
         * Encrypt(UID, 32 bytes) without Cryptographic Parameters and without IV: the server's default is
         * AES-CBC with PKCS5 padding and a random 16-byte IV returned in IV/Counter/Nonce (checked by decrypting
         * locally with the key's material); Decrypt(UID, data, IV) without parameters returns the 32 bytes.
         * A key that is not Active is refused with a Result Reason and Message.
         * Profile: client-profiles.md, "MongoDB Enterprise", "Audit-log encryption"; rule 4.
         */
        @Test
        void encryptAndDecryptWithoutParameters() throws Exception {
            try (KmipTestClient c = connect()) {
                String uid = createMongoKey(c, V12);
                byte[] key = getRawKey(c, V12, uid, 256);
                byte[] record = random(32);
                assertThat(failedWith(call(c, V12, Operation.ENCRYPT, uid(uid), TtlvItem.bytes(Tag.DATA, record))))
                        .as("Encrypt with a Pre-Active key (Wrong Key Lifecycle State is 2.1 only)")
                        .isEqualTo(ResultReason.PERMISSION_DENIED.value());
                activate(c, V12, uid);

                TtlvItem enc = ok(c, V12, Operation.ENCRYPT, uid(uid), TtlvItem.bytes(Tag.DATA, record));
                assertThat(names(enc)).containsExactly("Unique Identifier", "Data", "IV/Counter/Nonce");
                assertThat(text(enc, Tag.UNIQUE_IDENTIFIER)).isEqualTo(uid);
                byte[] iv = get(enc, Tag.IV_COUNTER_NONCE).bytesValue();
                byte[] data = get(enc, Tag.DATA).bytesValue();
                assertThat(iv).hasSize(16);
                assertThat(data).hasSize(48);
                Cipher cbc = Cipher.getInstance("AES/CBC/PKCS5Padding");
                cbc.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
                assertThat(cbc.doFinal(data)).as("AES-CBC with PKCS5 padding under the key").isEqualTo(record);

                TtlvItem again = ok(c, V12, Operation.ENCRYPT, uid(uid), TtlvItem.bytes(Tag.DATA, record));
                assertThat(get(again, Tag.IV_COUNTER_NONCE).bytesValue()).as("a random IV each time").isNotEqualTo(iv);

                TtlvItem dec = ok(c, V12, Operation.DECRYPT, uid(uid), TtlvItem.bytes(Tag.DATA, data),
                        TtlvItem.bytes(Tag.IV_COUNTER_NONCE, iv));
                assertThat(names(dec)).containsExactly("Unique Identifier", "Data");
                assertThat(get(dec, Tag.DATA).bytesValue()).isEqualTo(record);
            }
        }

        /**
         * A key whose Cryptographic Parameters attribute is set (here AES-CTR, no padding): Encrypt without
         * parameters uses the attribute, not the CBC default, and returns the counter block it chose;
         * Decrypt without parameters undoes it.
         * Profile: client-profiles.md, "MongoDB Enterprise", "Audit-log encryption" ("use the key's
         * Cryptographic Parameters attribute if set").
         */
        @Test
        void theKeysCryptographicParametersDecide() throws Exception {
            try (KmipTestClient c = connect()) {
                TtlvItem p = ok(c, V12, Operation.CREATE, objectType(ObjectType.SYMMETRIC_KEY), templateAttribute(
                        enumAttribute("Cryptographic Algorithm", AES), intAttribute("Cryptographic Length", 256),
                        intAttribute("Cryptographic Usage Mask", 12),
                        attribute("Cryptographic Parameters", TtlvItem.structure(Tag.ATTRIBUTE_VALUE,
                                TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, BlockCipherMode.CTR.value()),
                                TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.NONE.value())))));
                String uid = text(p, Tag.UNIQUE_IDENTIFIER);
                byte[] key = getRawKey(c, V12, uid, 256);
                activate(c, V12, uid);
                byte[] record = random(32);
                TtlvItem enc = ok(c, V12, Operation.ENCRYPT, uid(uid), TtlvItem.bytes(Tag.DATA, record));
                assertThat(names(enc)).containsExactly("Unique Identifier", "Data", "IV/Counter/Nonce");
                byte[] counter = get(enc, Tag.IV_COUNTER_NONCE).bytesValue();
                byte[] data = get(enc, Tag.DATA).bytesValue();
                assertThat(counter).hasSize(16);
                assertThat(data).as("CTR adds no padding").hasSize(32);
                Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
                ctr.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(counter));
                assertThat(ctr.doFinal(data)).isEqualTo(record);
                TtlvItem dec = ok(c, V12, Operation.DECRYPT, uid(uid), TtlvItem.bytes(Tag.DATA, data),
                        TtlvItem.bytes(Tag.IV_COUNTER_NONCE, counter));
                assertThat(get(dec, Tag.DATA).bytesValue()).isEqualTo(record);
            }
        }
    }

    /** MongoDB drivers' libmongocrypt (client-profiles.md, "Conversations", MongoDB drivers (libmongocrypt)). */
    @Nested
    class Libmongocrypt {
        /**
         * Standard mode at KMIP 1.0: Register a 96-byte Secret Data (Seed, Key Format Opaque, usage mask 0)
         * -> Activate -> Get, which returns Secret Data of type Seed with an Opaque Key Block whose Key Value
         * holds only the 96 bytes. One connection per request.
         * Profile: client-profiles.md, "MongoDB drivers (libmongocrypt)", standard mode; rule 6.
         */
        @Test
        void standardModeRegistersASeed() throws Exception {
            byte[] seed = random(96);
            String uid;
            try (KmipTestClient c = connect()) {
                uid = register(c, V10, objectType(ObjectType.SECRET_DATA),
                        templateAttribute(intAttribute("Cryptographic Usage Mask", 0)),
                        TtlvItem.structure(Tag.SECRET_DATA, TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, SecretDataType.SEED.value()),
                                keyBlock(KeyFormatType.OPAQUE.value(), seed, null, null)));
            }
            try (KmipTestClient c = connect()) {
                activate(c, V10, uid);
            }
            try (KmipTestClient c = connect()) {
                TtlvItem p = ok(c, V10, Operation.GET, uid(uid));
                assertThat(names(p)).containsExactly("Object Type", "Unique Identifier", "Secret Data");
                assertThat(get(p, Tag.OBJECT_TYPE).enumValue()).isEqualTo(ObjectType.SECRET_DATA.value());
                TtlvItem secret = get(p, Tag.SECRET_DATA);
                assertThat(names(secret)).containsExactly("Secret Data Type", "Key Block");
                assertThat(get(secret, Tag.SECRET_DATA_TYPE).enumValue()).isEqualTo(SecretDataType.SEED.value());
                TtlvItem block = get(secret, Tag.KEY_BLOCK);
                assertThat(get(block, Tag.KEY_FORMAT_TYPE).enumValue()).isEqualTo(KeyFormatType.OPAQUE.value());
                assertThat(block.child(Tag.KEY_WRAPPING_DATA)).isEmpty();
                assertThat(names(get(block, Tag.KEY_VALUE))).containsExactly("Key Material");
                assertThat(get(get(block, Tag.KEY_VALUE), Tag.KEY_MATERIAL).bytesValue()).isEqualTo(seed);
            }
        }

        /**
         * Delegated mode at KMIP 1.2: Create an AES key -> Activate -> Encrypt with AES-CBC, PKCS5, Random IV,
         * which returns a 16-byte IV -> Decrypt with the same parameters and that IV.
         * Profile: client-profiles.md, "MongoDB drivers (libmongocrypt)", "delegated" mode.
         */
        @Test
        void delegatedModeEncryptsWithCbc() throws Exception {
            String uid;
            try (KmipTestClient c = connect()) {
                uid = createMongoKey(c, V12);
            }
            try (KmipTestClient c = connect()) {
                activate(c, V12, uid);
            }
            byte[] plaintext = "a data key for a MongoDB collection".getBytes(StandardCharsets.UTF_8);
            TtlvItem parameters = TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                    TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, BlockCipherMode.CBC.value()),
                    TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PKCS5.value()),
                    TtlvItem.bool(Tag.RANDOM_IV, true));
            TtlvItem enc;
            try (KmipTestClient c = connect()) {
                enc = ok(c, V12, Operation.ENCRYPT, uid(uid), parameters, TtlvItem.bytes(Tag.DATA, plaintext));
            }
            assertThat(names(enc)).containsExactly("Unique Identifier", "Data", "IV/Counter/Nonce");
            byte[] iv = get(enc, Tag.IV_COUNTER_NONCE).bytesValue();
            assertThat(iv).hasSize(16);
            assertThat(get(enc, Tag.DATA).bytesValue()).hasSize(48);
            try (KmipTestClient c = connect()) {
                TtlvItem dec = ok(c, V12, Operation.DECRYPT, uid(uid), parameters,
                        TtlvItem.bytes(Tag.DATA, get(enc, Tag.DATA).bytesValue()), TtlvItem.bytes(Tag.IV_COUNTER_NONCE, iv));
                assertThat(get(dec, Tag.DATA).bytesValue()).isEqualTo(plaintext);
            }
        }
    }

    /** Percona Server for MongoDB (client-profiles.md, "Conversations", Percona Server for MongoDB; rules 1, 4, 8). */
    @Nested
    class PerconaMongoDb {
        /**
         * Always KMIP 1.0, one TLS connection per session. New master key: Register(Symmetric Key, raw 32
         * bytes, no Name) -> Activate. Read (a new session): Get Attributes(State) first, then Get when
         * Active. State polling on its own connection, which a Revoke turns to Deactivated.
         * Profile: client-profiles.md, "Percona Server for MongoDB", first two bullets; rules 1, 6.
         */
        @Test
        void registerActivateThenStateBeforeGet() throws Exception {
            byte[] material = random(32);
            String uid;
            try (KmipTestClient c = connect()) {
                uid = register(c, V10, objectType(ObjectType.SYMMETRIC_KEY), templateAttribute(), symmetricKey(material));
                activate(c, V10, uid);
            }
            try (KmipTestClient c = connect()) {
                assertThat(state(c, V10, uid)).isEqualTo(State.ACTIVE.value());
                assertThat(getRawKey(c, V10, uid, 256)).isEqualTo(material);
            }
            try (KmipTestClient admin = connect()) {
                ok(admin, V10, Operation.REVOKE, uid(uid), revocationReason(RevocationReasonCode.CESSATION_OF_OPERATION, null));
            }
            try (KmipTestClient poll = connect()) {
                assertThat(state(poll, V10, uid)).isEqualTo(State.DEACTIVATED.value());
            }
        }

        /**
         * Older releases registered the base64 text of the key at 1.4 with an empty Name and an empty Object
         * Group; the earliest located keys by Name (at 1.0). Get returns the registered material byte for byte.
         * Profile: client-profiles.md, "Percona Server for MongoDB", "Older releases".
         */
        @Test
        void legacyRegistrationsReadBack() throws Exception {
            byte[] base64 = Base64.getEncoder().encode(random(32));
            String legacy;
            String named = "percona-mongodb-master-" + System.nanoTime();
            String earliest;
            try (KmipTestClient c = connect()) {
                legacy = register(c, V14, objectType(ObjectType.SYMMETRIC_KEY),
                        templateAttribute(nameAttribute(""), textAttribute("Object Group", "")),
                        TtlvItem.structure(Tag.SYMMETRIC_KEY, keyBlock(KeyFormatType.RAW.value(), base64, AES, base64.length * 8)));
                activate(c, V10, legacy);
            }
            try (KmipTestClient c = connect()) {
                TtlvItem p = ok(c, V10, Operation.GET, uid(legacy));
                TtlvItem block = get(get(p, Tag.SYMMETRIC_KEY), Tag.KEY_BLOCK);
                assertThat(get(get(block, Tag.KEY_VALUE), Tag.KEY_MATERIAL).bytesValue()).as("byte for byte").isEqualTo(base64);
            }
            byte[] material = random(32);
            try (KmipTestClient c = connect()) {
                earliest = register(c, V10, objectType(ObjectType.SYMMETRIC_KEY), templateAttribute(nameAttribute(named)),
                        symmetricKey(material));
                activate(c, V10, earliest);
            }
            try (KmipTestClient c = connect()) {
                TtlvItem p = ok(c, V10, Operation.LOCATE, nameAttribute(named));
                assertThat(names(p)).as("1.0 Locate response: Unique Identifiers only").containsOnly("Unique Identifier");
                assertThat(p.childrenWith(Tag.UNIQUE_IDENTIFIER)).extracting(TtlvItem::textValue).containsExactly(earliest);
                assertThat(getRawKey(c, V10, earliest, 256)).isEqualTo(material);
            }
        }
    }

    /** Percona Server for MySQL keyring (client-profiles.md, "Conversations", Percona Server for MySQL keyring; rules 6, 7, 8, 10). */
    @Nested
    class PerconaMySql {
        private TtlvItem locatePage(String group, int offset) {
            return item(Operation.LOCATE, TtlvItem.integer(Tag.MAXIMUM_ITEMS, 16), TtlvItem.integer(Tag.OFFSET_ITEMS, offset),
                    enumAttribute("Object Type", ObjectType.SYMMETRIC_KEY.value()), textAttribute("Object Group", group));
        }

        /**
         * Store: Register(Symmetric Key AES, Name = key id, Object Group) at 1.4 -> Activate at 1.0; and a
         * password as Secret Data (Password, Opaque, usage Derive Key|Export = 0x240). Load at start (1.0):
         * Locate(Object Type, Object Group, Maximum Items 16, Offset Items) paging until an empty page, with
         * no Located Items in a 1.0 answer, then for each Get and Get Attributes(Name) at 1.4 returning only
         * Name. Delete: Revoke(Unspecified, message) -> Destroy; Locate no longer lists the destroyed key.
         * Profile: client-profiles.md, "Percona Server for MySQL keyring", all bullets; rules 6, 7, 8, 10.
         */
        @Test
        void storeLoadPagedAndDelete() throws Exception {
            String group = "percona-mysql-" + System.nanoTime();
            Map<String, String> idsByUid = new java.util.HashMap<>();
            try (KmipTestClient c = connect()) {
                for (int i = 0; i < 33; i++) {
                    String keyId = "INNODBKey-" + group + "-" + i;
                    String uid = register(c, V14, objectType(ObjectType.SYMMETRIC_KEY),
                            templateAttribute(nameAttribute(keyId), textAttribute("Object Group", group)), symmetricKey(random(32)));
                    activate(c, V10, uid);
                    idsByUid.put(uid, keyId);
                }
                byte[] password = "mysql-keyring-password".getBytes(StandardCharsets.US_ASCII);
                String passwordUid = register(c, V14, objectType(ObjectType.SECRET_DATA),
                        templateAttribute(nameAttribute("password-" + group), intAttribute("Cryptographic Usage Mask", 0x240)),
                        TtlvItem.structure(Tag.SECRET_DATA, TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, SecretDataType.PASSWORD.value()),
                                keyBlock(KeyFormatType.OPAQUE.value(), password, null, null)));
                activate(c, V10, passwordUid);
                TtlvItem pw = ok(c, V10, Operation.GET, uid(passwordUid));
                TtlvItem secret = get(pw, Tag.SECRET_DATA);
                assertThat(get(secret, Tag.SECRET_DATA_TYPE).enumValue()).isEqualTo(SecretDataType.PASSWORD.value());
                assertThat(get(get(get(secret, Tag.KEY_BLOCK), Tag.KEY_VALUE), Tag.KEY_MATERIAL).bytesValue()).isEqualTo(password);
            }
            List<String> found = new ArrayList<>();
            try (KmipTestClient c = connect()) {
                List<Integer> pageSizes = new ArrayList<>();
                for (int offset = 0; offset < 1000; offset += 16) {
                    TtlvItem p = succeeded(send(c, V10, null, locatePage(group, offset)).get(0));
                    assertThat(names(p)).as("a 1.0 Locate answer holds only Unique Identifiers").allMatch("Unique Identifier"::equals);
                    pageSizes.add(p.children().size());
                    if (p.children().isEmpty()) {
                        break;
                    }
                    p.children().forEach(u -> found.add(u.textValue()));
                }
                assertThat(pageSizes).as("pages of 16, then an empty page").containsExactly(16, 16, 1, 0);
                assertThat(found).doesNotHaveDuplicates();
                assertThat(new HashSet<>(found)).isEqualTo(idsByUid.keySet());
                for (String uid : found) {
                    getRawKey(c, V10, uid, 256);
                    TtlvItem n = ok(c, V14, Operation.GET_ATTRIBUTES, uid(uid), TtlvItem.text(Tag.ATTRIBUTE_NAME, "Name"));
                    assertThat(names(n)).containsExactly("Unique Identifier", "Attribute");
                    TtlvItem name = attributeValue(attributes(n).get(0));
                    assertThat(names(name)).containsExactly("Name Value", "Name Type");
                    assertThat(text(name, Tag.NAME_VALUE)).isEqualTo(idsByUid.get(uid));
                }
            }
            String victim = found.get(0);
            try (KmipTestClient c = connect()) {
                TtlvItem revoked = ok(c, V10, Operation.REVOKE, uid(victim),
                        revocationReason(RevocationReasonCode.UNSPECIFIED, "key removed by keyring_kmip"));
                assertThat(names(revoked)).containsExactly("Unique Identifier");
                TtlvItem destroyed = ok(c, V10, Operation.DESTROY, uid(victim));
                assertThat(names(destroyed)).containsExactly("Unique Identifier");
                assertThat(failedWith(call(c, V10, Operation.GET, uid(victim)))).as("Get of a destroyed key fails")
                        .isNotEqualTo(0);
                TtlvItem p = succeeded(send(c, V10, null, locatePage(group, 0)).get(0));
                TtlvItem p2 = succeeded(send(c, V10, null, locatePage(group, 16)).get(0));
                TtlvItem p3 = succeeded(send(c, V10, null, locatePage(group, 32)).get(0));
                List<String> after = new ArrayList<>();
                for (TtlvItem page : List.of(p, p2, p3)) {
                    page.children().forEach(u -> after.add(u.textValue()));
                }
                assertThat(after).as("Locate leaves out the destroyed key").hasSize(32).doesNotContain(victim);
            }
        }
    }

    /** VMware vSphere 7 and 8 at KMIP 1.1 (client-profiles.md, "Conversations", VMware vSphere 7 and 8; rules 3, 7, 11). */
    @Nested
    class VSphere {
        /**
         * The suite vCenter has been seen to use. On JDK 24 and later this test JVM's client side cannot offer
         * TLS_RSA_* (the JDK disables them before the server's profile can enable them for the process), so
         * there it uses the ECDHE form of the same CBC suite, also on the compatibility profile; a server on
         * JDK 25 negotiates AES128-SHA256 itself (checked with openssl s_client).
         */
        private static final String SUITE = Runtime.version().feature() >= 24
                ? "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" : "TLS_RSA_WITH_AES_128_CBC_SHA256";

        /**
         * A connection as vCenter has been seen to make it (TLS 1.2, AES128-SHA256), opened with Discover
         * Versions with an empty payload; 1.1 is among the answer.
         */
        private KmipTestClient open() throws Exception {
            DevPki.Layout pki = new DevPki.Layout(server.directory());
            KmipTestClient c = KmipTestClient.connect(server.port(), KmipTestClient.sslContext(pki.clientP12(1), pki.ca()),
                    new String[] {"TLSv1.2"}, new String[] {SUITE});
            assertThat(c.socket().getSession().getCipherSuite()).isEqualTo(SUITE);
            TtlvItem p = ok(c, V11, Operation.DISCOVER_VERSIONS);
            assertThat(names(p)).containsOnly("Protocol Version");
            List<KmipVersion> offered = new ArrayList<>();
            for (TtlvItem pv : p.children()) {
                assertThat(names(pv)).containsExactly("Protocol Version Major", "Protocol Version Minor");
                offered.add(new KmipVersion(pv.children().get(0).intValue(), pv.children().get(1).intValue()));
            }
            assertThat(offered).contains(V11);
            assertThat(offered).as("most preferred first").isSortedAccordingTo(java.util.Comparator.reverseOrder());
            return c;
        }

        /**
         * Probes (TCP connect and close; TLS handshake and close, with and without close_notify; no request)
         * leave the server serving;
         * Query(Server Information) answers Vendor Identification; Create (attributes in the order Algorithm,
         * Usage Mask, Length) -> a batch of three Add Attribute with custom x- text attributes and Unique
         * Batch Item IDs, each answered in order with its ID echoed and the attribute added -> Get ->
         * Get Attributes(State) = Pre-Active -> Activate; Get Attributes of an x- attribute the key lacks is
         * Success with only the Unique Identifier. Revoke and Destroy (optional) end the key.
         * Profile: client-profiles.md, "VMware vSphere 7 and 8"; rules 3, 7, 11.
         */
        @Test
        void keyProviderConversation() throws Exception {
            DevPki.Layout pki = new DevPki.Layout(server.directory());
            SSLContext context = KmipTestClient.sslContext(pki.clientP12(1), pki.ca());
            for (int i = 0; i < 3; i++) {
                new Socket("127.0.0.1", server.port()).close();
                open().close();
                try (Socket tcp = new Socket("127.0.0.1", server.port())) {
                    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(tcp, "127.0.0.1", server.port(), false);
                    tls.startHandshake();
                }
            }
            try (KmipTestClient c = open()) {
                TtlvItem info = ok(c, V11, Operation.QUERY,
                        TtlvItem.enumeration(Tag.QUERY_FUNCTION, QueryFunction.QUERY_SERVER_INFORMATION.value()));
                assertThat(text(info, Tag.VENDOR_IDENTIFICATION)).isNotBlank();
                assertThat(names(info)).doesNotContain("Operation", "Object Type");
            }
            String uid;
            try (KmipTestClient c = open()) {
                TtlvItem created = ok(c, V11, Operation.CREATE, objectType(ObjectType.SYMMETRIC_KEY), templateAttribute(
                        enumAttribute("Cryptographic Algorithm", AES), intAttribute("Cryptographic Usage Mask", 12),
                        intAttribute("Cryptographic Length", 256)));
                assertThat(names(created).subList(0, 2)).containsExactly("Object Type", "Unique Identifier");
                uid = text(created, Tag.UNIQUE_IDENTIFIER);

                TtlvItem[] batch = new TtlvItem[3];
                for (int i = 0; i < 3; i++) {
                    batch[i] = item(Operation.ADD_ATTRIBUTE, ("vmw-" + i).getBytes(StandardCharsets.US_ASCII), uid(uid),
                            textAttribute("x-Vmware-Attr" + i, "value " + i));
                }
                List<TtlvItem> answers = send(c, V11, null, batch);
                for (int i = 0; i < 3; i++) {
                    TtlvItem p = succeeded(answers.get(i));
                    assertThat(names(p)).containsExactly("Unique Identifier", "Attribute");
                    TtlvItem a = get(p, Tag.ATTRIBUTE);
                    assertThat(attributeName(a)).isEqualTo("x-Vmware-Attr" + i);
                    assertThat(attributeValue(a).textValue()).isEqualTo("value " + i);
                }
                getRawKey(c, V11, uid, 256);
                assertThat(state(c, V11, uid)).isEqualTo(State.PRE_ACTIVE.value());
                activate(c, V11, uid);
                assertThat(state(c, V11, uid)).isEqualTo(State.ACTIVE.value());
            }
            try (KmipTestClient c = open()) {
                TtlvItem missing = ok(c, V11, Operation.GET_ATTRIBUTES, uid(uid), TtlvItem.text(Tag.ATTRIBUTE_NAME, "x-NotThere"));
                assertThat(names(missing)).as("a missing attribute: Success with only the Unique Identifier")
                        .containsExactly("Unique Identifier");
                TtlvItem present = ok(c, V11, Operation.GET_ATTRIBUTES, uid(uid), TtlvItem.text(Tag.ATTRIBUTE_NAME, "x-Vmware-Attr1"));
                assertThat(names(present)).containsExactly("Unique Identifier", "Attribute");
                assertThat(attributeValue(attributes(present).get(0)).textValue()).isEqualTo("value 1");
                ok(c, V11, Operation.REVOKE, uid(uid), revocationReason(RevocationReasonCode.CESSATION_OF_OPERATION, null));
                ok(c, V11, Operation.DESTROY, uid(uid));
            }
        }

        /**
         * A batch of three Add Attribute that the server refuses (the key is gone), with no Batch Error
         * Continuation Option (Stop): the answers that come back carry their Operation, their own Unique Batch
         * Item ID, and a Result Reason and Message, so that vCenter can tell which were refused and carry on.
         * The first is answered Item Not Found; the server stops there, as Stop says.
         * Profile: client-profiles.md, "VMware vSphere 7 and 8" ("it carries on if they are refused"); rules 3, 4.
         */
        @Test
        void refusedAddAttributeBatch() throws Exception {
            try (KmipTestClient c = open()) {
                TtlvItem[] batch = new TtlvItem[3];
                for (int i = 0; i < 3; i++) {
                    batch[i] = item(Operation.ADD_ATTRIBUTE, new byte[] {(byte) (0x20 + i)},
                            uid("00000000-0000-0000-0000-00000000000" + i), textAttribute("x-Vmware-Attr" + i, "value"));
                }
                List<TtlvItem> answers = send(c, V11, null, batch);
                assertThat(answers.get(0).child(Tag.UNIQUE_BATCH_ITEM_ID).orElseThrow().bytesValue()).containsExactly(0x20);
                for (TtlvItem answer : answers) {
                    assertThat(failedWith(answer)).isEqualTo(ResultReason.ITEM_NOT_FOUND.value());
                }
            }
        }
    }

    /** Veeam Backup & Replication 12 at KMIP 1.4 (client-profiles.md, "Others", Veeam; rules 5, 11). */
    @Nested
    class Veeam {
        /**
         * Create Key Pair RSA-2048 (response: Private then Public Key Unique Identifier) -> Locate by Name ->
         * Get of the public key as PKCS#1, X.509 and Transparent RSA Public Key, each with the format asked
         * for and no attributes inside the Key Value; Get of the private key in its default format, likewise
         * -> Activate -> Destroy (after Revoke); Locate then finds nothing. The connections
         * share one TLS client context so that the second one resumes the first one's TLS 1.2 session.
         * Profile: client-profiles.md, "Others", Veeam; rules 5, 11 (session resumption).
         */
        @Test
        void rsaKeyPairConversation() throws Exception {
            DevPki.Layout pki = new DevPki.Layout(server.directory());
            SSLContext context = KmipTestClient.sslContext(pki.clientP12(1), pki.ca());
            String[] tls12 = {"TLSv1.2"};
            String name = "veeam-" + System.nanoTime();
            String privateUid;
            String publicUid;
            byte[] firstSession;
            try (KmipTestClient c = KmipTestClient.connect(server.port(), context, tls12, null)) {
                firstSession = c.socket().getSession().getId();
                TtlvItem p = ok(c, V14, Operation.CREATE_KEY_PAIR,
                        TtlvItem.structure(Tag.COMMON_TEMPLATE_ATTRIBUTE,
                                enumAttribute("Cryptographic Algorithm", CryptographicAlgorithm.RSA.value()),
                                intAttribute("Cryptographic Length", 2048)),
                        TtlvItem.structure(Tag.PRIVATE_KEY_TEMPLATE_ATTRIBUTE, nameAttribute(name),
                                intAttribute("Cryptographic Usage Mask", 0x08)),
                        TtlvItem.structure(Tag.PUBLIC_KEY_TEMPLATE_ATTRIBUTE, nameAttribute(name + "-public"),
                                intAttribute("Cryptographic Usage Mask", 0x04)));
                assertThat(names(p).subList(0, 2)).containsExactly("Private Key Unique Identifier", "Public Key Unique Identifier");
                privateUid = text(p, Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER);
                publicUid = text(p, Tag.PUBLIC_KEY_UNIQUE_IDENTIFIER);
            }
            try (KmipTestClient c = KmipTestClient.connect(server.port(), context, tls12, null)) {
                assertThat(c.socket().getSession().getId()).as("TLS session resumed").isEqualTo(firstSession);
                TtlvItem located = ok(c, V14, Operation.LOCATE, nameAttribute(name));
                assertThat(located.childrenWith(Tag.UNIQUE_IDENTIFIER)).extracting(TtlvItem::textValue).containsExactly(privateUid);

                RSAPublicKey x509 = null;
                for (KeyFormatType format : List.of(KeyFormatType.PKCS_1, KeyFormatType.X_509, KeyFormatType.TRANSPARENT_RSA_PUBLIC_KEY)) {
                    TtlvItem p = ok(c, V14, Operation.GET, uid(publicUid),
                            TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, format.value()));
                    assertThat(names(p)).containsExactly("Object Type", "Unique Identifier", "Public Key");
                    TtlvItem block = get(get(p, Tag.PUBLIC_KEY), Tag.KEY_BLOCK);
                    assertThat(names(block)).containsExactly("Key Format Type", "Key Value", "Cryptographic Algorithm",
                            "Cryptographic Length");
                    assertThat(get(block, Tag.KEY_FORMAT_TYPE).enumValue()).as("format asked for").isEqualTo(format.value());
                    assertThat(get(block, Tag.CRYPTOGRAPHIC_LENGTH).intValue()).isEqualTo(2048);
                    TtlvItem keyValue = get(block, Tag.KEY_VALUE);
                    assertThat(names(keyValue)).as("no attributes inside Key Value").containsExactly("Key Material");
                    TtlvItem material = get(keyValue, Tag.KEY_MATERIAL);
                    if (format == KeyFormatType.X_509) {
                        x509 = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(material.bytesValue()));
                        assertThat(x509.getModulus().bitLength()).isEqualTo(2048);
                    } else if (format == KeyFormatType.TRANSPARENT_RSA_PUBLIC_KEY) {
                        assertThat(names(material)).containsExactly("Modulus", "Public Exponent");
                        assertThat(get(material, Tag.MODULUS).bigIntegerValue()).isEqualTo(x509.getModulus());
                        assertThat(get(material, Tag.PUBLIC_EXPONENT).bigIntegerValue()).isEqualTo(x509.getPublicExponent());
                    } else {
                        assertThat(material.bytesValue()[0]).as("PKCS#1 RSAPublicKey is a DER SEQUENCE").isEqualTo((byte) 0x30);
                    }
                }
                TtlvItem priv = ok(c, V14, Operation.GET, uid(privateUid));
                assertThat(names(priv)).containsExactly("Object Type", "Unique Identifier", "Private Key");
                TtlvItem privBlock = get(get(priv, Tag.PRIVATE_KEY), Tag.KEY_BLOCK);
                assertThat(get(privBlock, Tag.KEY_FORMAT_TYPE).enumValue()).as("default format of an RSA private key")
                        .isIn(KeyFormatType.PKCS_1.value(), KeyFormatType.PKCS_8.value());
                assertThat(names(get(privBlock, Tag.KEY_VALUE))).as("no attributes inside Key Value").containsExactly("Key Material");
                activate(c, V14, privateUid);
                assertThat(state(c, V14, privateUid)).isEqualTo(State.ACTIVE.value());
                ok(c, V14, Operation.REVOKE, uid(privateUid), revocationReason(RevocationReasonCode.CESSATION_OF_OPERATION, null));
                TtlvItem destroyed = ok(c, V14, Operation.DESTROY, uid(privateUid));
                assertThat(names(destroyed)).containsExactly("Unique Identifier");
                TtlvItem again = ok(c, V14, Operation.LOCATE, nameAttribute(name));
                assertThat(again.childrenWith(Tag.UNIQUE_IDENTIFIER)).isEmpty();
            }
        }
    }

    /** Synology DSM 7 at KMIP 1.2 (client-profiles.md, "Others", Synology; matrix row Synology). */
    @Nested
    class Synology {
        /**
         * Discover Versions -> Query (every 1.2 query function; the answer holds nothing newer than 1.2) ->
         * Register Secret Data (32 bytes, Opaque) with a Name -> Locate by Name
         * -> Get -> Get Attributes -> Modify Attribute (Name) -> Activate -> Revoke -> Destroy, on one
         * connection, with Activation and Deactivation Dates set as the states change.
         * Profile: client-profiles.md, "Others", Synology; matrix row Synology.
         */
        @Test
        void volumeKeyConversation() throws Exception {
            String name = "synology-volume-" + System.nanoTime();
            byte[] secret = random(32);
            try (KmipTestClient c = connect()) {
                TtlvItem versions = ok(c, V12, Operation.DISCOVER_VERSIONS);
                assertThat(versions.childrenWith(Tag.PROTOCOL_VERSION)).isNotEmpty();
                List<TtlvItem> functions = new ArrayList<>();
                for (QueryFunction f : List.of(QueryFunction.QUERY_OPERATIONS, QueryFunction.QUERY_OBJECTS,
                        QueryFunction.QUERY_SERVER_INFORMATION, QueryFunction.QUERY_APPLICATION_NAMESPACES,
                        QueryFunction.QUERY_EXTENSION_LIST, QueryFunction.QUERY_EXTENSION_MAP,
                        QueryFunction.QUERY_ATTESTATION_TYPES)) {
                    functions.add(TtlvItem.enumeration(Tag.QUERY_FUNCTION, f.value()));
                }
                TtlvItem query = ok(c, V12, Operation.QUERY, functions.toArray(TtlvItem[]::new));
                List<Integer> operations = query.childrenWith(Tag.OPERATION).stream().map(TtlvItem::enumValue).toList();
                for (Operation op : List.of(Operation.REGISTER, Operation.LOCATE, Operation.GET, Operation.GET_ATTRIBUTES,
                        Operation.MODIFY_ATTRIBUTE, Operation.ACTIVATE, Operation.REVOKE, Operation.DESTROY)) {
                    assertThat(operations).as("Query lists %s", op.specName()).contains(op.value());
                }
                assertThat(query.childrenWith(Tag.OBJECT_TYPE).stream().map(TtlvItem::enumValue).toList())
                        .contains(ObjectType.SECRET_DATA.value());

                String uid = register(c, V12, objectType(ObjectType.SECRET_DATA), templateAttribute(nameAttribute(name),
                                intAttribute("Cryptographic Usage Mask", 0)),
                        TtlvItem.structure(Tag.SECRET_DATA, TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, SecretDataType.PASSWORD.value()),
                                keyBlock(KeyFormatType.OPAQUE.value(), secret, null, null)));
                TtlvItem located = ok(c, V12, Operation.LOCATE, nameAttribute(name));
                assertThat(names(located)).containsOnly("Unique Identifier");
                assertThat(located.children()).extracting(TtlvItem::textValue).containsExactly(uid);
                TtlvItem got = ok(c, V12, Operation.GET, uid(uid));
                assertThat(names(got)).containsExactly("Object Type", "Unique Identifier", "Secret Data");
                assertThat(get(get(get(get(got, Tag.SECRET_DATA), Tag.KEY_BLOCK), Tag.KEY_VALUE), Tag.KEY_MATERIAL).bytesValue())
                        .isEqualTo(secret);
                TtlvItem all = ok(c, V12, Operation.GET_ATTRIBUTES, uid(uid));
                List<String> attributeNames = attributes(all).stream().map(ClientWire::attributeName).toList();
                assertThat(attributeNames).contains("Object Type", "Name", "State", "Initial Date");

                TtlvItem modified = ok(c, V12, Operation.MODIFY_ATTRIBUTE, uid(uid), nameAttribute(name + "-renamed"));
                assertThat(names(modified)).containsExactly("Unique Identifier", "Attribute");
                assertThat(text(attributeValue(get(modified, Tag.ATTRIBUTE)), Tag.NAME_VALUE)).isEqualTo(name + "-renamed");
                assertThat(ok(c, V12, Operation.LOCATE, nameAttribute(name + "-renamed")).children())
                        .extracting(TtlvItem::textValue).containsExactly(uid);

                activate(c, V12, uid);
                assertThat(state(c, V12, uid)).isEqualTo(State.ACTIVE.value());
                assertThat(date(c, V12, uid, "Activation Date")).isNotNull();
                ok(c, V12, Operation.REVOKE, uid(uid), revocationReason(RevocationReasonCode.CESSATION_OF_OPERATION, null));
                assertThat(state(c, V12, uid)).isEqualTo(State.DEACTIVATED.value());
                assertThat(date(c, V12, uid, "Deactivation Date")).isNotNull();
                ok(c, V12, Operation.DESTROY, uid(uid));
                assertThat(ok(c, V12, Operation.LOCATE, nameAttribute(name + "-renamed")).children()).isEmpty();
            }
        }
    }

    /** OpenBao's KMIP seal, 1.2 to 1.4 negotiated (client-profiles.md, "Others", OpenBao; rule 1). */
    @Nested
    class OpenBaoSeal {
        /**
         * Discover Versions([1.4, 1.3, 1.2]), asked at 1.4 or 1.2, returns only versions of that list, 1.4
         * first; at 1.4, Get
         * Attributes with four names returns those four; Encrypt with AES-GCM and a client IV returns the
         * data and the Authenticated Encryption Tag (checked by decrypting locally); Decrypt with the tag
         * returns the plaintext, and with a wrong tag fails with a Result Reason and Message.
         * Profile: client-profiles.md, "Others", OpenBao's KMIP seal; rule 1.
         */
        @Test
        void sealWrapAndUnwrap() throws Exception {
            String uid;
            byte[] key;
            try (KmipTestClient admin = connect()) {
                uid = createMongoKey(admin, V14);
                key = getRawKey(admin, V14, uid, 256);
                activate(admin, V14, uid);
            }
            try (KmipTestClient c = connect()) {
                TtlvItem asked14 = ok(c, V14, Operation.DISCOVER_VERSIONS, version(V14), version(KmipVersion.V1_3), version(V12));
                assertThat(asked14.children()).containsExactly(version(V14), version(KmipVersion.V1_3), version(V12));
                TtlvItem p = ok(c, V12, Operation.DISCOVER_VERSIONS, version(V14), version(KmipVersion.V1_3), version(V12));
                List<KmipVersion> offered = new ArrayList<>();
                for (TtlvItem pv : p.childrenWith(Tag.PROTOCOL_VERSION)) {
                    offered.add(new KmipVersion(pv.children().get(0).intValue(), pv.children().get(1).intValue()));
                }
                assertThat(names(p)).containsOnly("Protocol Version");
                assertThat(offered).as("only versions from the client's list").isNotEmpty()
                        .isSubsetOf(V14, KmipVersion.V1_3, V12);
                assertThat(offered.get(0)).isEqualTo(V14);
                KmipVersion v = offered.get(0);

                TtlvItem attrs = ok(c, v, Operation.GET_ATTRIBUTES, uid(uid),
                        TtlvItem.text(Tag.ATTRIBUTE_NAME, "Cryptographic Algorithm"),
                        TtlvItem.text(Tag.ATTRIBUTE_NAME, "Cryptographic Length"),
                        TtlvItem.text(Tag.ATTRIBUTE_NAME, "Cryptographic Usage Mask"),
                        TtlvItem.text(Tag.ATTRIBUTE_NAME, "State"));
                assertThat(attributes(attrs).stream().map(ClientWire::attributeName).toList())
                        .containsExactlyInAnyOrder("Cryptographic Algorithm", "Cryptographic Length", "Cryptographic Usage Mask", "State");
                assertThat(attributes(attrs)).hasSize(4);

                byte[] iv = random(12);
                byte[] plaintext = random(32);
                byte[] aad = "openbao-seal".getBytes(StandardCharsets.US_ASCII);
                TtlvItem gcm = TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                        TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, BlockCipherMode.GCM.value()),
                        TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, AES),
                        TtlvItem.integer(Tag.TAG_LENGTH, 16));
                TtlvItem enc = ok(c, v, Operation.ENCRYPT, uid(uid), gcm, TtlvItem.bytes(Tag.DATA, plaintext),
                        TtlvItem.bytes(Tag.IV_COUNTER_NONCE, iv), TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA, aad));
                assertThat(names(enc)).containsExactly("Unique Identifier", "Data", "Authenticated Encryption Tag");
                byte[] data = get(enc, Tag.DATA).bytesValue();
                byte[] tag = get(enc, Tag.AUTHENTICATED_ENCRYPTION_TAG).bytesValue();
                assertThat(data).hasSize(32);
                assertThat(tag).hasSize(16);
                Cipher local = Cipher.getInstance("AES/GCM/NoPadding");
                local.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
                local.updateAAD(aad);
                byte[] joined = new byte[48];
                System.arraycopy(data, 0, joined, 0, 32);
                System.arraycopy(tag, 0, joined, 32, 16);
                assertThat(local.doFinal(joined)).isEqualTo(plaintext);

                TtlvItem dec = ok(c, v, Operation.DECRYPT, uid(uid), gcm, TtlvItem.bytes(Tag.DATA, data),
                        TtlvItem.bytes(Tag.IV_COUNTER_NONCE, iv), TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA, aad),
                        TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_TAG, tag));
                assertThat(names(dec)).containsExactly("Unique Identifier", "Data");
                assertThat(get(dec, Tag.DATA).bytesValue()).isEqualTo(plaintext);
                byte[] wrong = tag.clone();
                wrong[0] ^= 1;
                assertThat(failedWith(call(c, v, Operation.DECRYPT, uid(uid), gcm, TtlvItem.bytes(Tag.DATA, data),
                        TtlvItem.bytes(Tag.IV_COUNTER_NONCE, iv), TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA, aad),
                        TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_TAG, wrong)))).as("a wrong tag")
                        .isEqualTo(ResultReason.CRYPTOGRAPHIC_FAILURE.value());
            }
        }
    }

    /** PyKMIP's ProxyKmipClient (client-profiles.md, "Others", PyKMIP; rules 1, 2, 12). */
    @Nested
    class PyKmip {
        private TtlvItem credential(String username, String password) {
            return TtlvItem.structure(Tag.AUTHENTICATION, TtlvItem.structure(Tag.CREDENTIAL,
                    TtlvItem.enumeration(Tag.CREDENTIAL_TYPE, CredentialType.USERNAME_AND_PASSWORD.value()),
                    TtlvItem.structure(Tag.CREDENTIAL_VALUE, TtlvItem.text(Tag.USERNAME, username),
                            TtlvItem.text(Tag.PASSWORD, password))));
        }

        private TtlvItem create() {
            return item(Operation.CREATE, objectType(ObjectType.SYMMETRIC_KEY), templateAttribute(
                    enumAttribute("Cryptographic Algorithm", AES), intAttribute("Cryptographic Length", 256),
                    intAttribute("Cryptographic Usage Mask", 12)));
        }

        /**
         * KMIP 1.2 on one kept-open connection with no Discover Versions or Query first: Create -> Get ->
         * Destroy, answered at 1.2 with no Server Correlation Value and a Time Stamp. The identity is the
         * certificate's CN (client1), so client2 cannot see the key.
         * Profile: client-profiles.md, "Others", PyKMIP; rules 1, 2, 11 (no SNI: the client dials an IP address).
         */
        @Test
        void certificateIdentity() throws Exception {
            try (KmipTestClient c = connect(); KmipTestClient other = server.client("client2")) {
                String uid = text(succeeded(send(c, V12, null, create()).get(0)), Tag.UNIQUE_IDENTIFIER);
                getRawKey(c, V12, uid, 256);
                assertThat(failedWith(call(other, V12, Operation.GET, uid(uid)))).as("another certificate's key")
                        .isIn(ResultReason.ITEM_NOT_FOUND.value(), ResultReason.PERMISSION_DENIED.value());
                TtlvItem destroyed = ok(c, V12, Operation.DESTROY, uid(uid));
                assertThat(names(destroyed)).containsExactly("Unique Identifier");
            }
        }

        /**
         * With the optional Username and Password credential in every request header, the user, not the
         * certificate, owns and reads the key.
         * Profile: client-profiles.md, "Others", PyKMIP; rule 12.
         */
        @Test
        void usernameAndPasswordCredential() throws Exception {
            TtlvItem user = credential("pykmip-user", "pykmip-password");
            try (KmipTestClient c = connect()) {
                String uid = text(succeeded(send(c, V12, user, create()).get(0)), Tag.UNIQUE_IDENTIFIER);
                TtlvItem got = succeeded(send(c, V12, user, item(Operation.GET, uid(uid))).get(0));
                assertThat(text(got, Tag.UNIQUE_IDENTIFIER)).isEqualTo(uid);
                assertThat(failedWith(call(c, V12, Operation.GET, uid(uid)))).as("the certificate alone does not own it")
                        .isIn(ResultReason.ITEM_NOT_FOUND.value(), ResultReason.PERMISSION_DENIED.value());
            }
        }
    }
}
