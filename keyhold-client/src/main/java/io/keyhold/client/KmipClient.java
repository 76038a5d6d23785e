package io.keyhold.client;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.message.MessageEncoder;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.AdjustmentType;
import io.keyhold.protocol.spec.CancellationResult;
import io.keyhold.protocol.spec.CertificateType;
import io.keyhold.protocol.spec.CredentialType;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.DerivationMethod;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ProcessingStage;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.RevocationReasonCode;
import io.keyhold.protocol.spec.SecretDataType;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.SplitKeyMethod;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.spec.ValidityIndicator;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A KMIP client: typed calls for the KMIP operations, each sent as a one-item Request Message in binary TTLV
 * over mutual TLS, in the protocol version given or negotiated with Discover Versions. Thread-safe: any
 * number of threads may call one client, which keeps a pool of connections per server (one request at a
 * time on each).
 *
 * <p>With several servers a request goes to the first one that is up ({@link ServerSelection#IN_ORDER}) or
 * to each in turn ({@link ServerSelection#ROUND_ROBIN}); a server that cannot be connected to is marked down
 * for {@link Builder#downBackoff(Duration)} and the next one tried, whatever the operation, since nothing
 * was sent. A request whose connection fails once sent is repeated (up to {@link Builder#retries(int)}
 * times, on the next server) only when its operation only reads (Get, Get Attributes, Get Attribute List,
 * Locate, Query, Discover Versions, Encrypt, Decrypt, Sign, Signature Verify, MAC, MAC Verify, Hash, RNG
 * Retrieve, Validate, Ping); others fail with a {@link KmipTransportException} whose
 * {@link KmipTransportException#mayHaveExecuted()} is true. A KMIP error response is never repeated: it
 * becomes a {@link KmipClientException} with the server's Result Reason and Result Message. A request
 * without an answer within the request timeout fails with a {@link KmipTimeoutException}.
 *
 * <pre>{@code
 * try (KmipClient kmip = KmipClient.builder()
 *         .servers("kms1.example.com:5696", "kms2.example.com:5696")
 *         .tls(ClientTls.fromDirectory(Path.of("certs")))
 *         .build()) {
 *     String id = kmip.create(SymmetricKeySpec.aes(256).withName("orders"));
 *     kmip.activate(id);
 *     EncryptResult sealed = kmip.encrypt(id, data, CryptoParameters.aesGcm());
 * }
 * }</pre>
 */
public final class KmipClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KmipClient.class);
    private static final SpecTable TABLE = SpecTable.get();

    /** Operations that change nothing on the server, and so may be sent again after a broken connection. */
    public static final Set<Operation> READ_ONLY_OPERATIONS = Set.copyOf(EnumSet.of(Operation.GET, Operation.GET_ATTRIBUTES,
            Operation.GET_ATTRIBUTE_LIST, Operation.LOCATE, Operation.QUERY, Operation.DISCOVER_VERSIONS, Operation.ENCRYPT,
            Operation.DECRYPT, Operation.SIGN, Operation.SIGNATURE_VERIFY, Operation.MAC, Operation.MAC_VERIFY, Operation.HASH,
            Operation.RNG_RETRIEVE, Operation.VALIDATE, Operation.PING));

    /** The version Discover Versions is sent in while negotiating (every server from 1.1 on reads it). */
    private static final KmipVersion NEGOTIATION_VERSION = KmipVersion.V1_2;

    private final List<ServerPool> pools;
    private final ServerSelection selection;
    private final long requestTimeoutNanos;
    private final long downBackoffNanos;
    private final int retries;
    private final TtlvItem authentication;
    private final MessageEncoder encoder = new MessageEncoder();
    private final AtomicInteger nextServer = new AtomicInteger();
    private final Object negotiation = new Object();
    private volatile KmipVersion version;
    private volatile boolean closed;

    private KmipClient(Builder b) {
        this.selection = b.selection;
        this.requestTimeoutNanos = b.requestTimeout.toNanos();
        this.downBackoffNanos = b.downBackoff.toNanos();
        this.retries = b.retries;
        this.version = b.version;
        this.authentication = b.username == null ? null : TtlvItem.structure(Tag.AUTHENTICATION,
                TtlvItem.structure(Tag.CREDENTIAL,
                        TtlvItem.enumeration(Tag.CREDENTIAL_TYPE, CredentialType.USERNAME_AND_PASSWORD.value()),
                        TtlvItem.structure(Tag.CREDENTIAL_VALUE,
                                TtlvItem.text(Tag.USERNAME, b.username),
                                TtlvItem.text(Tag.PASSWORD, new String(b.password)))));
        int connectMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, b.connectTimeout.toMillis()));
        List<ServerPool> p = new ArrayList<>();
        for (ServerAddress a : b.servers) {
            p.add(new ServerPool(a, b.tls, connectMillis, b.maxConnectionsPerServer, b.maxResponseBytes));
        }
        this.pools = List.copyOf(p);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The protocol version requests are sent in: the one configured, or the highest both sides support,
     * asked of the server with Discover Versions on first use.
     */
    public KmipVersion version() throws KmipClientException, KmipTransportException {
        KmipVersion v = version;
        if (v != null) {
            return v;
        }
        synchronized (negotiation) {
            if (version == null) {
                version = negotiate();
                LOG.debug("negotiated KMIP {}", version);
            }
            return version;
        }
    }

    private KmipVersion negotiate() throws KmipClientException, KmipTransportException {
        List<KmipVersion> ours = new ArrayList<>(KmipVersion.KNOWN);
        ours.sort(Comparator.reverseOrder());
        List<KmipVersion> theirs;
        try {
            theirs = discoverVersions(NEGOTIATION_VERSION, ours);
        } catch (KmipClientException e) {
            // a server that refuses the 1.x header may still answer in the newest version
            LOG.debug("Discover Versions in KMIP {} refused ({}); asking in KMIP {}", NEGOTIATION_VERSION, e.getMessage(),
                    KmipVersion.V2_1);
            try {
                theirs = discoverVersions(KmipVersion.V2_1, ours);
            } catch (KmipClientException again) {
                e.addSuppressed(again);
                throw e;
            }
        }
        List<KmipVersion> answered = theirs;
        return answered.stream().filter(KmipVersion::isKnown).max(Comparator.naturalOrder())
                .orElseThrow(() -> new KmipTransportException("the server supports none of KMIP " + ours
                        + " (it answered " + answered + ")", false, null));
    }

    /** The servers, in the order given. */
    public List<ServerAddress> servers() {
        return pools.stream().map(ServerPool::address).toList();
    }

    // ---------------------------------------------------------------------------------------------------
    // Object creation

    /** Create of a Symmetric Key; returns its Unique Identifier. */
    public String create(SymmetricKeySpec spec) throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        TtlvItem r = call(v, Operation.CREATE, payload(
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                attributes(v, spec.allAttributes(), Tag.TEMPLATE_ATTRIBUTE, Tag.ATTRIBUTES)));
        return text(r, Tag.UNIQUE_IDENTIFIER);
    }

    /** Create Key Pair; returns the Unique Identifiers of the private and the public key. */
    public KeyPair createKeyPair(KeyPairSpec spec) throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        TtlvItem r = call(v, Operation.CREATE_KEY_PAIR, payload(
                attributes(v, spec.common(), Tag.COMMON_TEMPLATE_ATTRIBUTE, Tag.COMMON_ATTRIBUTES),
                attributes(v, spec.privateKey(), Tag.PRIVATE_KEY_TEMPLATE_ATTRIBUTE, Tag.PRIVATE_KEY_ATTRIBUTES),
                attributes(v, spec.publicKey(), Tag.PUBLIC_KEY_TEMPLATE_ATTRIBUTE, Tag.PUBLIC_KEY_ATTRIBUTES)));
        return new KeyPair(text(r, Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER), text(r, Tag.PUBLIC_KEY_UNIQUE_IDENTIFIER));
    }

    /**
     * Register of a Symmetric Key given as Raw key material; its Cryptographic Length is the material's.
     * The attributes usually include a Cryptographic Usage Mask.
     */
    public String registerSymmetricKey(CryptographicAlgorithm algorithm, byte[] key, List<KmipAttribute> attributes)
            throws KmipClientException, KmipTransportException {
        TtlvItem object = TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, key)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, key.length * 8)));
        return register(ObjectType.SYMMETRIC_KEY, object, attributes);
    }

    /** Register of Secret Data (a password, a seed) given as Opaque key material. */
    public String registerSecretData(SecretDataType type, byte[] data, List<KmipAttribute> attributes)
            throws KmipClientException, KmipTransportException {
        TtlvItem object = TtlvItem.structure(Tag.SECRET_DATA,
                TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, type.value()),
                TtlvItem.structure(Tag.KEY_BLOCK,
                        TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.OPAQUE.value()),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, data))));
        return register(ObjectType.SECRET_DATA, object, attributes);
    }

    /** Register of an X.509 Certificate given in DER. */
    public String registerCertificate(byte[] der, List<KmipAttribute> attributes)
            throws KmipClientException, KmipTransportException {
        TtlvItem object = TtlvItem.structure(Tag.CERTIFICATE,
                TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, CertificateType.X_509.value()),
                TtlvItem.bytes(Tag.CERTIFICATE_VALUE, der));
        return register(ObjectType.CERTIFICATE, object, attributes);
    }

    /** Opaque Data Type of the Opaque Objects this client registers: the first extension value. */
    public static final int OPAQUE_DATA_TYPE_UNSPECIFIED = 0x80000000;

    /** Register of an Opaque Object (Opaque Data Type {@link #OPAQUE_DATA_TYPE_UNSPECIFIED}). */
    public String registerOpaque(byte[] data, List<KmipAttribute> attributes)
            throws KmipClientException, KmipTransportException {
        TtlvItem object = TtlvItem.structure(Tag.OPAQUE_OBJECT,
                TtlvItem.enumeration(Tag.OPAQUE_DATA_TYPE, OPAQUE_DATA_TYPE_UNSPECIFIED),
                TtlvItem.bytes(Tag.OPAQUE_DATA_VALUE, data));
        return register(ObjectType.OPAQUE_OBJECT, object, attributes);
    }

    /** Register of any object structure (Symmetric Key, Private Key, Certificate, ...) of the given type. */
    public String register(ObjectType type, TtlvItem object, List<KmipAttribute> attributes)
            throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        TtlvItem r = call(v, Operation.REGISTER, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, type.value()),
                attributes(v, attributes, Tag.TEMPLATE_ATTRIBUTE, Tag.ATTRIBUTES), object));
        return text(r, Tag.UNIQUE_IDENTIFIER);
    }

    // ---------------------------------------------------------------------------------------------------
    // Reading objects and attributes

    /** Get of the object in the server's default format. */
    public ManagedObject get(String uid) throws KmipClientException, KmipTransportException {
        return get(uid, null);
    }

    /** Get of the object in the given Key Format Type (null: the server's default). */
    public ManagedObject get(String uid, KeyFormatType format) throws KmipClientException, KmipTransportException {
        List<TtlvItem> c = new ArrayList<>(List.of(uidItem(uid)));
        if (format != null) {
            c.add(TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, format.value()));
        }
        TtlvItem r = call(version(), Operation.GET, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c));
        int typeValue = required(r, Tag.OBJECT_TYPE).enumValue();
        ObjectType type = ObjectType.fromValue(typeValue).orElseThrow(() -> malformed(Operation.GET,
                String.format("unknown Object Type 0x%08X", typeValue)));
        TtlvItem object = r.children().stream().filter(i -> i.tag() != Tag.OBJECT_TYPE && i.tag() != Tag.UNIQUE_IDENTIFIER)
                .findFirst().orElseThrow(() -> malformed(Operation.GET, "no object in the response"));
        return ManagedObject.from(text(r, Tag.UNIQUE_IDENTIFIER), type, object);
    }

    /**
     * Get Attributes: the named attributes (spec names such as "State" or "Cryptographic Length", or custom
     * "x-..." names), or all of them when no name is given.
     */
    public List<KmipAttribute> getAttributes(String uid, String... names) throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        List<TtlvItem> c = new ArrayList<>(List.of(uidItem(uid)));
        for (String n : names) {
            c.add(v.isTwoOrLater() ? attributeReference(n) : TtlvItem.text(Tag.ATTRIBUTE_NAME, n));
        }
        TtlvItem r = call(v, Operation.GET_ATTRIBUTES, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c));
        try {
            if (v.isTwoOrLater()) {
                Optional<TtlvItem> a = r.child(Tag.ATTRIBUTES);
                return a.isPresent() ? AttributeMapping.fromAttributes(a.get()) : List.of();
            }
            List<KmipAttribute> out = new ArrayList<>();
            for (TtlvItem a : r.childrenWith(Tag.ATTRIBUTE)) {
                out.add(AttributeMapping.fromAttribute(a));
            }
            return out;
        } catch (KmipException e) {
            throw malformed(Operation.GET_ATTRIBUTES, e.getMessage());
        }
    }

    /** Get Attribute List: the names of the object's attributes. */
    public List<String> getAttributeList(String uid) throws KmipClientException, KmipTransportException {
        TtlvItem r = call(version(), Operation.GET_ATTRIBUTE_LIST, payload(uidItem(uid)));
        List<String> out = new ArrayList<>();
        for (TtlvItem i : r.children()) {
            if (i.tag() == Tag.ATTRIBUTE_NAME) {
                out.add(i.textValue());
            } else if (i.tag() == Tag.ATTRIBUTE_REFERENCE) {
                if (i.type() == ItemType.ENUMERATION) {
                    out.add(TABLE.tag(i.enumValue()).map(TagDefinition::name).orElse(String.format("0x%06X", i.enumValue())));
                } else if (i.isStructure()) {
                    out.add(i.child(Tag.VENDOR_IDENTIFICATION).map(TtlvItem::textValue).orElse("?") + "-"
                            + i.child(Tag.ATTRIBUTE_NAME).map(TtlvItem::textValue).orElse("?"));
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------
    // Changing attributes

    /** Add Attribute (1.x Attribute; 2.x New Attribute). */
    public void addAttribute(String uid, KmipAttribute attribute) throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        TtlvItem a = v.isTwoOrLater() ? TtlvItem.structure(Tag.NEW_ATTRIBUTE, AttributeMapping.toAttributeItem(attribute))
                : AttributeMapping.toAttribute(new KmipAttribute(attribute.name(), 0, attribute.value()));
        call(v, Operation.ADD_ATTRIBUTE, payload(uidItem(uid), a));
    }

    /**
     * Modify Attribute: gives the attribute of this name the new value. When the object has several
     * instances, {@link KmipAttribute#index()} picks one: sent as the Attribute Index in 1.x; in 2.x the
     * instance at that position is read first and sent as the Current Attribute.
     */
    public void modifyAttribute(String uid, KmipAttribute newValue) throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        if (!v.isTwoOrLater()) {
            call(v, Operation.MODIFY_ATTRIBUTE, payload(uidItem(uid), AttributeMapping.toAttribute(newValue)));
            return;
        }
        List<TtlvItem> c = new ArrayList<>(List.of(uidItem(uid)));
        if (newValue.index() > 0) {
            c.add(TtlvItem.structure(Tag.CURRENT_ATTRIBUTE, AttributeMapping.toAttributeItem(instance(uid, newValue.name(),
                    newValue.index()))));
        }
        c.add(TtlvItem.structure(Tag.NEW_ATTRIBUTE, AttributeMapping.toAttributeItem(
                new KmipAttribute(newValue.name(), 0, newValue.value()))));
        call(v, Operation.MODIFY_ATTRIBUTE, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c));
    }

    /** Delete Attribute of the first (or only) instance of the named attribute. */
    public void deleteAttribute(String uid, String name) throws KmipClientException, KmipTransportException {
        deleteAttribute(uid, name, 0);
    }

    /**
     * Delete Attribute of the instance at this index: 1.x Attribute Name and Index; 2.x Attribute
     * Reference, or for an index above 0 the instance read first and sent as the Current Attribute.
     */
    public void deleteAttribute(String uid, String name, int index) throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        List<TtlvItem> c = new ArrayList<>(List.of(uidItem(uid)));
        if (!v.isTwoOrLater()) {
            c.add(TtlvItem.text(Tag.ATTRIBUTE_NAME, name));
            if (index > 0) {
                c.add(TtlvItem.integer(Tag.ATTRIBUTE_INDEX, index));
            }
        } else if (index > 0) {
            c.add(TtlvItem.structure(Tag.CURRENT_ATTRIBUTE, AttributeMapping.toAttributeItem(instance(uid, name, index))));
        } else {
            c.add(attributeReference(name));
        }
        call(v, Operation.DELETE_ATTRIBUTE, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c));
    }

    private KmipAttribute instance(String uid, String name, int index) throws KmipClientException, KmipTransportException {
        List<KmipAttribute> all = getAttributes(uid, name);
        if (index >= all.size()) {
            throw new IllegalArgumentException("object " + uid + " has " + all.size() + " " + name + " attribute"
                    + (all.size() == 1 ? "" : "s") + ", no index " + index);
        }
        return all.get(index);
    }

    // ---------------------------------------------------------------------------------------------------
    // Locate and lifecycle

    /** Locate: the Unique Identifiers of the objects matching the query. */
    public List<String> locate(LocateQuery query) throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        List<TtlvItem> c = new ArrayList<>();
        if (query.maxItems() != null) {
            c.add(TtlvItem.integer(Tag.MAXIMUM_ITEMS, query.maxItems()));
        }
        if (query.offset() != null) {
            if (!v.isAtLeast(KmipVersion.V1_3)) {
                throw new IllegalArgumentException("Locate with an offset needs KMIP 1.3 or later (the client speaks " + v + ")");
            }
            c.add(TtlvItem.integer(Tag.OFFSET_ITEMS, query.offset()));
        }
        if (v.isTwoOrLater()) {
            c.add(AttributeMapping.toAttributes(Tag.ATTRIBUTES, query.attributes()));
        } else {
            for (KmipAttribute a : query.attributes()) {
                c.add(AttributeMapping.toAttribute(a));
            }
        }
        TtlvItem r = call(v, Operation.LOCATE, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c));
        return r.childrenWith(Tag.UNIQUE_IDENTIFIER).stream().map(TtlvItem::textValue).toList();
    }

    /** Activate. */
    public void activate(String uid) throws KmipClientException, KmipTransportException {
        call(version(), Operation.ACTIVATE, payload(uidItem(uid)));
    }

    /** Revoke with a Revocation Reason code and an optional Revocation Message (null for none). */
    public void revoke(String uid, RevocationReasonCode reason, String message) throws KmipClientException, KmipTransportException {
        List<TtlvItem> r = new ArrayList<>(List.of(TtlvItem.enumeration(Tag.REVOCATION_REASON_CODE, reason.value())));
        if (message != null) {
            r.add(TtlvItem.text(Tag.REVOCATION_MESSAGE, message));
        }
        call(version(), Operation.REVOKE, payload(uidItem(uid), TtlvItem.structure(Tag.REVOCATION_REASON, r)));
    }

    /** Destroy. */
    public void destroy(String uid) throws KmipClientException, KmipTransportException {
        call(version(), Operation.DESTROY, payload(uidItem(uid)));
    }

    /** Archive. */
    public void archive(String uid) throws KmipClientException, KmipTransportException {
        call(version(), Operation.ARCHIVE, payload(uidItem(uid)));
    }

    /** Recover (of an archived object). */
    public void recover(String uid) throws KmipClientException, KmipTransportException {
        call(version(), Operation.RECOVER, payload(uidItem(uid)));
    }

    /** Re-key of a Symmetric Key; returns the new key's Unique Identifier. */
    public String reKey(String uid) throws KmipClientException, KmipTransportException {
        return text(call(version(), Operation.RE_KEY, payload(uidItem(uid))), Tag.UNIQUE_IDENTIFIER);
    }

    /** Re-key Key Pair of the pair of this private key; returns the new pair. */
    public KeyPair reKeyKeyPair(String privateKeyUid) throws KmipClientException, KmipTransportException {
        TtlvItem r = call(version(), Operation.RE_KEY_KEY_PAIR,
                payload(TtlvItem.text(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER, privateKeyUid)));
        return new KeyPair(text(r, Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER), text(r, Tag.PUBLIC_KEY_UNIQUE_IDENTIFIER));
    }

    // ---------------------------------------------------------------------------------------------------
    // Cryptographic operations

    /** Encrypt with the key's parameters or the given ones; the server picks the IV when one is needed. */
    public EncryptResult encrypt(String uid, byte[] data, CryptoParameters parameters)
            throws KmipClientException, KmipTransportException {
        return encrypt(uid, data, parameters, null, null);
    }

    /**
     * Encrypt with the given IV/Counter/Nonce (null: the server picks one) and Authenticated Encryption
     * Additional Data (null: none).
     */
    public EncryptResult encrypt(String uid, byte[] data, CryptoParameters parameters, byte[] iv, byte[] aad)
            throws KmipClientException, KmipTransportException {
        List<TtlvItem> c = cryptoFields(uid, parameters);
        c.add(TtlvItem.bytes(Tag.DATA, data));
        if (iv != null) {
            c.add(TtlvItem.bytes(Tag.IV_COUNTER_NONCE, iv));
        }
        if (aad != null) {
            c.add(TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA, aad));
        }
        TtlvItem r = call(version(), Operation.ENCRYPT, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c));
        return new EncryptResult(required(r, Tag.DATA).bytesValue(),
                r.child(Tag.IV_COUNTER_NONCE).map(TtlvItem::bytesValue).orElse(null),
                r.child(Tag.AUTHENTICATED_ENCRYPTION_TAG).map(TtlvItem::bytesValue).orElse(null));
    }

    /** Decrypt with the IV/Counter/Nonce (null: none). */
    public byte[] decrypt(String uid, byte[] data, CryptoParameters parameters, byte[] iv)
            throws KmipClientException, KmipTransportException {
        return decrypt(uid, data, parameters, iv, null, null);
    }

    /** Decrypt of authenticated encryption, with the Additional Data (null: none) and the Tag. */
    public byte[] decrypt(String uid, byte[] data, CryptoParameters parameters, byte[] iv, byte[] aad, byte[] tag)
            throws KmipClientException, KmipTransportException {
        List<TtlvItem> c = cryptoFields(uid, parameters);
        c.add(TtlvItem.bytes(Tag.DATA, data));
        if (iv != null) {
            c.add(TtlvItem.bytes(Tag.IV_COUNTER_NONCE, iv));
        }
        if (aad != null) {
            c.add(TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA, aad));
        }
        if (tag != null) {
            c.add(TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_TAG, tag));
        }
        TtlvItem r = call(version(), Operation.DECRYPT, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c));
        return required(r, Tag.DATA).bytesValue();
    }

    /** Sign of the data with a private key; returns the Signature Data. */
    public byte[] sign(String uid, byte[] data, CryptoParameters parameters) throws KmipClientException, KmipTransportException {
        List<TtlvItem> c = cryptoFields(uid, parameters);
        c.add(TtlvItem.bytes(Tag.DATA, data));
        return required(call(version(), Operation.SIGN, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c)), Tag.SIGNATURE_DATA)
                .bytesValue();
    }

    /** Signature Verify with a public key; true when the Validity Indicator is Valid. */
    public boolean verify(String uid, byte[] data, byte[] signature, CryptoParameters parameters)
            throws KmipClientException, KmipTransportException {
        List<TtlvItem> c = cryptoFields(uid, parameters);
        c.add(TtlvItem.bytes(Tag.DATA, data));
        c.add(TtlvItem.bytes(Tag.SIGNATURE_DATA, signature));
        TtlvItem r = call(version(), Operation.SIGNATURE_VERIFY, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c));
        return required(r, Tag.VALIDITY_INDICATOR).enumValue() == ValidityIndicator.VALID.value();
    }

    /** MAC of the data; returns the MAC Data. */
    public byte[] mac(String uid, byte[] data, CryptoParameters parameters) throws KmipClientException, KmipTransportException {
        List<TtlvItem> c = cryptoFields(uid, parameters);
        c.add(TtlvItem.bytes(Tag.DATA, data));
        return required(call(version(), Operation.MAC, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c)), Tag.MAC_DATA).bytesValue();
    }

    /** MAC Verify; true when the Validity Indicator is Valid. */
    public boolean macVerify(String uid, byte[] data, byte[] mac, CryptoParameters parameters)
            throws KmipClientException, KmipTransportException {
        List<TtlvItem> c = cryptoFields(uid, parameters);
        c.add(TtlvItem.bytes(Tag.DATA, data));
        c.add(TtlvItem.bytes(Tag.MAC_DATA, mac));
        TtlvItem r = call(version(), Operation.MAC_VERIFY, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c));
        return required(r, Tag.VALIDITY_INDICATOR).enumValue() == ValidityIndicator.VALID.value();
    }

    /** Hash (KMIP 2.0 and later) of the data with the given algorithm. */
    public byte[] hash(HashingAlgorithm algorithm, byte[] data) throws KmipClientException, KmipTransportException {
        TtlvItem r = call(version(), Operation.HASH, payload(CryptoParameters.hashing(algorithm).toTtlv(),
                TtlvItem.bytes(Tag.DATA, data)));
        return required(r, Tag.DATA).bytesValue();
    }

    /** RNG Retrieve of this many random bytes. */
    public byte[] rngRetrieve(int length) throws KmipClientException, KmipTransportException {
        TtlvItem r = call(version(), Operation.RNG_RETRIEVE, payload(TtlvItem.integer(Tag.DATA_LENGTH, length)));
        return required(r, Tag.DATA).bytesValue();
    }

    // ---------------------------------------------------------------------------------------------------
    // Server

    /** Query with the given Query Functions (Query Operations, Query Objects, Query Server Information, ...). */
    public QueryResult query(QueryFunction... functions) throws KmipClientException, KmipTransportException {
        List<TtlvItem> c = new ArrayList<>();
        for (QueryFunction f : functions) {
            c.add(TtlvItem.enumeration(Tag.QUERY_FUNCTION, f.value()));
        }
        return QueryResult.from(call(version(), Operation.QUERY, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c)));
    }

    /** Discover Versions: every protocol version the server supports, in its order of preference. */
    public List<KmipVersion> discoverVersions() throws KmipClientException, KmipTransportException {
        KmipVersion v = version;
        return discoverVersions(v != null ? v : NEGOTIATION_VERSION, List.of());
    }

    private List<KmipVersion> discoverVersions(KmipVersion in, List<KmipVersion> offered)
            throws KmipClientException, KmipTransportException {
        List<TtlvItem> c = new ArrayList<>();
        for (KmipVersion o : offered) {
            c.add(TtlvItem.structure(Tag.PROTOCOL_VERSION, TtlvItem.integer(Tag.PROTOCOL_VERSION_MAJOR, o.major()),
                    TtlvItem.integer(Tag.PROTOCOL_VERSION_MINOR, o.minor())));
        }
        TtlvItem r = call(in, Operation.DISCOVER_VERSIONS, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c));
        List<KmipVersion> out = new ArrayList<>();
        for (TtlvItem pv : r.childrenWith(Tag.PROTOCOL_VERSION)) {
            Optional<TtlvItem> major = pv.child(Tag.PROTOCOL_VERSION_MAJOR);
            Optional<TtlvItem> minor = pv.child(Tag.PROTOCOL_VERSION_MINOR);
            if (major.isEmpty() || minor.isEmpty() || major.get().intValue() < 0 || minor.get().intValue() < 0) {
                throw malformed(Operation.DISCOVER_VERSIONS, "incomplete Protocol Version");
            }
            out.add(new KmipVersion(major.get().intValue(), minor.get().intValue()));
        }
        return out;
    }

    /** Ping (KMIP 2.1): proves the server answers. */
    public void ping() throws KmipClientException, KmipTransportException {
        call(version(), Operation.PING, payload());
    }

    // ---------------------------------------------------------------------------------------------------
    // Derivation, split keys, certificates

    /**
     * Derive Key of a new Symmetric Key from a base Symmetric Key or Secret Data that has the Derive Key usage,
     * with the Derivation Method (PBKDF2, HKDF, HASH, HMAC, ...) and its parameters; the spec gives the new
     * key's algorithm, length (the output size), usage mask and name. Returns the new Unique Identifier.
     */
    public String deriveKey(String baseUid, DerivationMethod method, DerivationParameters parameters, SymmetricKeySpec spec)
            throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        TtlvItem r = call(v, Operation.DERIVE_KEY, payload(
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), uidItem(baseUid),
                TtlvItem.enumeration(Tag.DERIVATION_METHOD, method.value()), parameters.toTtlv(),
                attributes(v, spec.allAttributes(), Tag.TEMPLATE_ATTRIBUTE, Tag.ATTRIBUTES)));
        return text(r, Tag.UNIQUE_IDENTIFIER);
    }

    /**
     * Create Split Key of an existing Symmetric Key (baseUid) or, when baseUid is null, of a new one of the
     * spec: {@code parts} Split Key objects of which {@code threshold} rebuild the key. Returns the parts'
     * Unique Identifiers, part 1 first.
     */
    public List<String> createSplitKey(String baseUid, int parts, int threshold, SplitKeyMethod method, SymmetricKeySpec spec)
            throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        List<TtlvItem> c = new ArrayList<>();
        c.add(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()));
        if (baseUid != null) {
            c.add(uidItem(baseUid));
        }
        c.add(TtlvItem.integer(Tag.SPLIT_KEY_PARTS, parts));
        c.add(TtlvItem.integer(Tag.SPLIT_KEY_THRESHOLD, threshold));
        c.add(TtlvItem.enumeration(Tag.SPLIT_KEY_METHOD, method.value()));
        c.add(attributes(v, spec == null ? List.of() : spec.allAttributes(), Tag.TEMPLATE_ATTRIBUTE, Tag.ATTRIBUTES));
        TtlvItem r = call(v, Operation.CREATE_SPLIT_KEY, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c));
        return r.childrenWith(Tag.UNIQUE_IDENTIFIER).stream().map(TtlvItem::textValue).toList();
    }

    /**
     * Join Split Key of at least the threshold of parts into a new object of the type (Symmetric Key or
     * Secret Data) with the given further attributes; returns its Unique Identifier.
     */
    public String joinSplitKey(List<String> partUids, ObjectType type, List<KmipAttribute> attributes)
            throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        List<TtlvItem> c = new ArrayList<>();
        c.add(TtlvItem.enumeration(Tag.OBJECT_TYPE, type.value()));
        for (String p : partUids) {
            c.add(uidItem(p));
        }
        c.add(attributes(v, attributes, Tag.TEMPLATE_ATTRIBUTE, Tag.ATTRIBUTES));
        return text(call(v, Operation.JOIN_SPLIT_KEY, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c)), Tag.UNIQUE_IDENTIFIER);
    }

    /**
     * Certify of a stored Public Key by the server's certificate authority, for the subject distinguished name
     * (RFC 4514, "CN=device-1,O=Example"; sent as the 2.x X.509 Certificate Subject or the 1.x Certificate
     * Subject), with further attributes for the new Certificate (a Name, ...). Returns the Certificate's
     * Unique Identifier; the key and the certificate are linked both ways.
     */
    public String certify(String publicKeyUid, String subjectDn, List<KmipAttribute> attributes)
            throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        List<KmipAttribute> all = new ArrayList<>();
        if (subjectDn != null) {
            all.add(KmipAttribute.of(v.isTwoOrLater()
                    ? TtlvItem.structure(Tag.X_509_CERTIFICATE_SUBJECT, TtlvItem.bytes(Tag.SUBJECT_DISTINGUISHED_NAME,
                            new javax.security.auth.x500.X500Principal(subjectDn).getEncoded()))
                    : TtlvItem.structure(Tag.CERTIFICATE_SUBJECT, TtlvItem.text(Tag.CERTIFICATE_SUBJECT_DISTINGUISHED_NAME,
                            subjectDn))));
        }
        all.addAll(attributes);
        return text(call(v, Operation.CERTIFY, payload(uidItem(publicKeyUid),
                attributes(v, all, Tag.TEMPLATE_ATTRIBUTE, Tag.ATTRIBUTES))), Tag.UNIQUE_IDENTIFIER);
    }

    /**
     * Certify of a certificate request (PKCS#10 in DER or PEM), optionally for a stored Public Key (null:
     * none); returns the Certificate's Unique Identifier.
     */
    public String certifyRequest(String publicKeyUid, byte[] pkcs10) throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        List<TtlvItem> c = new ArrayList<>();
        if (publicKeyUid != null) {
            c.add(uidItem(publicKeyUid));
        }
        c.add(TtlvItem.enumeration(Tag.CERTIFICATE_REQUEST_TYPE,
                io.keyhold.protocol.spec.CertificateRequestType.PKCS_10.value()));
        c.add(TtlvItem.bytes(v.isTwoOrLater() ? Tag.CERTIFICATE_REQUEST_VALUE : Tag.CERTIFICATE_REQUEST, pkcs10));
        return text(call(v, Operation.CERTIFY, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c)), Tag.UNIQUE_IDENTIFIER);
    }

    /** Re-certify of a Certificate: a new one for the same public key; returns its Unique Identifier. */
    public String reCertify(String certificateUid) throws KmipClientException, KmipTransportException {
        return text(call(version(), Operation.RE_CERTIFY, payload(uidItem(certificateUid))), Tag.UNIQUE_IDENTIFIER);
    }

    /**
     * Re-Provision (KMIP 2.x) with a certificate request (PKCS#10 in DER or PEM): the server signs a new client
     * certificate for the request's key and answers its Unique Identifier. The certificate this client
     * connected with is retired: from then on it may only Get the new certificate, for a while, so build a new
     * client with the new certificate and the request's private key.
     */
    public String reProvision(byte[] pkcs10) throws KmipClientException, KmipTransportException {
        return text(call(requireTwo("Re-Provision"), Operation.RE_PROVISION, payload(
                TtlvItem.bytes(Tag.CERTIFICATE_REQUEST, pkcs10))), Tag.UNIQUE_IDENTIFIER);
    }

    /**
     * Re-Provision (KMIP 2.x) with a new client certificate (DER X.509) the client obtained itself; answers
     * its Unique Identifier. The certificate this client connected with is retired.
     */
    public String reProvisionWithCertificate(byte[] der) throws KmipClientException, KmipTransportException {
        return text(call(requireTwo("Re-Provision"), Operation.RE_PROVISION, payload(TtlvItem.structure(Tag.CERTIFICATE,
                TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, io.keyhold.protocol.spec.CertificateType.X_509.value()),
                TtlvItem.bytes(Tag.CERTIFICATE_VALUE, der)))), Tag.UNIQUE_IDENTIFIER);
    }

    /**
     * Re-Provision (KMIP 2.x) without parameters: the server makes a key pair and a client certificate for it,
     * and answers the Private Key's Unique Identifier (its Certificate Link names the certificate). The
     * certificate this client connected with is retired; Get the key and the certificate with it before the
     * server's retrieval window ends.
     */
    public String reProvision() throws KmipClientException, KmipTransportException {
        return text(call(requireTwo("Re-Provision"), Operation.RE_PROVISION, payload()), Tag.UNIQUE_IDENTIFIER);
    }

    /** Validate of a certificate chain (leaf first, by Unique Identifier); returns the Validity Indicator. */
    public ValidityIndicator validate(List<String> certificateUids) throws KmipClientException, KmipTransportException {
        List<TtlvItem> c = new ArrayList<>();
        for (String u : certificateUids) {
            c.add(uidItem(u));
        }
        TtlvItem r = call(version(), Operation.VALIDATE, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c));
        int value = required(r, Tag.VALIDITY_INDICATOR).enumValue();
        return ValidityIndicator.fromValue(value).orElseThrow(() -> malformed(Operation.VALIDATE,
                String.format("unknown Validity Indicator 0x%08X", value)));
    }

    // ---------------------------------------------------------------------------------------------------
    // Usage, leases

    /**
     * Check: whether the object may be used this many times (Usage Limits Count), for these usages
     * (Cryptographic Usage Mask) and this long (Lease Time); each null is not checked. Returns normally when it
     * may; a refusal is a {@link KmipClientException} (Usage Limit Exceeded, Incompatible Cryptographic Usage
     * Mask, Permission Denied) with the reason in its Result Message.
     */
    public void check(String uid, Long usageLimitsCount, Integer usageMask, Duration leaseTime)
            throws KmipClientException, KmipTransportException {
        List<TtlvItem> c = new ArrayList<>(List.of(uidItem(uid)));
        if (usageLimitsCount != null) {
            c.add(TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, usageLimitsCount));
        }
        if (usageMask != null) {
            c.add(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, usageMask));
        }
        if (leaseTime != null) {
            c.add(TtlvItem.interval(Tag.LEASE_TIME, leaseTime.toSeconds()));
        }
        call(version(), Operation.CHECK, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c));
    }

    /** Obtain Lease: the Lease Time granted for the object and its Last Change Date. */
    public Lease obtainLease(String uid) throws KmipClientException, KmipTransportException {
        TtlvItem r = call(version(), Operation.OBTAIN_LEASE, payload(uidItem(uid)));
        return new Lease(Duration.ofSeconds(required(r, Tag.LEASE_TIME).intervalValue()),
                Instant.ofEpochSecond(required(r, Tag.LAST_CHANGE_DATE).dateTimeValue()));
    }

    /** Get Usage Allocation of this many uses of an object with Usage Limits; refused when fewer remain. */
    public void getUsageAllocation(String uid, long count) throws KmipClientException, KmipTransportException {
        call(version(), Operation.GET_USAGE_ALLOCATION, payload(uidItem(uid), TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, count)));
    }

    /** RNG Seed: gives the server's random number generator this seed; returns how many bytes it took. */
    public int rngSeed(byte[] seed) throws KmipClientException, KmipTransportException {
        TtlvItem r = call(version(), Operation.RNG_SEED, payload(TtlvItem.bytes(Tag.DATA, seed)));
        return required(r, Tag.DATA_LENGTH).intValue();
    }

    // ---------------------------------------------------------------------------------------------------
    // KMIP 2.x attribute and server operations

    /** Set Attribute (KMIP 2.0 and later): sets the single-instance attribute to this value, adding it if absent. */
    public void setAttribute(String uid, KmipAttribute attribute) throws KmipClientException, KmipTransportException {
        KmipVersion v = requireTwo("Set Attribute");
        call(v, Operation.SET_ATTRIBUTE, payload(uidItem(uid),
                TtlvItem.structure(Tag.NEW_ATTRIBUTE, AttributeMapping.toAttributeItem(attribute))));
    }

    /**
     * Adjust Attribute (KMIP 2.0 and later): increments or decrements a numeric, Interval or Date-Time
     * attribute by the amount (a Long Integer Adjustment Value), or negates it (amount null).
     */
    public void adjustAttribute(String uid, String name, AdjustmentType type, Long amount)
            throws KmipClientException, KmipTransportException {
        KmipVersion v = requireTwo("Adjust Attribute");
        List<TtlvItem> c = new ArrayList<>(List.of(uidItem(uid), attributeReference(name),
                TtlvItem.enumeration(Tag.ADJUSTMENT_TYPE, type.value())));
        if (amount != null) {
            c.add(TtlvItem.longInteger(Tag.ADJUSTMENT_VALUE, amount));
        }
        call(v, Operation.ADJUST_ATTRIBUTE, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c));
    }

    /** Log (KMIP 2.0 and later): writes this message to the server's log. */
    public void log(String message) throws KmipClientException, KmipTransportException {
        call(requireTwo("Log"), Operation.LOG, payload(TtlvItem.text(Tag.LOG_MESSAGE, message)));
    }

    private KmipVersion requireTwo(String what) throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        if (!v.isTwoOrLater()) {
            throw new IllegalArgumentException(what + " needs KMIP 2.0 or later (the client speaks " + v + ")");
        }
        return v;
    }

    // ---------------------------------------------------------------------------------------------------
    // Export and Import

    /** Export: the object (in the server's default format, unwrapped) with every attribute the version carries. */
    public ExportedObject export(String uid) throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        TtlvItem r = call(v, Operation.EXPORT, payload(uidItem(uid)));
        int typeValue = required(r, Tag.OBJECT_TYPE).enumValue();
        ObjectType type = ObjectType.fromValue(typeValue).orElseThrow(() -> malformed(Operation.EXPORT,
                String.format("unknown Object Type 0x%08X", typeValue)));
        List<KmipAttribute> attributes;
        try {
            Optional<TtlvItem> a = r.child(v.isTwoOrLater() ? Tag.ATTRIBUTES : Tag.TEMPLATE_ATTRIBUTE);
            attributes = a.isEmpty() ? List.of() : v.isTwoOrLater() ? AttributeMapping.fromAttributes(a.get())
                    : AttributeMapping.fromTemplateAttribute(a.get());
        } catch (KmipException e) {
            throw malformed(Operation.EXPORT, e.getMessage());
        }
        TtlvItem object = r.children().stream().filter(i -> i.tag() != Tag.OBJECT_TYPE && i.tag() != Tag.UNIQUE_IDENTIFIER
                && i.tag() != Tag.ATTRIBUTES && i.tag() != Tag.TEMPLATE_ATTRIBUTE).findFirst()
                .orElseThrow(() -> malformed(Operation.EXPORT, "no object in the response"));
        return new ExportedObject(text(r, Tag.UNIQUE_IDENTIFIER), type, attributes, object);
    }

    /**
     * Import of an object under its Unique Identifier, with its attributes taken as they are (State and dates
     * included); an identifier in use is Object Already Exists unless replaceExisting is true and the object is
     * the caller's. Returns the Unique Identifier.
     */
    public String importObject(ExportedObject object, boolean replaceExisting) throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        List<TtlvItem> c = new ArrayList<>();
        c.add(uidItem(object.uniqueIdentifier()));
        c.add(TtlvItem.enumeration(Tag.OBJECT_TYPE, object.objectType().value()));
        if (replaceExisting) {
            c.add(TtlvItem.bool(Tag.REPLACE_EXISTING, true));
        }
        c.add(attributes(v, object.attributes(), Tag.TEMPLATE_ATTRIBUTE, Tag.ATTRIBUTES));
        c.add(object.object());
        return text(call(v, Operation.IMPORT, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c)), Tag.UNIQUE_IDENTIFIER);
    }

    // ---------------------------------------------------------------------------------------------------
    // Sessions: Login and Logout (2.x); asynchronous requests: Poll and Cancel

    /**
     * Login (KMIP 2.0 and later): a Ticket for this client's identity, for the Lease Time (null: the server's
     * default; capped by its maximum) and at most this many requests (null: no limit).
     */
    public Ticket login(Duration leaseTime, Integer requestCount) throws KmipClientException, KmipTransportException {
        KmipVersion v = requireTwo("Login");
        List<TtlvItem> c = new ArrayList<>();
        if (leaseTime != null) {
            c.add(TtlvItem.interval(Tag.LEASE_TIME, leaseTime.toSeconds()));
        }
        if (requestCount != null) {
            c.add(TtlvItem.integer(Tag.REQUEST_COUNT, requestCount));
        }
        TtlvItem t = required(call(v, Operation.LOGIN, TtlvItem.structure(Tag.REQUEST_PAYLOAD, c)), Tag.TICKET);
        return new Ticket(required(t, Tag.TICKET_TYPE).enumValue(), required(t, Tag.TICKET_VALUE).bytesValue());
    }

    /** Logout (KMIP 2.0 and later): ends the ticket; an unknown or ended one is Invalid Ticket. */
    public void logout(Ticket ticket) throws KmipClientException, KmipTransportException {
        call(requireTwo("Logout"), Operation.LOGOUT, payload(ticket.toTtlv()));
    }

    /**
     * Sends one operation with the Asynchronous Indicator set: the server answers Operation Pending at once and
     * runs it in the background. Returns the Asynchronous Correlation Value to {@link #poll(byte[])} or
     * {@link #cancel(byte[])} with. A server that ran it at once is answered with an IllegalStateException.
     */
    public byte[] callAsynchronously(Operation operation, TtlvItem requestPayload)
            throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        RequestHeader h = new RequestHeader(v, null, null, null, Boolean.TRUE, null, List.of(), authentication, null, null,
                null, 1);
        ResponseBatchItem item = single(operation, exchange(new RequestMessage(h,
                List.of(RequestBatchItem.of(operation, requestPayload))), false, operation));
        if (item.resultStatus() == ResultStatus.OPERATION_PENDING.value() && item.asynchronousCorrelationValue() != null) {
            return item.asynchronousCorrelationValue();
        }
        throwIfFailed(operation, item);
        throw new IllegalStateException(operation.specName() + " ran at once: the server did not take it asynchronously");
    }

    /** Create of a Symmetric Key sent asynchronously; returns the Asynchronous Correlation Value to poll. */
    public byte[] createAsynchronously(SymmetricKeySpec spec) throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        return callAsynchronously(Operation.CREATE, payload(
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                attributes(v, spec.allAttributes(), Tag.TEMPLATE_ATTRIBUTE, Tag.ATTRIBUTES)));
    }

    /**
     * Poll of an asynchronous request: its Response Payload once it succeeded, empty while it is still pending;
     * a failed one is the {@link KmipClientException} of its own result.
     */
    public Optional<TtlvItem> poll(byte[] correlationValue) throws KmipClientException, KmipTransportException {
        KmipVersion v = version();
        RequestMessage request = new RequestMessage(header(v, 1), List.of(RequestBatchItem.of(Operation.POLL,
                payload(TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE, correlationValue)))));
        ResponseBatchItem item = single(Operation.POLL, exchange(request, false, Operation.POLL));
        if (item.resultStatus() == ResultStatus.OPERATION_PENDING.value()) {
            return Optional.empty();
        }
        throwIfFailed(Operation.POLL, item);
        return Optional.of(item.payload() != null ? item.payload() : TtlvItem.structure(Tag.RESPONSE_PAYLOAD));
    }

    /** Cancel of an asynchronous request; returns the server's Cancellation Result. */
    public CancellationResult cancel(byte[] correlationValue) throws KmipClientException, KmipTransportException {
        TtlvItem r = call(version(), Operation.CANCEL, payload(TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE,
                correlationValue)));
        int value = required(r, Tag.CANCELLATION_RESULT).enumValue();
        return CancellationResult.fromValue(value).orElseThrow(() -> malformed(Operation.CANCEL,
                String.format("unknown Cancellation Result 0x%08X", value)));
    }

    /** Query Asynchronous Requests (KMIP 2.1): the client's asynchronous requests the server still keeps, oldest first. */
    public List<AsynchronousRequest> queryAsynchronousRequests() throws KmipClientException, KmipTransportException {
        if (!version().isAtLeast(KmipVersion.V2_1)) {
            throw new IllegalArgumentException("Query Asynchronous Requests needs KMIP 2.1 (the client speaks " + version() + ")");
        }
        TtlvItem r = call(version(), Operation.QUERY_ASYNCHRONOUS_REQUESTS, payload());
        List<AsynchronousRequest> out = new ArrayList<>();
        for (TtlvItem a : r.childrenWith(Tag.ASYNCHRONOUS_REQUEST)) {
            int op = required(a, Tag.OPERATION).enumValue();
            int stage = required(a, Tag.PROCESSING_STAGE).enumValue();
            TtlvItem submitted = required(a, Tag.SUBMISSION_DATE);
            Instant at = submitted.type() == ItemType.DATE_TIME_EXTENDED
                    ? Instant.EPOCH.plus(submitted.dateTimeExtendedValue(), java.time.temporal.ChronoUnit.MICROS)
                    : Instant.ofEpochSecond(submitted.dateTimeValue());
            out.add(new AsynchronousRequest(required(a, Tag.ASYNCHRONOUS_CORRELATION_VALUE).bytesValue(),
                    Operation.fromValue(op).orElseThrow(() -> malformed(Operation.QUERY_ASYNCHRONOUS_REQUESTS,
                            String.format("unknown Operation 0x%08X", op))),
                    at, ProcessingStage.fromValue(stage).orElseThrow(() -> malformed(Operation.QUERY_ASYNCHRONOUS_REQUESTS,
                            String.format("unknown Processing Stage 0x%08X", stage)))));
        }
        return out;
    }

    /**
     * Get Constraints (KMIP 2.1): the Constraints structure the server enforces on new objects (one Constraint
     * per rule: optional Object Type, Attributes with the allowed values); empty when none are set.
     */
    public TtlvItem getConstraints() throws KmipClientException, KmipTransportException {
        TtlvItem r = call(version(), Operation.GET_CONSTRAINTS, payload());
        return r.child(Tag.CONSTRAINTS).orElse(TtlvItem.structure(Tag.CONSTRAINTS));
    }

    private static ResponseBatchItem single(Operation operation, ResponseMessage response) throws KmipTransportException {
        if (response.batchItems().size() != 1) {
            throw malformed(operation, response.batchItems().size() + " batch items in the response (expected: 1)");
        }
        return response.batchItems().get(0);
    }

    private static void throwIfFailed(Operation operation, ResponseBatchItem item) throws KmipClientException {
        if (item.resultStatus() != ResultStatus.SUCCESS.value()) {
            throw new KmipClientException(operation, item.resultStatus(),
                    item.resultReason() == null ? -1 : item.resultReason(), item.resultMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Generic requests

    /**
     * Sends one operation with the given Request Payload in the client's version (with its credentials) and
     * returns the Response Payload (an empty one when the response had none).
     *
     * @throws KmipClientException when the server answers with a failure
     */
    public TtlvItem call(Operation operation, TtlvItem requestPayload) throws KmipClientException, KmipTransportException {
        return call(version(), operation, requestPayload);
    }

    /**
     * Sends a Request Message as it is (its header is not changed) and returns the Response Message, whatever
     * the Result Status of its batch items. Sent again after a broken connection only when every batch item's
     * operation only reads.
     */
    public ResponseMessage send(RequestMessage request) throws KmipTransportException {
        boolean readOnly = request.batchItems().stream()
                .allMatch(i -> i.operation().map(READ_ONLY_OPERATIONS::contains).orElse(false));
        return exchange(request, readOnly, request.batchItems().size() == 1
                ? request.batchItems().get(0).operation().orElse(null) : null);
    }

    /** Closes every connection; calls in progress finish or fail, later ones fail. */
    @Override
    public void close() {
        closed = true;
        for (ServerPool p : pools) {
            p.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------

    private TtlvItem call(KmipVersion v, Operation operation, TtlvItem requestPayload)
            throws KmipClientException, KmipTransportException {
        RequestMessage request = new RequestMessage(header(v, 1), List.of(RequestBatchItem.of(operation, requestPayload)));
        ResponseMessage response = exchange(request, READ_ONLY_OPERATIONS.contains(operation), operation);
        if (response.batchItems().size() != 1) {
            throw malformed(operation, response.batchItems().size() + " batch items in the response (expected: 1)");
        }
        ResponseBatchItem item = response.batchItems().get(0);
        if (item.resultStatus() != ResultStatus.SUCCESS.value()) {
            throw new KmipClientException(operation, item.resultStatus(),
                    item.resultReason() == null ? -1 : item.resultReason(), item.resultMessage());
        }
        return item.payload() != null ? item.payload() : TtlvItem.structure(Tag.RESPONSE_PAYLOAD);
    }

    private RequestHeader header(KmipVersion v, int batchCount) {
        return new RequestHeader(v, null, null, null, null, null, List.of(), authentication, null, null, null, batchCount);
    }

    private ResponseMessage exchange(RequestMessage request, boolean readOnly, Operation operation)
            throws KmipTransportException {
        if (closed) {
            throw new KmipTransportException("the client is closed", false, null);
        }
        byte[] bytes;
        try {
            bytes = encoder.encode(request);
        } catch (CodecException e) {
            throw new IllegalArgumentException("the request does not fit KMIP " + request.header().protocolVersion() + ": "
                    + e.getMessage(), e);
        }
        String what = operation == null ? "request" : operation.specName();
        long deadline = System.nanoTime() + requestTimeoutNanos;
        List<ServerPool> order = order();
        int next = 0;
        int retriesLeft = retries;
        int unreachable = 0;
        List<String> failures = new ArrayList<>();
        while (true) {
            ServerPool pool = order.get(next % order.size());
            next++;
            Connection connection;
            try {
                connection = pool.acquire(deadline);
            } catch (ServerPool.Exhausted e) {
                throw new KmipTimeoutException(what + ": " + e.getMessage(), false, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KmipTransportException(what + ": interrupted while waiting for a connection", false, e);
            } catch (IOException e) {
                pool.markDown(downBackoffNanos);
                LOG.debug("cannot connect to {}: {}", pool.address(), Connection.describe(e));
                failures.add("cannot connect to " + pool.address() + ": " + Connection.describe(e));
                unreachable++;
                if (unreachable >= order.size()) {
                    throw new KmipTransportException(what + ": no server could be reached (" + String.join("; ", failures)
                            + ")", false, e);
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new KmipTimeoutException(what + ": no server reached within the request timeout ("
                            + String.join("; ", failures) + ")", false, e);
                }
                continue;
            }
            TtlvItem tree;
            try {
                tree = connection.exchange(bytes, deadline);
            } catch (Connection.Failure f) {
                pool.release(connection, false);
                if (f.timedOut) {
                    throw new KmipTimeoutException(what + ": " + f.getMessage(), f.sent, f.getCause());
                }
                if (f.malformed) {
                    throw new KmipTransportException(what + ": " + f.getMessage(), true, f.getCause());
                }
                failures.add(f.getMessage());
                if ((readOnly || !f.sent) && retriesLeft > 0) {
                    retriesLeft--;
                    unreachable = 0;
                    LOG.debug("{} failed ({}); trying again", what, f.getMessage());
                    continue;
                }
                throw new KmipTransportException(what + ": " + String.join("; ", failures)
                        + (f.sent && !readOnly ? " (the server may have carried it out)" : ""), f.sent, f.getCause());
            }
            try {
                ResponseMessage response = ResponseMessage.from(tree);
                pool.release(connection, true);
                return response;
            } catch (KmipException e) {
                pool.release(connection, false);
                throw new KmipTransportException(what + ": " + pool.address() + " sent an invalid Response Message: "
                        + e.getMessage(), true, e);
            }
        }
    }

    /** The servers in the order this request tries them: the selection's, up servers before down ones. */
    private List<ServerPool> order() {
        int n = pools.size();
        int start = selection == ServerSelection.ROUND_ROBIN ? Math.floorMod(nextServer.getAndIncrement(), n) : 0;
        List<ServerPool> up = new ArrayList<>(n);
        List<ServerPool> down = new ArrayList<>();
        long now = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ServerPool p = pools.get((start + i) % n);
            (p.isDown(now) ? down : up).add(p);
        }
        down.sort(Comparator.comparingLong(p -> p.downUntilNanos() - now));
        up.addAll(down);
        return up;
    }

    private static TtlvItem payload(TtlvItem... fields) {
        return TtlvItem.structure(Tag.REQUEST_PAYLOAD, Arrays.asList(fields));
    }

    private static TtlvItem uidItem(String uid) {
        return TtlvItem.text(Tag.UNIQUE_IDENTIFIER, Objects.requireNonNull(uid, "uid"));
    }

    private static List<TtlvItem> cryptoFields(String uid, CryptoParameters parameters) {
        List<TtlvItem> c = new ArrayList<>();
        c.add(uidItem(uid));
        if (parameters != null && !parameters.isEmpty()) {
            c.add(parameters.toTtlv());
        }
        return c;
    }

    private static TtlvItem attributes(KmipVersion v, List<KmipAttribute> attributes, int oneTag, int twoTag) {
        return v.isTwoOrLater() ? AttributeMapping.toAttributes(twoTag, attributes)
                : AttributeMapping.toTemplateAttribute(oneTag, attributes);
    }

    /** The 2.x Attribute Reference of an attribute name: its tag, or Vendor Identification and name. */
    private static TtlvItem attributeReference(String name) {
        if (AttributeMapping.isCustomName(name)) {
            return TtlvItem.structure(Tag.ATTRIBUTE_REFERENCE, TtlvItem.text(Tag.VENDOR_IDENTIFICATION, name.substring(0, 1)),
                    TtlvItem.text(Tag.ATTRIBUTE_NAME, name.substring(2)));
        }
        int tag = TABLE.tagByName(name).map(TagDefinition::value)
                .orElseThrow(() -> new IllegalArgumentException("'" + name + "' is not a KMIP attribute name"));
        return TtlvItem.enumeration(Tag.ATTRIBUTE_REFERENCE, tag);
    }

    private static String text(TtlvItem payload, int tag) throws KmipTransportException {
        TtlvItem i = required(payload, tag);
        if (i.type() != ItemType.TEXT_STRING) {
            throw malformed(null, tagName(tag) + " is not a Text String");
        }
        return i.textValue();
    }

    private static TtlvItem required(TtlvItem payload, int tag) throws KmipTransportException {
        return payload.child(tag).orElseThrow(() -> malformed(null, "the response has no " + tagName(tag)));
    }

    private static KmipTransportException malformed(Operation operation, String message) {
        return new KmipTransportException((operation == null ? "" : operation.specName() + ": ")
                + "unexpected response from the server: " + message, true, null);
    }

    /** The spec name of a tag, for messages. */
    private static String tagName(int tag) {
        return TABLE.tag(tag).map(TagDefinition::name).orElseGet(() -> String.format("0x%06X", tag));
    }

    /**
     * Builds a {@link KmipClient}. Servers and TLS are required; the defaults are a 10 s connect timeout, a
     * 30 s request timeout, 8 connections per server, 2 retries, a 5 s down mark, {@link ServerSelection#IN_ORDER}
     * and the protocol version negotiated with Discover Versions.
     */
    public static final class Builder {
        private final List<ServerAddress> servers = new ArrayList<>();
        private ClientTls tls;
        private KmipVersion version;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration downBackoff = Duration.ofSeconds(5);
        private int maxConnectionsPerServer = 8;
        private int retries = 2;
        private int maxResponseBytes = TtlvDecoder.DEFAULT_MAX_MESSAGE_BYTES;
        private ServerSelection selection = ServerSelection.IN_ORDER;
        private String username;
        private char[] password;

        private Builder() {}

        /** The servers, as "host:port" ("host" alone: port 5696; "[::1]:5696" for IPv6), in order of preference. */
        public Builder servers(String... hostPorts) {
            for (String s : hostPorts) {
                servers.add(ServerAddress.parse(s));
            }
            return this;
        }

        public Builder server(ServerAddress address) {
            servers.add(Objects.requireNonNull(address, "address"));
            return this;
        }

        public Builder tls(ClientTls clientTls) {
            this.tls = Objects.requireNonNull(clientTls, "tls");
            return this;
        }

        /** Speaks this protocol version, without asking the server. */
        public Builder version(KmipVersion v) {
            this.version = Objects.requireNonNull(v, "version");
            return this;
        }

        /** Asks the server with Discover Versions on first use and speaks the highest version both support (the default). */
        public Builder negotiateVersion() {
            this.version = null;
            return this;
        }

        /** How long a TCP connect and TLS handshake may take. */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive(d, "connectTimeout");
            return this;
        }

        /** How long a call may take in all: waiting for a connection, connecting, retries and the answer. */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = positive(d, "requestTimeout");
            return this;
        }

        /** How long a server that could not be connected to is passed over while others are up. */
        public Builder downBackoff(Duration d) {
            this.downBackoff = Objects.requireNonNull(d, "downBackoff");
            return this;
        }

        public Builder maxConnectionsPerServer(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxConnectionsPerServer " + n + " (expected: >= 1)");
            }
            this.maxConnectionsPerServer = n;
            return this;
        }

        /** How many times a read-only request is sent again after its connection broke (0: never). */
        public Builder retries(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("retries " + n + " (expected: >= 0)");
            }
            this.retries = n;
            return this;
        }

        /** The largest response accepted, in bytes. */
        public Builder maxResponseBytes(int n) {
            if (n < 8) {
                throw new IllegalArgumentException("maxResponseBytes " + n + " (expected: >= 8)");
            }
            this.maxResponseBytes = n;
            return this;
        }

        public Builder serverSelection(ServerSelection s) {
            this.selection = Objects.requireNonNull(s, "selection");
            return this;
        }

        /** A Username and Password Credential sent in every request header (for servers that take one). */
        public Builder credentials(String user, char[] pass) {
            this.username = Objects.requireNonNull(user, "username");
            this.password = Objects.requireNonNull(pass, "password").clone();
            return this;
        }

        /** As {@link #credentials(String, char[])}. */
        public Builder credentials(String user, String pass) {
            return credentials(user, Objects.requireNonNull(pass, "password").toCharArray());
        }

        /**
         * The client. Nothing is connected yet: the first call connects (and negotiates the version).
         *
         * @throws IllegalStateException when no server or no TLS settings were given
         */
        public KmipClient build() {
            if (servers.isEmpty()) {
                throw new IllegalStateException("no server given");
            }
            if (tls == null) {
                throw new IllegalStateException("no TLS settings given (KMIP requires mutual TLS)");
            }
            return new KmipClient(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " " + d + " (expected: > 0)");
            }
            return d;
        }
    }
}
