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
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.auth.AccessDenied;
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
 * encrypts and/or MACs or signs a Key Block's Key Value with other managed keys for Get and Export, and checks
 * and unwraps wrapped Key Blocks for Register and Import when this owner holds the keys.
 *
 * <p>Wrapping Methods: Encrypt, MAC/sign and Encrypt then MAC/sign; MAC/sign then encrypt and TR-31 are Feature
 * Not Supported. With Encrypt the Key Value becomes the wrapped bytes. With MAC/sign the Key Value stays in clear
 * and the Key Wrapping Data carries the MAC/Signature over the TTLV encoding of that Key Value (TTLV Encoding,
 * attributes included) or over its Key Material bytes (No Encoding). With Encrypt then MAC/sign the
 * MAC/Signature is over the wrapped bytes. MACs and signatures come from {@link KeyAuthentication}.
 *
 * <p>Encryption algorithms: an AES wrapping key uses AES Key Wrap (RFC 3394) when the Cryptographic Parameters give
 * no Block Cipher Mode or NISTKeyWrap, AES Key Wrap with Padding (RFC 5649) for AESKeyWrapPadding, and
 * AES-GCM for GCM (random 96-bit IV returned in IV/Counter/Nonce, the tag of Tag Length bytes, 16 by default,
 * appended to the wrapped bytes). An RSA Public Key wraps with RSA-OAEP (Hashing Algorithm and Mask
 * Generator Hashing Algorithm, SHA-1 by default); unwrapping follows its Private Key Link. With TTLV
 * Encoding (the default) the TTLV encoding of the Key Value, attributes included, is wrapped; with No
 * Encoding the Key Material bytes alone.
 *
 * <p>The wrapping key must belong to the caller (otherwise Wrapping Object Not Found), be on-line and not
 * destroyed, be Active with Wrap Key for wrapping, and Active, Deactivated or Compromised with Unwrap Key for
 * unwrapping; the MAC/signature key likewise, with MAC Generate or Sign, and MAC Verify or Verify.
 */
public final class KeyWrapping {
    private final SecureRandom random;
    private final CryptoPolicy policy;
    private final KeyAuthentication authentication;

    public KeyWrapping(SecureRandom random) {
        this(random, CryptoPolicy.DEFAULT);
    }

    /** Wrapping with the keys the policy allows (an RSA wrapping key of fewer than 2048 bits is refused under FIPS). */
    public KeyWrapping(SecureRandom random, CryptoPolicy policy) {
        this.random = java.util.Objects.requireNonNull(random, "random");
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
        this.authentication = new KeyAuthentication(random, policy);
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
        List<TtlvItem> children = new ArrayList<>(keyValue.children());
        children.addAll(keyValueExtras);
        TtlvItem fullValue = TtlvItem.structure(Tag.KEY_VALUE, children);
        byte[] plaintext;
        if (specification.ttlvEncoded()) {
            plaintext = new TtlvEncoder().encode(fullValue);
        } else {
            TtlvItem material = keyValue.child(Tag.KEY_MATERIAL).orElseThrow();
            if (material.type() != ItemType.BYTE_STRING) {
                throw new KmipException(ResultReason.ENCODING_OPTION_ERROR, "No Encoding wraps Key Material bytes, but this key's"
                        + " Key Material is a structure: use TTLV Encoding");
            }
            plaintext = material.bytesValue();
        }
        List<TtlvItem> data = new ArrayList<>();
        data.add(TtlvItem.enumeration(Tag.WRAPPING_METHOD, specification.method()));
        TtlvItem newValue;
        byte[] iv = null;
        try {
            byte[] authenticated;
            if (specification.encrypts()) {
                StoredObject wrappingKey = context.read(tx -> load(context, tx, specification.keyIdentifier(), true));
                policy.requireKey(wrappingKey, CryptoPolicy.Use.WRAP);
                Choice choice = choose(wrappingKey, specification.cryptographicParameters(), true);
                if (choice.algorithm.needsIv()) {
                    iv = new byte[WrapAlgorithm.GCM_IV_BYTES];
                    random.nextBytes(iv);
                }
                byte[] wrapped = choice.algorithm.wrap(choice.key, plaintext, iv);
                newValue = TtlvItem.bytes(Tag.KEY_VALUE, wrapped);
                authenticated = wrapped;
                List<TtlvItem> info = new ArrayList<>();
                info.add(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, wrappingKey.uniqueIdentifier()));
                specification.cryptographicParameters().ifPresent(info::add);
                data.add(TtlvItem.structure(Tag.ENCRYPTION_KEY_INFORMATION, info));
            } else {
                newValue = fullValue; // MAC/sign: the Key Value stays in clear
                authenticated = plaintext;
            }
            if (specification.signs()) {
                byte[] mac = authentication.authenticate(context, specification.macKeyIdentifier(),
                        specification.macParameters(), authenticated);
                List<TtlvItem> info = new ArrayList<>();
                info.add(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, specification.macKeyIdentifier()));
                specification.macParameters().ifPresent(info::add);
                data.add(TtlvItem.structure(Tag.MAC_SIGNATURE_KEY_INFORMATION, info));
                data.add(TtlvItem.bytes(Tag.MAC_SIGNATURE, mac));
            }
        } finally {
            java.util.Arrays.fill(plaintext, (byte) 0);
        }
        if (iv != null) {
            data.add(TtlvItem.bytes(Tag.IV_COUNTER_NONCE, iv));
        }
        if (specification.encodingOptionGiven()) { // absent means TTLV Encoding, as in the request (KMIP 1.4 test AX-M-2-14)
            data.add(TtlvItem.enumeration(Tag.ENCODING_OPTION, specification.encodingOption()));
        }
        List<TtlvItem> blockChildren = new ArrayList<>();
        for (TtlvItem c : block.children()) {
            blockChildren.add(c.tag() == Tag.KEY_VALUE ? newValue : c);
        }
        blockChildren.add(TtlvItem.structure(Tag.KEY_WRAPPING_DATA, data));
        return withBlock(object, TtlvItem.structure(Tag.KEY_BLOCK, blockChildren));
    }

    /**
     * The name of the key this server would unwrap a wrapped object with, when that key is an object of the
     * caller's: the Encryption Key Information's key for Encrypt and Encrypt then MAC/sign, the MAC/Signature
     * Key Information's key for MAC/sign; empty otherwise (the object is then kept as given).
     */
    public static Optional<String> unwrappingKeyOf(OperationContext context, TtlvItem object) throws KmipException {
        Optional<TtlvItem> data = object.child(Tag.KEY_BLOCK).flatMap(b -> b.child(Tag.KEY_WRAPPING_DATA));
        if (data.isEmpty()) {
            return Optional.empty();
        }
        Optional<TtlvItem> method = data.get().child(Tag.WRAPPING_METHOD).filter(m -> m.type() == ItemType.ENUMERATION);
        if (method.isEmpty()) {
            return Optional.empty();
        }
        int m = method.get().enumValue();
        if (m == WrappingSpecification.ENCRYPT || m == WrappingSpecification.ENCRYPT_THEN_MAC_SIGN) {
            return heldKey(context, data.get(), Tag.ENCRYPTION_KEY_INFORMATION);
        }
        if (m == WrappingSpecification.MAC_SIGN) {
            return heldKey(context, data.get(), Tag.MAC_SIGNATURE_KEY_INFORMATION);
        }
        return Optional.empty();
    }

    /** The Unique Identifier the key information names, when it is an object of the caller's. */
    private static Optional<String> heldKey(OperationContext context, TtlvItem data, int infoTag) throws KmipException {
        Optional<String> uid = data.child(infoTag).flatMap(i -> i.child(Tag.UNIQUE_IDENTIFIER))
                .filter(u -> u.type() == ItemType.TEXT_STRING).map(TtlvItem::textValue);
        if (uid.isEmpty()) {
            return Optional.empty();
        }
        boolean usable = context.read(tx -> tx.get(uid.get()).map(o -> ManagedObjects.permitted(context, tx, o)).orElse(false));
        return usable ? uid : Optional.empty();
    }

    /**
     * The object with its wrapped Key Block checked and decrypted: the Key Value as it was before wrapping,
     * without Key Wrapping Data. MAC/sign needs the caller's key named in the MAC/Signature Key Information;
     * Encrypt then MAC/sign checks the MAC/Signature when the caller holds that key, then decrypts.
     *
     * @throws KmipException Cryptographic Failure when it does not verify or unwrap; the wrapping key refusals;
     *                       Feature Not Supported for MAC/sign then encrypt and TR-31
     */
    public TtlvItem unwrap(OperationContext context, TtlvItem object) throws KmipException {
        TtlvItem block = object.child(Tag.KEY_BLOCK).orElseThrow();
        TtlvItem data = block.child(Tag.KEY_WRAPPING_DATA).orElseThrow();
        int method = method(data);
        if (method == WrappingSpecification.MAC_SIGN) {
            verify(context, block, data, method);
            return withoutWrappingData(object, block);
        }
        if (method == WrappingSpecification.ENCRYPT_THEN_MAC_SIGN
                && heldKey(context, data, Tag.MAC_SIGNATURE_KEY_INFORMATION).isPresent()) {
            verify(context, block, data, method);
        }
        return decrypt(context, object, block, data);
    }

    /**
     * Register and Import: the MAC/Signature checked when the caller holds its key (Cryptographic Failure when
     * it does not verify), then the Key Block decrypted when it was encrypted with a key of the caller's; the
     * object as given otherwise (wrapped with keys this server does not hold for the caller, or not wrapped). A
     * MAC/sign Key Block whose MAC/Signature verified is stored without its Key Wrapping Data.
     */
    public TtlvItem unwrapIfHeld(OperationContext context, TtlvItem object) throws KmipException {
        Optional<TtlvItem> block = object.child(Tag.KEY_BLOCK);
        Optional<TtlvItem> data = block.flatMap(b -> b.child(Tag.KEY_WRAPPING_DATA));
        if (data.isEmpty()) {
            return object;
        }
        Optional<TtlvItem> methodItem = data.get().child(Tag.WRAPPING_METHOD).filter(m -> m.type() == ItemType.ENUMERATION);
        int method = methodItem.map(TtlvItem::enumValue).orElse(-1);
        if (method == WrappingSpecification.MAC_SIGN || method == WrappingSpecification.ENCRYPT_THEN_MAC_SIGN) {
            boolean verified = heldKey(context, data.get(), Tag.MAC_SIGNATURE_KEY_INFORMATION).isPresent();
            if (verified) {
                verify(context, block.get(), data.get(), method);
            }
            if (method == WrappingSpecification.MAC_SIGN) {
                return verified ? withoutWrappingData(object, block.get()) : object;
            }
        }
        if ((method == WrappingSpecification.ENCRYPT || method == WrappingSpecification.ENCRYPT_THEN_MAC_SIGN)
                && heldKey(context, data.get(), Tag.ENCRYPTION_KEY_INFORMATION).isPresent()) {
            return decrypt(context, object, block.get(), data.get());
        }
        return object;
    }

    /**
     * Import As Registered: checks the MAC/Signature of a MAC/sign or Encrypt then MAC/sign Key Block when the
     * caller holds its key (Cryptographic Failure when it does not verify); nothing otherwise.
     */
    public void verifyIfHeld(OperationContext context, TtlvItem object) throws KmipException {
        Optional<TtlvItem> block = object.child(Tag.KEY_BLOCK);
        Optional<TtlvItem> data = block.flatMap(b -> b.child(Tag.KEY_WRAPPING_DATA));
        if (data.isEmpty()) {
            return;
        }
        int method = data.get().child(Tag.WRAPPING_METHOD).filter(m -> m.type() == ItemType.ENUMERATION)
                .map(TtlvItem::enumValue).orElse(-1);
        if ((method == WrappingSpecification.MAC_SIGN || method == WrappingSpecification.ENCRYPT_THEN_MAC_SIGN)
                && heldKey(context, data.get(), Tag.MAC_SIGNATURE_KEY_INFORMATION).isPresent()) {
            verify(context, block.get(), data.get(), method);
        }
    }

    private static int method(TtlvItem data) throws KmipException {
        int method = WrappingSpecification.one(data, Tag.WRAPPING_METHOD, ItemType.ENUMERATION).orElseThrow(() ->
                new KmipException(ResultReason.MISSING_DATA, "Key Wrapping Data: Wrapping Method is missing")).enumValue();
        WrappingSpecification.requireSupported(method);
        return method;
    }

    /**
     * Checks the MAC/Signature of a wrapped Key Block: over the Key Value bytes for Encrypt then MAC/sign; for
     * MAC/sign over the TTLV encoding of the clear Key Value (TTLV Encoding) or its Key Material bytes (No
     * Encoding).
     */
    private void verify(OperationContext context, TtlvItem block, TtlvItem data, int method) throws KmipException {
        TtlvItem info = WrappingSpecification.one(data, Tag.MAC_SIGNATURE_KEY_INFORMATION, ItemType.STRUCTURE).orElseThrow(() ->
                new KmipException(ResultReason.MISSING_DATA, "Key Wrapping Data: MAC/Signature Key Information is missing"));
        String uid = WrappingSpecification.one(info, Tag.UNIQUE_IDENTIFIER, ItemType.TEXT_STRING).orElseThrow(() ->
                new KmipException(ResultReason.MISSING_DATA, "MAC/Signature Key Information: Unique Identifier is missing")).textValue();
        Optional<TtlvItem> parameters = WrappingSpecification.one(info, Tag.CRYPTOGRAPHIC_PARAMETERS, ItemType.STRUCTURE);
        byte[] mac = WrappingSpecification.one(data, Tag.MAC_SIGNATURE, ItemType.BYTE_STRING).orElseThrow(() ->
                new KmipException(ResultReason.MISSING_DATA, "Key Wrapping Data: MAC/Signature is missing")).bytesValue();
        int encoding = WrappingSpecification.one(data, Tag.ENCODING_OPTION, ItemType.ENUMERATION).map(TtlvItem::enumValue)
                .orElse(EncodingOption.TTLV_ENCODING.value());
        TtlvItem keyValue = block.child(Tag.KEY_VALUE).orElseThrow(() -> new KmipException(ResultReason.KEY_VALUE_NOT_PRESENT,
                "the wrapped Key Block has no Key Value"));
        byte[] message;
        if (method == WrappingSpecification.ENCRYPT_THEN_MAC_SIGN) {
            if (keyValue.type() != ItemType.BYTE_STRING) {
                throw new KmipException(ResultReason.INVALID_FIELD, "an encrypted Key Value must be a Byte String");
            }
            message = keyValue.bytesValue();
        } else if (!keyValue.isStructure()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "with Wrapping Method MAC/sign the Key Value is a Structure"
                    + " in clear");
        } else if (encoding == EncodingOption.NO_ENCODING.value()) {
            TtlvItem material = keyValue.child(Tag.KEY_MATERIAL).filter(k -> k.type() == ItemType.BYTE_STRING).orElseThrow(() ->
                    new KmipException(ResultReason.ENCODING_OPTION_ERROR, "No Encoding MACs Key Material bytes, but this Key"
                            + " Value has no Byte String Key Material"));
            message = material.bytesValue();
        } else {
            message = new TtlvEncoder().encode(keyValue);
        }
        try {
            authentication.verify(context, uid, parameters, message, mac);
        } finally {
            java.util.Arrays.fill(message, (byte) 0);
        }
    }

    /** Decrypts an encrypted Key Value with the key of the Encryption Key Information. */
    private TtlvItem decrypt(OperationContext context, TtlvItem object, TtlvItem block, TtlvItem data) throws KmipException {
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

    private static TtlvItem withoutWrappingData(TtlvItem object, TtlvItem block) {
        List<TtlvItem> blockChildren = new ArrayList<>();
        for (TtlvItem c : block.children()) {
            if (c.tag() != Tag.KEY_WRAPPING_DATA) {
                blockChildren.add(c);
            }
        }
        return withBlock(object, TtlvItem.structure(Tag.KEY_BLOCK, blockChildren));
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
    static StoredObject find(OperationContext context, ReadTransaction tx, String uid) throws KmipException {
        Optional<StoredObject> found = tx.get(uid);
        String missing = "no wrapping key with Unique Identifier " + ManagedObjects.printable(uid);
        if (found.isEmpty()) {
            throw new KmipException(ResultReason.WRAPPING_OBJECT_NOT_FOUND, missing);
        }
        if (!ManagedObjects.permitted(context, tx, found.get())) {
            throw new AccessDenied(ResultReason.WRAPPING_OBJECT_NOT_FOUND, missing, uid);
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
