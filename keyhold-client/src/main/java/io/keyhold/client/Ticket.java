package io.keyhold.client;

import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TicketType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A Ticket issued by Login (KMIP 2.0 and later): its Ticket Type and Ticket Value. Whoever holds the value
 * may act as the identity that logged in, until Logout or the ticket's lease ends; {@link #toString()} does
 * not show it.
 *
 * @param type  Ticket Type
 * @param value Ticket Value
 */
public record Ticket(int type, byte[] value) {
    public Ticket {
        value = Objects.requireNonNull(value, "value").clone();
    }

    /** A Login ticket of this value. */
    public static Ticket login(byte[] value) {
        return new Ticket(TicketType.LOGIN.value(), value);
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The value in hex, as the command line shows it. */
    public String hex() {
        return HexFormat.of().formatHex(value);
    }

    /** The Ticket structure. */
    public TtlvItem toTtlv() {
        return TtlvItem.structure(Tag.TICKET, TtlvItem.enumeration(Tag.TICKET_TYPE, type), TtlvItem.bytes(Tag.TICKET_VALUE, value));
    }

    @Override
    public String toString() {
        return "Ticket[type=" + type + "]";
    }
}
