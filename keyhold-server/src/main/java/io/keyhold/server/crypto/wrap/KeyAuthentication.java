package io.keyhold.server.crypto.wrap;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.ValidityIndicator;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.KeyUse;
import io.keyhold.server.crypto.signature.MacParameters;
import io.keyhold.server.crypto.signature.Macs;
import io.keyhold.server.crypto.signature.SignatureParameters;
import io.keyhold.server.crypto.signature.Signatures;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.store.StoredObject;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The MAC/Signature of wrapped keys (Wrapping Methods MAC/sign and Encrypt then MAC/sign), with the MAC and
 * signature services: a Symmetric Key MACs (HMAC-SHA*, or AES-CMAC for an AES key; MAC Generate, MAC Verify to
 * check), a Private Key signs (Sign). A signature is checked with the named Public Key, or with the Public Key
 * the named Private Key links to (Verify). The Cryptographic Parameters of the MAC/Signature Key Information
 * choose the MAC or signature scheme as they do for MAC and Sign.
 */
final class KeyAuthentication {
    private final Macs macs = new Macs();
    private final Signatures signatures;
    private final CryptoPolicy policy;

    KeyAuthentication(SecureRandom random, CryptoPolicy policy) {
        this.signatures = new Signatures(random);
        this.policy = policy;
    }

    /**
     * The MAC or signature over the message with the caller's key.
     *
     * @throws KmipException Wrapping Object Not Found/Archived/Destroyed; the key use refusals; Invalid Object Type
     *                       for an object that neither MACs nor signs
     */
    byte[] authenticate(OperationContext context, String uid, Optional<TtlvItem> parameters, byte[] message) throws KmipException {
        StoredObject key = context.read(tx -> KeyWrapping.find(context, tx, uid));
        if (key.objectType() == ObjectType.SYMMETRIC_KEY.value()) {
            KeyUse.require(key, KeyUse.Purpose.PROTECT, CryptographicUsageMask.MAC_GENERATE, context.now());
            policy.requireKey(key, CryptoPolicy.Use.MAC);
            MacParameters p = MacParameters.resolve(parameters, key);
            policy.requireMac(p);
            Macs.MacStream stream = macs.start(key, p);
            stream.update(message);
            return stream.finish();
        }
        if (key.objectType() == ObjectType.PRIVATE_KEY.value()) {
            KeyUse.require(key, KeyUse.Purpose.PROTECT, CryptographicUsageMask.SIGN, context.now());
            policy.requireKey(key, CryptoPolicy.Use.SIGN);
            SignatureParameters p = SignatureParameters.resolve(parameters, key);
            policy.requireSignature(p, true);
            Signatures.Signer signer = signatures.signer(key, p);
            signer.update(message);
            return signer.sign();
        }
        throw new KmipException(ResultReason.INVALID_OBJECT_TYPE, "object " + ManagedObjects.printable(uid) + " cannot MAC or"
                + " sign keys: it must be a Symmetric Key (HMAC) or a Private Key");
    }

    /**
     * Checks the MAC or signature over the message with the key the MAC/Signature Key Information names.
     *
     * @throws KmipException Cryptographic Failure when it does not verify; Wrapping Object Not Found when a
     *                       signing Private Key has no Public Key Link; the key use refusals
     */
    void verify(OperationContext context, String uid, Optional<TtlvItem> parameters, byte[] message, byte[] mac)
            throws KmipException {
        StoredObject named = context.read(tx -> KeyWrapping.find(context, tx, uid));
        ValidityIndicator validity;
        if (named.objectType() == ObjectType.SYMMETRIC_KEY.value()) {
            KeyUse.require(named, KeyUse.Purpose.PROCESS, CryptographicUsageMask.MAC_VERIFY, context.now());
            policy.requireKey(named, CryptoPolicy.Use.MAC_VERIFY);
            MacParameters p = MacParameters.resolve(parameters, named);
            policy.requireMac(p);
            Macs.MacStream stream = macs.start(named, p);
            stream.update(message);
            validity = stream.verify(mac);
        } else if (named.objectType() == ObjectType.PRIVATE_KEY.value() || named.objectType() == ObjectType.PUBLIC_KEY.value()) {
            StoredObject publicKey = named;
            if (named.objectType() == ObjectType.PRIVATE_KEY.value()) {
                String linked = linked(named, LinkType.PUBLIC_KEY_LINK).orElseThrow(() -> new KmipException(
                        ResultReason.WRAPPING_OBJECT_NOT_FOUND, "the key was signed with Private Key " + ManagedObjects.printable(uid)
                        + ", which has no Public Key Link to verify with"));
                publicKey = context.read(tx -> KeyWrapping.find(context, tx, linked));
            }
            KeyUse.require(publicKey, KeyUse.Purpose.PROCESS, CryptographicUsageMask.VERIFY, context.now());
            policy.requireKey(publicKey, CryptoPolicy.Use.VERIFY);
            SignatureParameters p = SignatureParameters.resolve(parameters, publicKey);
            policy.requireSignature(p, false);
            Signatures.Verifier verifier = signatures.verifier(publicKey, p);
            verifier.update(message);
            validity = verifier.verify(mac);
        } else {
            throw new KmipException(ResultReason.INVALID_OBJECT_TYPE, "object " + ManagedObjects.printable(uid) + " cannot verify"
                    + " a MAC or signature: it must be a Symmetric Key (HMAC), a Private Key or a Public Key");
        }
        if (validity != ValidityIndicator.VALID) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the MAC/Signature of the wrapped key does not verify"
                    + " with key " + ManagedObjects.printable(uid));
        }
    }

    private static Optional<String> linked(StoredObject object, LinkType type) {
        return object.attributes("Link").stream().map(a -> a.value())
                .filter(l -> l.child(Tag.LINK_TYPE).map(TtlvItem::enumValue).orElse(-1) == type.value())
                .flatMap(l -> l.child(Tag.LINKED_OBJECT_IDENTIFIER).stream())
                .filter(i -> i.type() == ItemType.TEXT_STRING).map(TtlvItem::textValue).findFirst();
    }
}
