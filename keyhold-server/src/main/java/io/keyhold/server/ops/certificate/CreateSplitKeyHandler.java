package io.keyhold.server.ops.certificate;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.crypto.ServerRandom;
import io.keyhold.server.crypto.split.SecretSharing;
import io.keyhold.server.crypto.split.Share;
import io.keyhold.server.crypto.split.SplitParameters;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.object.NewObjects;
import io.keyhold.server.ops.object.Payloads;
import io.keyhold.server.ops.object.RequestAttributes;
import io.keyhold.server.ops.object.SymmetricKeys;
import io.keyhold.server.store.StoredObject;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Create Split Key (KMIP 1.4 section 4.38, 2.1 section 6.1): splits the secret of an existing Symmetric
 * Key or Secret Data (Unique Identifier) or a new random symmetric key (Cryptographic Algorithm and Length
 * from the attributes) into Split Key Parts Split Key objects, any Split Key Threshold of which join back;
 * the XOR method needs all of them. Each part's Key Block is Raw and carries the Cryptographic Algorithm and
 * Length of the secret. Answers the parts' Unique Identifiers in Key Part Identifier order.
 *
 * <p>Links: part k has a Previous Link to part k-1 and a Next Link to part k+1; when an existing object is
 * split, each part has a Parent Link to it and it gets a Child Link to each part. Polynomial Sharing
 * GF (2^16) is Feature Not Supported.
 *
 * <p>Every part is made with the server's generator (the shares are random), so each gets the Random Number
 * Generator attribute.
 */
final class CreateSplitKeyHandler implements OperationHandler {
    private final SecureRandom random;
    private final CryptoPolicy policy;
    private final Optional<TtlvItem> rngParameters;

    CreateSplitKeyHandler(SecureRandom random, CryptoPolicy policy) {
        this.random = Objects.requireNonNull(random, "random");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.rngParameters = ServerRandom.describe(random);
    }

    @Override
    public Operation operation() {
        return Operation.CREATE_SPLIT_KEY;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        int objectType = Payloads.required(payload, Tag.OBJECT_TYPE, ItemType.ENUMERATION).enumValue();
        if (objectType != ObjectType.SPLIT_KEY.value() && objectType != ObjectType.SYMMETRIC_KEY.value()
                && objectType != ObjectType.SECRET_DATA.value()) {
            String name = ObjectType.fromValue(objectType).map(ObjectType::specName).orElse("0x" + Integer.toHexString(objectType));
            throw new KmipException(Payloads.reason(context, ResultReason.INVALID_OBJECT_TYPE, ResultReason.INVALID_FIELD),
                    "Create Split Key splits Symmetric Keys and Secret Data, not " + name);
        }
        int parts = Payloads.required(payload, Tag.SPLIT_KEY_PARTS, ItemType.INTEGER).intValue();
        int threshold = Payloads.required(payload, Tag.SPLIT_KEY_THRESHOLD, ItemType.INTEGER).intValue();
        int method = Payloads.required(payload, Tag.SPLIT_KEY_METHOD, ItemType.ENUMERATION).enumValue();
        BigInteger prime = Payloads.optional(payload, Tag.PRIME_FIELD_SIZE, ItemType.BIG_INTEGER)
                .map(TtlvItem::bigIntegerValue).orElse(null);
        SplitParameters parameters = SplitKeys.parameters(method, parts, threshold, prime);
        policy.requireSplit(parameters.method());
        List<KmipAttribute> client = context.read(tx -> RequestAttributes.read(context, tx, payload, ObjectType.SPLIT_KEY.value()));

        Optional<String> baseUid = Payloads.optional(payload, Tag.UNIQUE_IDENTIFIER, ItemType.TEXT_STRING).map(TtlvItem::textValue);
        Optional<StoredObject> base = baseUid.isEmpty() ? Optional.empty()
                : Optional.of(context.read(tx -> ManagedObjects.load(context, tx, baseUid.get())));
        byte[] secret;
        Optional<TtlvItem> algorithm;
        int lengthBits;
        if (base.isPresent()) {
            StoredObject b = base.get();
            Payloads.requireOnline(b);
            if (b.objectType() != ObjectType.SYMMETRIC_KEY.value() && b.objectType() != ObjectType.SECRET_DATA.value()) {
                throw new KmipException(Payloads.reason(context, ResultReason.INVALID_OBJECT_TYPE, ResultReason.INVALID_FIELD),
                        "object " + ManagedObjects.printable(b.uniqueIdentifier()) + " is neither a Symmetric Key nor Secret Data");
            }
            if (Lifecycle.isDestroyed(b)) {
                throw Lifecycle.destroyed(context.version(), b);
            }
            secret = KeyMaterial.secretBytes(b);
            algorithm = KeyMaterial.algorithm(b).map(a -> TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, a));
            lengthBits = b.attribute("Cryptographic Length").map(a -> a.value().intValue()).orElse(secret.length * 8);
        } else {
            TtlvItem alg = clientValue(client, "Cryptographic Algorithm", ItemType.ENUMERATION)
                    .orElseThrow(() -> new KmipException(ResultReason.MISSING_DATA,
                            "Cryptographic Algorithm is missing (needed to generate the key to split)"));
            Integer length = clientValue(client, "Cryptographic Length", ItemType.INTEGER)
                    .map(TtlvItem::intValue).orElse(null);
            policy.requireNewKey(alg.enumValue(), length, null);
            SymmetricKeys.Generated generated = SymmetricKeys.generate(alg.enumValue(), length, random);
            secret = generated.material();
            lengthBits = generated.lengthBits();
            algorithm = Optional.of(alg);
        }
        List<Share> shares;
        try {
            shares = SecretSharing.split(parameters, secret, random);
        } catch (IllegalArgumentException e) {
            throw new KmipException(ResultReason.INVALID_FIELD, e.getMessage());
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        List<StoredObject> built = new ArrayList<>(shares.size());
        try {
            for (Share share : shares) {
                byte[] value = share.value();
                List<TtlvItem> block = new ArrayList<>();
                block.add(TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()));
                block.add(TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, value)));
                Arrays.fill(value, (byte) 0);
                algorithm.ifPresent(block::add);
                block.add(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, lengthBits));
                List<TtlvItem> fields = new ArrayList<>();
                fields.add(TtlvItem.integer(Tag.SPLIT_KEY_PARTS, parameters.parts()));
                fields.add(TtlvItem.integer(Tag.KEY_PART_IDENTIFIER, share.identifier()));
                fields.add(TtlvItem.integer(Tag.SPLIT_KEY_THRESHOLD, parameters.threshold()));
                fields.add(TtlvItem.enumeration(Tag.SPLIT_KEY_METHOD, method));
                if (prime != null) {
                    fields.add(TtlvItem.bigInteger(Tag.PRIME_FIELD_SIZE, prime));
                }
                fields.add(TtlvItem.structure(Tag.KEY_BLOCK, block));
                TtlvItem object = TtlvItem.structure(Tag.SPLIT_KEY, fields);
                List<TtlvItem> derived = new ArrayList<>();
                algorithm.ifPresent(derived::add);
                derived.add(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, lengthBits));
                built.add(NewObjects.build(context, ObjectType.SPLIT_KEY.value(), object, client, derived, rngParameters));
            }
        } finally {
            shares.forEach(Share::erase);
        }
        List<StoredObject> linked = new ArrayList<>(built.size());
        for (int i = 0; i < built.size(); i++) {
            StoredObject part = built.get(i);
            if (i > 0) {
                part = Links.add(part, LinkType.PREVIOUS_LINK, built.get(i - 1).uniqueIdentifier());
            }
            if (i < built.size() - 1) {
                part = Links.add(part, LinkType.NEXT_LINK, built.get(i + 1).uniqueIdentifier());
            }
            if (base.isPresent()) {
                part = Links.add(part, LinkType.PARENT_LINK, base.get().uniqueIdentifier());
            }
            linked.add(part);
        }
        long now = context.now();
        context.write(tx -> {
            for (StoredObject part : linked) {
                tx.insert(part);
            }
            if (base.isPresent()) {
                StoredObject current = ManagedObjects.load(context, tx, base.get().uniqueIdentifier());
                for (StoredObject part : linked) {
                    current = Links.add(current, LinkType.CHILD_LINK, part.uniqueIdentifier());
                }
                tx.update(Lifecycle.touch(current, now));
            }
            return null;
        });
        List<TtlvItem> response = new ArrayList<>();
        for (StoredObject part : linked) {
            response.add(Payloads.uniqueIdentifier(part.uniqueIdentifier()));
        }
        return Payloads.response(response);
    }

    private static Optional<TtlvItem> clientValue(List<KmipAttribute> client, String name, ItemType type) {
        return client.stream().filter(a -> a.name().equals(name) && a.value().type() == type)
                .map(KmipAttribute::value).findFirst();
    }
}
