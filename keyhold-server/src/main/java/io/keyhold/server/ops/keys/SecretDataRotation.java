package io.keyhold.server.ops.keys;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SecretDataType;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.crypto.ServerRandom;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.object.NewObjects;
import io.keyhold.server.ops.object.Payloads;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.WriteTransaction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The replacement of a Secret Data object, as Re-key replaces a Symmetric Key: a new Secret Data of the same
 * Secret Data Type with fresh random bytes of the same length from the server's generator, taking over the old
 * object's attributes (Names included: they move) with the lifecycle dates handled as Re-key does for its
 * Offset; the old object gets a Replacement Object Link to the new one, the new one a Replaced Object Link to
 * the old one, and the old object's State does not change. A Password (Secret Data Type Password) gets random
 * letters and digits (A-Z, a-z, 0-9) of the same length instead of arbitrary bytes, so it stays typeable and
 * usable wherever the old one was. Used by scheduled rotation only: the KMIP Re-key a client sends still
 * replaces Symmetric Keys only.
 */
public final class SecretDataRotation {
    private static final char[] PASSWORD_CHARACTERS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final SecureRandom random;

    /** With the server's generator. */
    public SecretDataRotation() {
        this(ServerRandom.get());
    }

    public SecretDataRotation(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The replaced object (Names removed, Replacement Object Link added) and its replacement. */
    public record Replacement(StoredObject replaced, StoredObject created) {
    }

    /**
     * Makes the replacement of {@code old} in {@code tx}: inserts the new object, updates the old one. The new
     * object belongs to the old object's owner.
     *
     * @param offsetSeconds the new object's Activation Date is now plus this (as Re-key's Offset)
     * @throws KmipException Invalid Object Type for another object, Object Destroyed, Key Value Not Present when
     *                       the material is stored wrapped or is empty
     */
    public Replacement replace(OperationContext context, WriteTransaction tx, StoredObject old, long offsetSeconds)
            throws KmipException {
        if (old.objectType() != ObjectType.SECRET_DATA.value()) {
            throw new KmipException(ResultReason.INVALID_OBJECT_TYPE, "only Secret Data is replaced this way");
        }
        Payloads.requireOnline(old);
        if (Lifecycle.isDestroyed(old)) {
            throw Lifecycle.destroyed(context.version(), old);
        }
        TtlvItem structure = old.object();
        TtlvItem type = structure.child(Tag.SECRET_DATA_TYPE).filter(t -> t.type() == ItemType.ENUMERATION)
                .orElseThrow(() -> new KmipException(ResultReason.INVALID_FIELD, "the Secret Data has no Secret Data Type"));
        byte[] oldBytes = KeyMaterial.secretBytes(old);
        int length = oldBytes.length;
        Arrays.fill(oldBytes, (byte) 0);
        if (length == 0) {
            throw new KmipException(ResultReason.KEY_VALUE_NOT_PRESENT, "the Secret Data is empty");
        }
        byte[] fresh = type.enumValue() == SecretDataType.PASSWORD.value() ? password(length) : bytes(length);
        TtlvItem object = withMaterial(structure, fresh);
        Arrays.fill(fresh, (byte) 0);
        List<KmipAttribute> attributes = KeyAttributes.replacementAttributes(old, offsetSeconds, context.now());
        StoredObject created = ManagedObjects.replacementOf(old, NewObjects.build(context, ObjectType.SECRET_DATA.value(),
                object, attributes, List.of(), ServerRandom.describe(random)));
        created = KeyAttributes.withLink(created, LinkType.REPLACED_OBJECT_LINK, old.uniqueIdentifier());
        StoredObject replaced = KeyAttributes.withLink(KeyAttributes.withoutNames(old), LinkType.REPLACEMENT_OBJECT_LINK,
                created.uniqueIdentifier());
        replaced = Lifecycle.touch(replaced, context.now());
        tx.insert(created);
        tx.update(replaced);
        return new Replacement(replaced, created);
    }

    private byte[] bytes(int length) {
        byte[] out = new byte[length];
        random.nextBytes(out);
        return out;
    }

    private byte[] password(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = PASSWORD_CHARACTERS[random.nextInt(PASSWORD_CHARACTERS.length)];
        }
        byte[] out = new String(chars).getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(chars, '\0');
        return out;
    }

    /** The Secret Data structure with the Key Block's Key Value replaced by the new material, the rest kept. */
    private static TtlvItem withMaterial(TtlvItem structure, byte[] material) {
        List<TtlvItem> top = new ArrayList<>();
        for (TtlvItem c : structure.children()) {
            if (c.tag() != Tag.KEY_BLOCK) {
                top.add(c);
                continue;
            }
            List<TtlvItem> block = new ArrayList<>();
            for (TtlvItem b : c.children()) {
                block.add(b.tag() == Tag.KEY_VALUE
                        ? TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material.clone())) : b);
            }
            top.add(TtlvItem.structure(Tag.KEY_BLOCK, block));
        }
        return TtlvItem.structure(structure.tag(), top);
    }
}
