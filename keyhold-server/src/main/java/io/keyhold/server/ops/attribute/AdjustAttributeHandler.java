package io.keyhold.server.ops.attribute;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.AdjustmentType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.AttributeRules;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StoredObject;
import java.math.BigInteger;
import java.util.List;

/**
 * Adjust Attribute (KMIP 2.0/2.1 section 6.1): increments, decrements or negates the single instance of
 * a client-modifiable numeric attribute (Integer, Long Integer, Big Integer, Interval, Date-Time; Negate
 * also flips a Boolean). A missing attribute is Attribute Not Found, several instances Multi Valued
 * Attribute, another value type Invalid Data Type, a result out of the type's range Numeric Range.
 */
public final class AdjustAttributeHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.ADJUST_ATTRIBUTE;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        KmipVersion v = context.version();
        String uid = ManagedObjects.uniqueIdentifier(context, payload);
        List<TtlvItem> refs = payload.childrenWith(Tag.ATTRIBUTE_REFERENCE);
        if (refs.size() != 1) {
            throw new KmipException(ResultReason.INVALID_MESSAGE, "Adjust Attribute needs exactly one Attribute Reference");
        }
        String name = Attributes.referenceName(refs.get(0));
        int typeValue = Attributes.required(payload, Tag.ADJUSTMENT_TYPE, ItemType.ENUMERATION).enumValue();
        AdjustmentType type = AdjustmentType.fromValue(typeValue).orElseThrow(() -> new KmipException(
                ResultReason.INVALID_FIELD, "Adjustment Type " + typeValue + " is unknown"));
        TtlvItem amount = payload.child(Tag.ADJUSTMENT_VALUE).orElse(null);
        if (type != AdjustmentType.NEGATE && amount == null) {
            throw new KmipException(ResultReason.INVALID_MESSAGE, "Adjustment Value is missing");
        }
        context.write(tx -> {
            StoredObject o = ManagedObjects.load(context, tx, uid);
            List<KmipAttribute> existing = o.attributes(name);
            if (existing.isEmpty()) {
                throw Attributes.notFound(name, v);
            }
            if (existing.size() > 1) {
                throw new KmipException(ResultReason.MULTI_VALUED_ATTRIBUTE, "attribute " + name + " has "
                        + existing.size() + " instances");
            }
            KmipAttribute old = existing.get(0);
            AttributeRules.checkModifiable(old, o.objectType(), o.state(), v);
            KmipAttribute adjusted = new KmipAttribute(old.name(), old.index(), adjust(old.value(), type, amount));
            tx.update(Attributes.changed(o, Attributes.replace(o.attributes(), old, adjusted), context.now()));
            return null;
        });
        context.idPlaceholder(uid);
        return Attributes.responseWithIdentifier(uid, List.of());
    }

    static TtlvItem adjust(TtlvItem value, AdjustmentType type, TtlvItem amount) throws KmipException {
        if (value.type() == ItemType.BOOLEAN && type == AdjustmentType.NEGATE) {
            return TtlvItem.bool(value.tag(), !value.booleanValue());
        }
        BigInteger current = switch (value.type()) {
            case INTEGER -> BigInteger.valueOf(value.intValue());
            case LONG_INTEGER -> BigInteger.valueOf(value.longValue());
            case BIG_INTEGER -> value.bigIntegerValue();
            case INTERVAL -> BigInteger.valueOf(value.intervalValue());
            case DATE_TIME -> BigInteger.valueOf(value.dateTimeValue());
            default -> throw new KmipException(ResultReason.INVALID_DATA_TYPE,
                    "a " + value.type().xmlName() + " attribute cannot be adjusted");
        };
        BigInteger result;
        if (type == AdjustmentType.NEGATE) {
            if (value.type() == ItemType.INTERVAL || value.type() == ItemType.DATE_TIME) {
                throw new KmipException(ResultReason.INVALID_DATA_TYPE, "a " + value.type().xmlName() + " cannot be negated");
            }
            result = current.negate();
        } else {
            BigInteger delta = switch (amount.type()) {
                case INTEGER -> BigInteger.valueOf(amount.intValue());
                case LONG_INTEGER -> BigInteger.valueOf(amount.longValue());
                case BIG_INTEGER -> amount.bigIntegerValue();
                case INTERVAL -> BigInteger.valueOf(amount.intervalValue());
                default -> throw new KmipException(ResultReason.INVALID_DATA_TYPE,
                        "Adjustment Value is a " + amount.type().xmlName() + " (expected: a number or Interval)");
            };
            result = type == AdjustmentType.INCREMENT ? current.add(delta) : current.subtract(delta);
        }
        return switch (value.type()) {
            case INTEGER -> TtlvItem.integer(value.tag(), inRange(result, Integer.MIN_VALUE, Integer.MAX_VALUE).intValue());
            case LONG_INTEGER -> TtlvItem.longInteger(value.tag(), inRange(result, Long.MIN_VALUE, Long.MAX_VALUE).longValue());
            case BIG_INTEGER -> TtlvItem.bigInteger(value.tag(), result);
            case INTERVAL -> TtlvItem.interval(value.tag(), inRange(result, 0, 0xFFFFFFFFL).longValue());
            default -> TtlvItem.dateTime(value.tag(), inRange(result, Long.MIN_VALUE, Long.MAX_VALUE).longValue());
        };
    }

    private static BigInteger inRange(BigInteger v, long min, long max) throws KmipException {
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new KmipException(ResultReason.NUMERIC_RANGE, "adjusted value " + v + " is out of range");
        }
        return v;
    }
}
