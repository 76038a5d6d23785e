package io.keyhold.server.crypto.wrap;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.EncodingOption;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.WrappingMethod;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.crypto.KeyUse;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.store.ReadTransaction;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import java.security.Key;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Key wrapping of managed objects (KMIP 1.4 sections 2.1.5-2.1.6 and 12, 2.1 sections 2.1.6-2.1.7):
 * encrypts a Key Block's Key Value under another managed key for Get and Export, and unwraps wrapped Key
 * Blocks for Register and Import when this owner holds the unwrapping key.
 *
 * <p>Algorithms: an AES wrapping key uses AES Key Wrap (RFC 3394) when the Cryptographic Parameters give
 * no Block Cipher Mode or NISTKeyWrap, AES Key Wrap with Padding (RFC 5649) for AESKeyWrapPadding, and
 * AES-GCM for GCM (random 96-bit IV returned in IV/Counter/Nonce, the tag of Tag Length bytes, 16 by default,
 * appended to the wrapped bytes). An RSA Public Key wraps with RSA-OAEP (Hashing Algorithm and Mask
 * Generator Hashing Algorithm, SHA-1 by default); unwrapping follows its Private Key Link. With TTLV
 * Encoding (the default) the TTLV encoding of the Key Value, attributes included, is wrapped; with No
 * Encoding the Key Material bytes alone.
 *
 * <p>The wrapping key must belong to the caller (otherwise Wrapping Object Not Found), be on-line and not
 * destroyed, be Active with Wrap Key for wrapping, and Active, Deactivated or Compromised with Unwrap Key for
 * unwrapping.
 */
public final class KeyWrapping {
    private final SecureRandom random;
    private final CryptoPolicy policy;

    public KeyWrapping(SecureRandom random) {
        this(random, CryptoPolicy.DEFAULT);
    }

    /** Wrapping with the keys the policy allows (an RSA wrapping key of fewer than 2048 bits is refused under FIPS). */
    public KeyWrapping(SecureRandom random, CryptoPolicy policy) {
        this.random = java.util.Objects.requireNonNull(random, "random");
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
    }

    /**
     * The object with its Key Block wrapped.
     *
     * @param context          the request (for the caller and the version)
     * @param object           the object structure in clear, in the format to wrap
     * @param keyValueExtras   attribute items to place in the Key Value next to the Key Material
     * @param specification    the Key Wrapping Specification
     */
    public TtlvItem wrap(OperationContext context, TtlvItem object, List<TtlvItem> keyValueExtras,
                         WrappingSpecification specification) throws KmipException {
        TtlvItem block = object.child(Tag.KEY_BLOCK).orElseThrow(() -> new KmipException(ResultReason.INVALID_OBJECT_TYPE,
                "only objects with a Key Block can be wrapped"));
        if (block.child(Tag.KEY_WRAPPING_DATA).isPresent()) {
            throw new KmipException(ResultReason.KEY_WRAP_TYPE_NOT_SUPPORTED, "the key is already wrapped; it is returned only"
                    + " as registered");
        }
        TtlvItem keyValue = block.child(Tag.KEY_VALUE).filter(TtlvItem::isStructure).orElseThrow(() -> new KmipException(
                ResultReason.KEY_VALUE_NOT_PRESENT, "the Key Block has no Key Value"));
        StoredObject wrappingKey = context.read(tx -> load(context, tx, specification.keyIdentifier(), true));
        policy.requireKey(wrappingKey, CryptoPolicy.Use.WRAP);
        Choice choice = choose(wrappingKey, specification.cryptographicParameters(), true);
        byte[] plaintext;
        if (specification.ttlvEncoded()) {
            List<TtlvItem> children = new ArrayList<>(keyValue.children());
            children.addAll(keyValueExtras);
            plaintext = new TtlvEncoder().encode(TtlvItem.structure(Tag.KEY_VALUE, children));
        } else {
            TtlvItem material = keyValue.child(Tag.KEY_MATERIAL).orElseThrow();
            if (material.type() != ItemType.BYTE_STRING) {
                throw new KmipException(ResultReason.ENCODING_OPTION_ERROR, "No Encoding wraps Key Material bytes, but this key's"
                        + " Key Material is a structure: use TTLV Encoding");
            }
            plaintext = material.bytesValue();
        }
        byte[] iv = null;
        if (choice.algorithm.needsIv()) {
            iv = new byte[WrapAlgorithm.GCM_IV_BYTES];
            random.nextBytes(iv);
        }
        byte[] wrapped;
        try {
            wrapped = choice.algorithm.wrap(choice.key, plaintext, iv);
        } finally {
            java.util.Arrays.fill(plaintext, (byte) 0);
        }
        List<TtlvItem> info = new ArrayList<>();
        info.add(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, wrappingKey.uniqueIdentifier()));
        specification.cryptographicParameters().ifPresent(info::add);
        List<TtlvItem> data = new ArrayList<>();
        data.add(TtlvItem.enumeration(Tag.WRAPPING_METHOD, WrappingMethod.ENCRYPT.value()));
        data.add(TtlvItem.structure(Tag.ENCRYPTION_KEY_INFORMATION, info));
        if (iv != null) {
            data.add(TtlvItem.bytes(Tag.IV_COUNTER_NONCE, iv));
        }
        if (specification.encodingOptionGiven()) { // absent means TTLV Encoding, as in the request (KMIP 1.4 test AX-M-2-14)
            data.add(TtlvItem.enumeration(Tag.ENCODING_OPTION, specification.encodingOption()));
        }
        List<TtlvItem> blockChildren = new ArrayList<>();
        for (TtlvItem c : block.children()) {
            blockChildren.add(c.tag() == Tag.KEY_VALUE ? TtlvItem.bytes(Tag.KEY_VALUE, wrapped) : c);
        }
        blockChildren.add(TtlvItem.structure(Tag.KEY_WRAPPING_DATA, data));
        return withBlock(object, TtlvItem.structure(Tag.KEY_BLOCK, blockChildren));
    }

    /**
     * The name of the key a wrapped object says it was wrapped with, when it was wrapped by encryption and
     * that key is an object of the caller; empty otherwise (the object is then kept as given).
     */
    public static Optional<String> unwrappingKeyOf(OperationContext context, TtlvItem object) throws KmipException {
        Optional<TtlvItem> data = object.child(Tag.KEY_BLOCK).flatMap(b -> b.child(Tag.KEY_WRAPPING_DATA));
        if (data.isEmpty()) {
            return Optional.empty();
        }
        Optional<TtlvItem> method = data.get().child(Tag.WRAPPING_METHOD);
        if (method.isEmpty() || method.get().enumValue() != WrappingMethod.ENCRYPT.value()) {
            return Optional.empty();
        }
        Optional<String> uid = data.get().child(Tag.ENCRYPTION_KEY_INFORMATION).flatMap(i -> i.child(Tag.UNIQUE_IDENTIFIER))
                .filter(u -> u.type() == ItemType.TEXT_STRING).map(TtlvItem::textValue);
        if (uid.isEmpty()) {
            return Optional.empty();
        }
        String owner = context.identity().name();
        boolean mine = context.read(tx -> tx.get(uid.get()).map(o -> o.owner().equals(owner)).orElse(false));
        return mine ? uid : Optional.empty();
    }

    /**
     * The object with its wrapped Key Block decrypted and checked: the Key Value as it was before wrapping,
     * without Key Wrapping Data.
     *
     * @throws KmipException Cryptographic Failure when it does not unwrap; the wrapping key refusals
     */
    public TtlvItem unwrap(OperationContext context, TtlvItem object) throws KmipException {
        TtlvItem block = object.child(Tag.KEY_BLOCK).orElseThrow();
        TtlvItem data = block.child(Tag.KEY_WRAPPING_DATA).orElseThrow();
        int method = WrappingSpecification.one(data, Tag.WRAPPING_METHOD, ItemType.ENUMERATION).map(TtlvItem::enumValue).orElse(-1);
        if (method != WrappingMethod.ENCRYPT.value() || data.child(Tag.MAC_SIGNATURE_KEY_INFORMATION).isPresent()) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "only keys wrapped with Wrapping Method Encrypt"
                    + " can be unwrapped");
        }
        TtlvItem info = WrappingSpecification.one(data, Tag.ENCRYPTION_KEY_INFORMATION, ItemType.STRUCTURE).orElseThrow(() ->
                new KmipException(ResultReason.MISSING_DATA, "Key Wrapping Data: Encryption Key Information is missing"));
        String uid = WrappingSpecification.one(info, Tag.UNIQUE_IDENTIFIER, ItemType.TEXT_STRING).orElseThrow(() ->
                new KmipException(ResultReason.MISSING_DATA, "Encryption Key Information: Unique Identifier is missing")).textValue();
        Optional<TtlvItem> parameters = WrappingSpecification.one(info, Tag.CRYPTOGRAPHIC_PARAMETERS, ItemType.STRUCTURE);
        int encoding = WrappingSpecification.one(data, Tag.ENCODING_OPTION, ItemType.ENUMERATION).map(TtlvItem::enumValue)
                .orElse(EncodingOption.TTLV_ENCODING.value());
        TtlvItem keyValue = block.child(Tag.KEY_VALUE).orElseThrow(() -> new KmipException(ResultReason.KEY_VALUE_NOT_PRESENT,
                "the wrapped Key Block has no Key Value"));
        if (keyValue.type() != ItemType.BYTE_STRING) {
            throw new KmipException(ResultReason.INVALID_FIELD, "a wrapped Key Value must be a Byte String");
        }
        StoredObject named = context.read(tx -> find(context, tx, uid));
        StoredObject unwrappingKey = named;
        if (named.objectType() != ObjectType.PUBLIC_KEY.value()) {
            unwrappingKey = context.read(tx -> load(context, tx, uid, false));
        } else {
            String privateUid = named.attributes("Link").stream().map(a -> a.value())
                    .filter(l -> l.child(Tag.LINK_TYPE).map(TtlvItem::enumValue).orElse(-1) == LinkType.PRIVATE_KEY_LINK.value())
                    .flatMap(l -> l.child(Tag.LINKED_OBJECT_IDENTIFIER).stream()).map(TtlvItem::textValue).findFirst()
                    .orElseThrow(() -> new KmipException(ResultReason.WRAPPING_OBJECT_NOT_FOUND, "the key was wrapped with Public Key "
                            + ManagedObjects.printable(uid) + ", which has no Private Key Link to unwrap with"));
            unwrappingKey = context.read(tx -> load(context, tx, privateUid, false));
        }
        policy.requireKey(unwrappingKey, CryptoPolicy.Use.UNWRAP);
        Choice choice = choose(unwrappingKey, parameters, false);
        byte[] iv = null;
        if (choice.algorithm.needsIv()) {
            iv = WrappingSpecification.one(data, Tag.IV_COUNTER_NONCE, ItemType.BYTE_STRING).orElseThrow(() -> new KmipException(
                    ResultReason.MISSING_INITIALIZATION_VECTOR, "AES-GCM wrapped key without IV/Counter/Nonce")).bytesValue();
        }
        byte[] clear = choice.algorithm.unwrap(choice.key, keyValue.bytesValue(), iv);
        TtlvItem clearValue;
        if (encoding == EncodingOption.NO_ENCODING.value()) {
            clearValue = TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, clear));
        } else {
            try {
                clearValue = new TtlvDecoder().decode(clear);
            } catch (CodecException e) {
                throw new KmipException(ResultReason.ENCODING_OPTION_ERROR, "the unwrapped bytes are not a TTLV-encoded Key Value");
            } finally {
                java.util.Arrays.fill(clear, (byte) 0);
            }
            if (clearValue.tag() != Tag.KEY_VALUE || !clearValue.isStructure() || clearValue.child(Tag.KEY_MATERIAL).isEmpty()) {
                throw new KmipException(ResultReason.ENCODING_OPTION_ERROR, "the unwrapped bytes are not a TTLV-encoded Key Value");
            }
        }
        List<TtlvItem> blockChildren = new ArrayList<>();
        for (TtlvItem c : block.children()) {
            if (c.tag() == Tag.KEY_VALUE) {
                blockChildren.add(clearValue);
            } else if (c.tag() != Tag.KEY_WRAPPING_DATA) {
                blockChildren.add(c);
            }
        }
        return withBlock(object, TtlvItem.structure(Tag.KEY_BLOCK, blockChildren));
    }

    /**
     * Register and Import: the object with its Key Block unwrapped when it was wrapped by encryption with a
     * key of the caller's; the object as given otherwise (wrapped with a key this server does not hold for
     * the caller, or not wrapped).
     */
    public TtlvItem unwrapIfHeld(OperationContext context, TtlvItem object) throws KmipException {
        return unwrappingKeyOf(context, object).isPresent() ? unwrap(context, object) : object;
    }

    private static final class Choice {
        final WrapAlgorithm algorithm;
        final Key key;

        Choice(WrapAlgorithm algorithm, Key key) {
            this.algorithm = algorithm;
            this.key = key;
        }
    }

    /** The algorithm the key and the Cryptographic Parameters name, with the JCA key to run it. */
    private static Choice choose(StoredObject key, Optional<TtlvItem> parameters, boolean wrapping) throws KmipException {
        int algorithm = key.attribute("Cryptographic Algorithm").map(a -> a.value().enumValue())
                .or(() -> {
                    try {
                        return KeyMaterial.algorithm(key);
                    } catch (KmipException e) {
                        return Optional.empty();
                    }
                }).orElse(-1);
        Optional<TtlvItem> p = parameters;
        Optional<Integer> given = p.flatMap(x -> x.child(Tag.CRYPTOGRAPHIC_ALGORITHM)).map(TtlvItem::enumValue);
        if (given.isPresent() && given.get() != algorithm) {
            throw new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, "the Cryptographic Parameters name another"
                    + " Cryptographic Algorithm than the wrapping key's");
        }
        int type = key.objectType();
        if (algorithm == CryptographicAlgorithm.AES.value() && type == ObjectType.SYMMETRIC_KEY.value()) {
            int mode = p.flatMap(x -> x.child(Tag.BLOCK_CIPHER_MODE)).map(TtlvItem::enumValue).orElse(BlockCipherMode.NISTKEYWRAP.value());
            WrapAlgorithm a;
            if (mode == BlockCipherMode.NISTKEYWRAP.value()) {
                a = WrapAlgorithm.aesKeyWrap();
            } else if (mode == BlockCipherMode.AESKEYWRAPPADDING.value()) {
                a = WrapAlgorithm.aesKeyWrapPadded();
            } else if (mode == BlockCipherMode.GCM.value()) {
                a = WrapAlgorithm.aesGcm(p.flatMap(x -> x.child(Tag.TAG_LENGTH)).map(TtlvItem::intValue).orElse(16));
            } else {
                throw new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, "Block Cipher Mode "
                        + BlockCipherMode.fromValue(mode).map(BlockCipherMode::specName).orElse("0x" + Integer.toHexString(mode))
                        + " is not supported for key wrapping (NISTKeyWrap, AESKeyWrapPadding or GCM)");
            }
            return new Choice(a, KeyMaterial.secretKey(key, "AES"));
        }
        boolean rsaPair = wrapping ? type == ObjectType.PUBLIC_KEY.value() : type == ObjectType.PRIVATE_KEY.value();
        if (algorithm == CryptographicAlgorithm.RSA.value() && rsaPair) {
            int padding = p.flatMap(x -> x.child(Tag.PADDING_METHOD)).map(TtlvItem::enumValue).orElse(PaddingMethod.OAEP.value());
            if (padding != PaddingMethod.OAEP.value()) {
                throw new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, "RSA key wrapping supports Padding"
                        + " Method OAEP only");
            }
            String hash = digest(p.flatMap(x -> x.child(Tag.HASHING_ALGORITHM)));
            String mgf = digest(p.flatMap(x -> x.child(Tag.MASK_GENERATOR_HASHING_ALGORITHM)));
            Key k = wrapping ? KeyMaterial.publicKey(key, "RSA") : KeyMaterial.privateKey(key, "RSA");
            return new Choice(WrapAlgorithm.rsaOaep(hash, mgf), k);
        }
        throw new KmipException(ResultReason.INVALID_OBJECT_TYPE, "object " + ManagedObjects.printable(key.uniqueIdentifier())
                + " cannot " + (wrapping ? "wrap" : "unwrap") + " keys: it must be an AES Symmetric Key or an RSA "
                + (wrapping ? "Public" : "Private") + " Key");
    }

    private static String digest(Optional<TtlvItem> hashing) throws KmipException {
        int h = hashing.map(TtlvItem::enumValue).orElse(HashingAlgorithm.SHA_1.value());
        HashingAlgorithm a = HashingAlgorithm.fromValue(h).orElse(null);
        if (a != HashingAlgorithm.SHA_1 && a != HashingAlgorithm.SHA_224 && a != HashingAlgorithm.SHA_256
                && a != HashingAlgorithm.SHA_384 && a != HashingAlgorithm.SHA_512) {
            throw new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, "RSA-OAEP key wrapping supports SHA-1"
                    + " and SHA-2 hashes only");
        }
        return a.specName();
    }

    /** The wrapping or unwrapping key, checked for owner, storage, material, state and usage mask. */
    static StoredObject load(OperationContext context, ReadTransaction tx, String uid, boolean wrapping) throws KmipException {
        StoredObject key = find(context, tx, uid);
        KeyUse.require(key, wrapping ? KeyUse.Purpose.PROTECT : KeyUse.Purpose.PROCESS,
                wrapping ? CryptographicUsageMask.WRAP_KEY : CryptographicUsageMask.UNWRAP_KEY, context.now());
        return key;
    }

    /** The named key of the caller's, on-line and with its material, without the use checks. */
    private static StoredObject find(OperationContext context, ReadTransaction tx, String uid) throws KmipException {
        Optional<StoredObject> found = tx.get(uid);
        if (found.isEmpty() || !found.get().owner().equals(context.identity().name())) {
            throw new KmipException(ResultReason.WRAPPING_OBJECT_NOT_FOUND, "no wrapping key with Unique Identifier "
                    + ManagedObjects.printable(uid));
        }
        StoredObject key = Lifecycle.applyDueDates(found.get(), context.now());
        if (key.storageStatus() == StorageStatus.ARCHIVED) {
            throw new KmipException(ResultReason.WRAPPING_OBJECT_ARCHIVED, "wrapping key " + ManagedObjects.printable(uid)
                    + " is archived: recover it first");
        }
        if (key.object() == null) {
            throw new KmipException(ResultReason.WRAPPING_OBJECT_DESTROYED, "wrapping key " + ManagedObjects.printable(uid)
                    + " has been destroyed");
        }
        return key;
    }

    private static TtlvItem withBlock(TtlvItem object, TtlvItem block) {
        List<TtlvItem> children = new ArrayList<>();
        for (TtlvItem c : object.children()) {
            children.add(c.tag() == Tag.KEY_BLOCK ? block : c);
        }
        return TtlvItem.structure(object.tag(), children);
    }
}
