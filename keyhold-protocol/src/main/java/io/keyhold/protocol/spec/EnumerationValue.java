package io.keyhold.protocol.spec;

/**
 * One value of a KMIP enumeration, or one bit of a mask.
 *
 * @param name           as the specification spells it ("Symmetric Key")
 * @param normalizedName as in the XML and JSON encodings ("SymmetricKey")
 * @param value          the 32-bit value
 * @param versions       the KMIP versions in which it exists
 */
public record EnumerationValue(String name, String normalizedName, int value, VersionSet versions) {}
