package io.keyhold.server.ops.certificate;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CertificateType;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.NameType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.crypto.pki.CertificateAuthority;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.ReadTransaction;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.UniqueIdentifiers;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The server's CA as managed objects: a Private Key (PKCS#8) and its self-signed Certificate, both named
 * {@value #NAME} and owned by {@link #OWNER}, made on first use.
 *
 * <p>The owner is the empty string. {@link io.keyhold.server.auth.Identity} refuses empty names, so no
 * client certificate (whatever its Common Name or subject) can produce that owner: no client can Get,
 * Locate, modify or destroy the CA objects, which are invisible to every client.
 */
final class CaObjects {
    /** The reserved owner of the CA objects: no Identity can be empty. */
    static final String OWNER = "";
    static final String NAME = "Keyhold CA";

    private final SecureRandom random;

    CaObjects(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The CA: its certificate and the stored private key object. */
    record Ca(StoredObject keyObject, StoredObject certificateObject, X509Certificate certificate) {
        /** The CA private key, read through KeyMaterial. */
        PrivateKey privateKey() throws KmipException {
            return KeyMaterial.privateKey(keyObject, "EC");
        }
    }

    /** The CA, created and stored if this server has none yet. */
    Ca get(OperationContext context) throws KmipException {
        Optional<Ca> found = context.read(CaObjects::find);
        if (found.isPresent()) {
            return found.get();
        }
        CertificateAuthority.NewCa fresh = CertificateAuthority.create(random, context.clock().instant());
        try {
            long now = context.now();
            return context.write(tx -> {
                Optional<Ca> again = find(tx);
                if (again.isPresent()) {
                    return again.get();
                }
                tx.insert(keyObject(fresh.privateKeyPkcs8(), now));
                tx.insert(certificateObject(fresh.certificateDer(), now));
                return find(tx).orElseThrow(() -> new KmipException(ResultReason.GENERAL_FAILURE,
                        "the certificate authority could not be stored"));
            });
        } finally {
            fresh.erase();
        }
    }

    private static Optional<Ca> find(ReadTransaction tx) throws KmipException {
        Optional<StoredObject> key = one(tx, ObjectType.PRIVATE_KEY);
        Optional<StoredObject> cert = one(tx, ObjectType.CERTIFICATE);
        if (key.isEmpty() || cert.isEmpty()) {
            return Optional.empty();
        }
        byte[] der = cert.get().object().child(Tag.CERTIFICATE_VALUE).orElseThrow().bytesValue();
        try {
            return Optional.of(new Ca(key.get(), cert.get(), CertificateAuthority.parse(der)));
        } catch (CertificateException e) {
            throw new KmipException(ResultReason.GENERAL_FAILURE, "the stored CA certificate cannot be read");
        }
    }

    private static Optional<StoredObject> one(ReadTransaction tx, ObjectType type) {
        LocateQuery q = new LocateQuery(OWNER, List.of(
                new LocateQuery.Equals("Object Type", TtlvItem.enumeration(Tag.OBJECT_TYPE, type.value())),
                new LocateQuery.Equals("Name", nameItem())),
                Set.of(StorageStatus.ONLINE), 0, 1);
        List<String> uids = tx.locate(q);
        return uids.isEmpty() ? Optional.empty() : tx.get(uids.get(0));
    }

    private static TtlvItem nameItem() {
        return TtlvItem.structure(Tag.NAME, TtlvItem.text(Tag.NAME_VALUE, NAME),
                TtlvItem.enumeration(Tag.NAME_TYPE, NameType.UNINTERPRETED_TEXT_STRING.value()));
    }

    private static StoredObject keyObject(byte[] pkcs8, long now) {
        TtlvItem object = TtlvItem.structure(Tag.PRIVATE_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.PKCS_8.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, pkcs8)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.EC.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256)));
        List<TtlvItem> values = common(ObjectType.PRIVATE_KEY, now);
        values.add(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.EC.value()));
        values.add(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256));
        values.add(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, CryptographicUsageMask.SIGN.value()
                | CryptographicUsageMask.CERTIFICATE_SIGN.value()));
        return stored(values, object);
    }

    private static StoredObject certificateObject(byte[] der, long now) {
        TtlvItem object = TtlvItem.structure(Tag.CERTIFICATE,
                TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, CertificateType.X_509.value()),
                TtlvItem.bytes(Tag.CERTIFICATE_VALUE, der));
        List<TtlvItem> values = common(ObjectType.CERTIFICATE, now);
        values.add(TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, CertificateType.X_509.value()));
        return stored(values, object);
    }

    private static List<TtlvItem> common(ObjectType type, long now) {
        List<TtlvItem> values = new ArrayList<>();
        values.add(TtlvItem.enumeration(Tag.OBJECT_TYPE, type.value()));
        values.add(nameItem());
        values.add(TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value()));
        values.add(TtlvItem.dateTime(Tag.INITIAL_DATE, now));
        values.add(TtlvItem.dateTime(Tag.ACTIVATION_DATE, now));
        values.add(TtlvItem.dateTime(Tag.LAST_CHANGE_DATE, now));
        return values;
    }

    private static StoredObject stored(List<TtlvItem> values, TtlvItem object) {
        String uid = UniqueIdentifiers.next();
        List<KmipAttribute> attributes = new ArrayList<>();
        attributes.add(KmipAttribute.of(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid)));
        for (TtlvItem v : values) {
            attributes.add(KmipAttribute.of(v));
        }
        return new StoredObject(uid, OWNER, StorageStatus.ONLINE, attributes, object);
    }
}
