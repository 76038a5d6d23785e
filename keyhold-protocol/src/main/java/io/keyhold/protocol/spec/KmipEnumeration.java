package io.keyhold.protocol.spec;

/** A value of a KMIP enumeration or a bit of a KMIP mask, as generated from the spec table. */
public interface KmipEnumeration {
    /** The 32-bit value sent on the wire. */
    int value();

    /** The name as the specification spells it ("Symmetric Key"). */
    String specName();
}
