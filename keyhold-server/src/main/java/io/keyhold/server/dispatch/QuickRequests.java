package io.keyhold.server.dispatch;

import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;

/**
 * Recognises from a request message's bytes alone, without decoding it, the requests that take microseconds
 * to answer when the store is local: a message of at most {@value #MAX_BYTES} bytes with one batch item whose
 * Operation is Get, Get Attributes, Get Attribute List, Query, Discover Versions, Encrypt or Decrypt. Anything
 * else, malformed bytes included, is not quick, and is decoded and answered the usual way.
 */
final class QuickRequests {
    /** Larger messages carry data whose processing takes time in proportion (Encrypt of a large block). */
    static final int MAX_BYTES = 8 * 1024;

    private static final int STRUCTURE = 0x01;
    private static final int ENUMERATION = 0x05;

    private QuickRequests() {
    }

    static boolean quick(byte[] message) {
        if (message.length > MAX_BYTES || message.length < 8 || tag(message, 0) != Tag.REQUEST_MESSAGE
                || message[3] != STRUCTURE || 8L + length(message, 0) != message.length) {
            return false;
        }
        int operation = -1;
        int items = 0;
        int p = 8;
        while (p < message.length) {
            int next = next(message, p, message.length);
            if (next < 0) {
                return false;
            }
            if (tag(message, p) == Tag.BATCH_ITEM) {
                if (++items > 1 || message[p + 3] != STRUCTURE) {
                    return false;
                }
                operation = operation(message, p + 8, next);
            }
            p = next;
        }
        return items == 1 && quickOperation(operation);
    }

    private static boolean quickOperation(int operation) {
        return operation == Operation.GET.value() || operation == Operation.GET_ATTRIBUTES.value()
                || operation == Operation.GET_ATTRIBUTE_LIST.value() || operation == Operation.QUERY.value()
                || operation == Operation.DISCOVER_VERSIONS.value() || operation == Operation.ENCRYPT.value()
                || operation == Operation.DECRYPT.value();
    }

    /** The Operation among the items from {@code p} to {@code end} (a batch item's contents), or -1. */
    private static int operation(byte[] m, int p, int end) {
        while (p < end) {
            int next = next(m, p, end);
            if (next < 0) {
                return -1;
            }
            if (tag(m, p) == Tag.OPERATION && m[p + 3] == ENUMERATION && length(m, p) == 4) {
                return readInt(m, p + 8);
            }
            p = next;
        }
        return -1;
    }

    /** Where the item at {@code p} ends, its value padded to 8 bytes; -1 when it would pass {@code end}. */
    private static int next(byte[] m, int p, int end) {
        if (end - p < 8) {
            return -1;
        }
        long padded = (length(m, p) + 7L) & ~7L;
        long next = p + 8L + padded;
        return next > end ? -1 : (int) next;
    }

    private static int tag(byte[] m, int p) {
        return (m[p] & 0xFF) << 16 | (m[p + 1] & 0xFF) << 8 | (m[p + 2] & 0xFF);
    }

    private static long length(byte[] m, int p) {
        return readInt(m, p + 4) & 0xFFFF_FFFFL;
    }

    private static int readInt(byte[] m, int p) {
        return (m[p] & 0xFF) << 24 | (m[p + 1] & 0xFF) << 16 | (m[p + 2] & 0xFF) << 8 | (m[p + 3] & 0xFF);
    }
}
