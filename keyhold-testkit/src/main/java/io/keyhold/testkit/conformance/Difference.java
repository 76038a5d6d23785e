package io.keyhold.testkit.conformance;

/**
 * The first place where a response differs from the vector's expected one.
 *
 * @param path     where, as "message 3 / BatchItem / ResponsePayload / Attribute[2] / AttributeValue"
 * @param expected what the vector holds there, printed for a reader ("missing" when the field is absent)
 * @param actual   what the server sent there
 */
public record Difference(String path, String expected, String actual) {
    @Override
    public String toString() {
        return path + ": expected " + expected + ", got " + actual;
    }
}
