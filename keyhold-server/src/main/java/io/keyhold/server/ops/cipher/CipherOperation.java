package io.keyhold.server.ops.cipher;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.crypto.KeyUse;
import io.keyhold.server.crypto.Streams;
import io.keyhold.server.crypto.cipher.CipherParameters;
import io.keyhold.server.crypto.cipher.CipherResult;
import io.keyhold.server.crypto.cipher.CipherSpec;
import io.keyhold.server.crypto.cipher.CipherStream;
import io.keyhold.server.crypto.cipher.Ciphers;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.PayloadFields;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.ReadTransaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The flow Encrypt and Decrypt share: one-shot, or a stream with Init Indicator, Correlation Value and
 * Final Indicator on one connection. Every request (and every part of a stream) finds the key in a read
 * transaction (Item Not Found), refuses it when archived, checks state and usage mask ({@link KeyUse#require}),
 * encrypts or decrypts outside any transaction, and only then, for a key with Usage Limits, consumes the use
 * in a write transaction that checks the key again ({@link KeyUse#consumeUsage}; one use per operation or
 * stream, bytes per part). So a failure consumes nothing, keys without limits never take the store's write
 * lock, and the cipher work never runs on the store's writer. A failure ends the stream it happened in.
 */
final class CipherOperation {
    private final Ciphers ciphers;
    private final CryptoPolicy policy;
    private final boolean encrypt;
    private final String name;

    CipherOperation(Ciphers ciphers, CryptoPolicy policy, boolean encrypt) {
        this.ciphers = ciphers;
        this.policy = policy;
        this.encrypt = encrypt;
        this.name = encrypt ? "Encrypt" : "Decrypt";
    }

    /** The request's fields, read once with their types checked. */
    private record Request(TtlvItem parameters, byte[] data, byte[] iv, byte[] aad, byte[] tag, byte[] correlation,
                           boolean init, boolean last) {}

    TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        Request r = new Request(
                PayloadFields.optional(payload, Tag.CRYPTOGRAPHIC_PARAMETERS, ItemType.STRUCTURE).orElse(null),
                PayloadFields.bytes(payload, Tag.DATA).orElse(null), PayloadFields.bytes(payload, Tag.IV_COUNTER_NONCE).orElse(null),
                PayloadFields.bytes(payload, Tag.AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA).orElse(null),
                encrypt ? null : PayloadFields.bytes(payload, Tag.AUTHENTICATED_ENCRYPTION_TAG).orElse(null),
                PayloadFields.bytes(payload, Tag.CORRELATION_VALUE).orElse(null), PayloadFields.flag(payload, Tag.INIT_INDICATOR),
                PayloadFields.flag(payload, Tag.FINAL_INDICATOR));
        if (encrypt && payload.child(Tag.AUTHENTICATED_ENCRYPTION_TAG).isPresent()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Authenticated Encryption Tag is not sent with Encrypt");
        }
        if (r.correlation() != null) {
            return resume(context, payload, r);
        }
        if (r.init() && !r.last()) {
            return start(context, payload, r);
        }
        if (r.data() == null) {
            throw new KmipException(ResultReason.MISSING_DATA, "Data is missing");
        }
        String uid = ManagedObjects.uniqueIdentifier(context, payload);
        StoredObject key = context.read(tx -> usableKey(context, tx, uid));
        CipherSpec spec = spec(context, key, r.parameters());
        CipherResult result = encrypt ? ciphers.encrypt(key, spec, r.data(), r.iv(), r.aad())
                : ciphers.decrypt(key, spec, r.data(), r.iv(), r.aad(), r.tag());
        try {
            consume(context, key, 1, r.data().length);
        } catch (KmipException e) {
            Arrays.fill(result.data(), (byte) 0);
            throw e;
        }
        return response(uid, result, null);
    }

    private TtlvItem start(OperationContext context, TtlvItem payload, Request r) throws KmipException {
        if (r.tag() != null) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Authenticated Encryption Tag belongs to the last part (Final Indicator)");
        }
        String uid = ManagedObjects.uniqueIdentifier(context, payload);
        byte[] data = r.data() == null ? new byte[0] : r.data();
        Streams streams = Streams.of(context.request().session());
        StoredObject key = context.read(tx -> usableKey(context, tx, uid));
        CipherSpec spec = spec(context, key, r.parameters());
        CipherStream stream = encrypt ? ciphers.startEncrypt(key, spec, r.iv(), r.aad(), uid)
                : ciphers.startDecrypt(key, spec, r.iv(), r.aad(), uid);
        byte[] first;
        byte[] correlation;
        try {
            first = stream.update(data);
            consume(context, key, 1, data.length);
            correlation = streams.start(name, stream);
        } catch (KmipException e) {
            stream.close();
            throw e;
        }
        return response(uid, new CipherResult(first, stream.generatedIv(), null), correlation);
    }

    private TtlvItem resume(OperationContext context, TtlvItem payload, Request r) throws KmipException {
        if (r.init()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Init Indicator and Correlation Value together: a stream is started without Correlation Value");
        }
        Streams streams = Streams.of(context.request().session());
        CipherStream stream = streams.resume(name, r.correlation(), CipherStream.class);
        try {
            String uid = stream.uniqueIdentifier();
            if (payload.child(Tag.UNIQUE_IDENTIFIER).filter(u -> u.type() == ItemType.TEXT_STRING)
                    .filter(u -> !u.textValue().equals(uid)).isPresent()) {
                throw new KmipException(ResultReason.INVALID_FIELD, "Unique Identifier differs from the key this stream was started with");
            }
            if (!r.last() && r.tag() != null) {
                throw new KmipException(ResultReason.INVALID_FIELD, "Authenticated Encryption Tag belongs to the last part (Final Indicator)");
            }
            byte[] data = r.data() == null ? new byte[0] : r.data();
            StoredObject key = context.read(tx -> usableKey(context, tx, uid));
            CipherResult result = r.last() ? stream.finish(data, r.tag()) : new CipherResult(stream.update(data), null, null);
            consume(context, key, 0, data.length);
            if (r.last()) {
                streams.finish(r.correlation());
            }
            // the IV the server drew went back with the first part
            return response(uid, new CipherResult(result.data(), null, result.tag()), r.last() ? null : r.correlation());
        } catch (KmipException e) {
            streams.finish(r.correlation());
            throw e;
        }
    }

    /** The key the request names, checked for this use: online, usable state and period, with the usage bit. */
    private StoredObject usableKey(OperationContext context, ReadTransaction tx, String uid) throws KmipException {
        StoredObject key = ManagedObjects.load(context, tx, uid);
        if (key.storageStatus() == StorageStatus.ARCHIVED) {
            throw new KmipException(ResultReason.OBJECT_ARCHIVED, "object " + ManagedObjects.printable(uid)
                    + " is archived: recover it first");
        }
        KeyUse.Purpose purpose = encrypt ? KeyUse.Purpose.PROTECT : KeyUse.Purpose.PROCESS;
        KeyUse.require(key, purpose, encrypt ? CryptographicUsageMask.ENCRYPT : CryptographicUsageMask.DECRYPT, context.now());
        return key;
    }

    /**
     * Consumes the use from a key with Usage Limits, in a write transaction that checks the key again; keys
     * without limits cost no write at all.
     */
    private void consume(OperationContext context, StoredObject key, long uses, long bytes) throws KmipException {
        if (key.attribute("Usage Limits").isEmpty()) {
            return;
        }
        context.write(tx -> KeyUse.consumeUsage(tx, usableKey(context, tx, key.uniqueIdentifier()), uses, bytes, context.now()));
    }

    private CipherSpec spec(OperationContext context, StoredObject key, TtlvItem requested) throws KmipException {
        policy.requireKey(key, encrypt ? CryptoPolicy.Use.ENCRYPT : CryptoPolicy.Use.DECRYPT);
        Integer algorithm = key.attribute("Cryptographic Algorithm").map(a -> a.value().enumValue())
                .orElse(KeyMaterial.algorithm(key).orElse(null));
        if (algorithm == null) {
            throw new KmipException(ResultReason.INVALID_OBJECT_TYPE, "the object has no Cryptographic Algorithm: it is not a key");
        }
        TtlvItem objectDefault = key.attribute("Cryptographic Parameters").map(a -> a.value()).orElse(null);
        CipherSpec spec = CipherParameters.resolve(requested, objectDefault, algorithm);
        if (spec.authenticated() && !context.atLeast(KmipVersion.V1_4)) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, spec.mode() + " needs the Authenticated Encryption "
                    + "Tag, which KMIP has from version 1.4; this request is " + context.version());
        }
        policy.requireCipher(spec, encrypt);
        return spec;
    }

    /**
     * Encrypt response (KMIP 1.4 section 4.29, 2.1 section 6.1.19): Unique Identifier, Data, IV/Counter/Nonce,
     * Correlation Value, Authenticated Encryption Tag. Decrypt response (1.4 section 4.30, 2.1 section
     * 6.1.14): Unique Identifier, Data, Correlation Value.
     */
    private TtlvItem response(String uid, CipherResult result, byte[] correlation) {
        List<TtlvItem> out = new ArrayList<>();
        out.add(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid));
        out.add(TtlvItem.bytes(Tag.DATA, result.data()));
        if (encrypt && result.iv() != null) {
            out.add(TtlvItem.bytes(Tag.IV_COUNTER_NONCE, result.iv()));
        }
        if (correlation != null) {
            out.add(TtlvItem.bytes(Tag.CORRELATION_VALUE, correlation));
        }
        if (encrypt && result.tag() != null) {
            out.add(TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_TAG, result.tag()));
        }
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, out);
    }
}
