package io.keyhold.server.ops.pkcs11;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Pkcs11Function;
import io.keyhold.protocol.spec.Pkcs11ReturnCode;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.PayloadFields;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PKCS#11 (KMIP 2.0/2.1 section 6.1): a Cryptoki function call carried over KMIP. Keyhold offers a small
 * honest function set, not a token:
 *
 * <ul>
 *   <li>C_Initialize opens a Cryptoki session and answers its Correlation Value (16 random bytes), which
 *       the client sends with its later calls; the Input Parameters are not used;</li>
 *   <li>C_GetInfo answers a CK_INFO describing Keyhold ({@link CkInfo}) as Output Parameters;</li>
 *   <li>C_Finalize closes the session;</li>
 *   <li>every other function is answered with Return Code FUNCTION_NOT_SUPPORTED.</li>
 * </ul>
 *
 * C_GetInfo and C_Finalize without a Correlation Value, or with one that is unknown, finalized or
 * another client's, answer CRYPTOKI_NOT_INITIALIZED. These are PKCS#11 outcomes in a successful KMIP
 * response; KMIP errors are left for a malformed request: a missing PKCS#11 Function is an Invalid
 * Message, one the enumeration does not have is PKCS#11 Invalid Function. The PKCS#11 Interface, when
 * given, is not used. At most {@code maxSessions} sessions are kept; beyond that the oldest is dropped.
 */
public final class Pkcs11Handler implements OperationHandler {
    static final int DEFAULT_MAX_SESSIONS = 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] info;
    private final int maxSessions;
    /** Open sessions: correlation value (hex) to the identity that opened it. */
    private final Map<String, String> sessions = new LinkedHashMap<>();

    /** @param serverVersion the server's version ("1.4.0"), reported as the library version */
    public Pkcs11Handler(String serverVersion) {
        this(serverVersion, DEFAULT_MAX_SESSIONS);
    }

    Pkcs11Handler(String serverVersion, int maxSessions) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, got " + maxSessions);
        }
        int[] v = libraryVersion(serverVersion);
        this.info = CkInfo.encode("Keyhold", "Keyhold KMIP server", v[0], v[1]);
        this.maxSessions = maxSessions;
    }

    @Override
    public Operation operation() {
        return Operation.PKCS_11;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        int value = PayloadFields.optional(payload, Tag.PKCS_11_FUNCTION, ItemType.ENUMERATION)
                .orElseThrow(() -> new KmipException(ResultReason.INVALID_MESSAGE, "PKCS#11 Function is missing"))
                .enumValue();
        Pkcs11Function function = Pkcs11Function.fromValue(value).orElseThrow(() -> new KmipException(
                ResultReason.PKCS_11_INVALID_FUNCTION, String.format("PKCS#11 Function 0x%08X is unknown", value)));
        PayloadFields.optional(payload, Tag.PKCS_11_INTERFACE, ItemType.TEXT_STRING);
        PayloadFields.optional(payload, Tag.PKCS_11_INPUT_PARAMETERS, ItemType.BYTE_STRING);
        Optional<byte[]> correlation = PayloadFields.bytes(payload, Tag.CORRELATION_VALUE);
        String owner = context.identity().name();
        List<TtlvItem> out = new ArrayList<>();
        out.add(TtlvItem.enumeration(Tag.PKCS_11_FUNCTION, function.value()));
        Pkcs11ReturnCode code;
        switch (function) {
            case C_INITIALIZE -> {
                out.add(TtlvItem.bytes(Tag.CORRELATION_VALUE, open(owner)));
                code = Pkcs11ReturnCode.OK;
            }
            case C_GETINFO -> {
                if (isOpen(owner, correlation)) {
                    out.add(TtlvItem.bytes(Tag.PKCS_11_OUTPUT_PARAMETERS, info));
                    code = Pkcs11ReturnCode.OK;
                } else {
                    code = Pkcs11ReturnCode.CRYPTOKI_NOT_INITIALIZED;
                }
            }
            case C_FINALIZE -> code = close(owner, correlation) ? Pkcs11ReturnCode.OK
                    : Pkcs11ReturnCode.CRYPTOKI_NOT_INITIALIZED;
            default -> code = Pkcs11ReturnCode.FUNCTION_NOT_SUPPORTED;
        }
        out.add(TtlvItem.enumeration(Tag.PKCS_11_RETURN_CODE, code.value()));
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, out);
    }

    private byte[] open(String owner) {
        byte[] cv = new byte[16];
        RANDOM.nextBytes(cv);
        synchronized (sessions) {
            if (sessions.size() >= maxSessions) {
                Iterator<String> oldest = sessions.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            sessions.put(HexFormat.of().formatHex(cv), owner);
        }
        return cv;
    }

    private boolean isOpen(String owner, Optional<byte[]> correlation) {
        if (correlation.isEmpty()) {
            return false;
        }
        synchronized (sessions) {
            return owner.equals(sessions.get(HexFormat.of().formatHex(correlation.get())));
        }
    }

    private boolean close(String owner, Optional<byte[]> correlation) {
        if (!isOpen(owner, correlation)) {
            return false;
        }
        synchronized (sessions) {
            return sessions.remove(HexFormat.of().formatHex(correlation.get())) != null;
        }
    }

    /** Number of open sessions (for tests). */
    int openSessions() {
        synchronized (sessions) {
            return sessions.size();
        }
    }

    /** Major and minor of a version such as "1.4.0" or "1.4-SNAPSHOT" (0 for what cannot be read). */
    static int[] libraryVersion(String version) {
        String[] parts = version == null ? new String[0] : version.split("[.-]");
        int[] v = new int[2];
        for (int i = 0; i < 2 && i < parts.length; i++) {
            if (!parts[i].matches("\\d{1,3}")) {
                break; // "SNAPSHOT", "dev": the numbers read so far
            }
            v[i] = Math.min(255, Integer.parseInt(parts[i]));
        }
        return v;
    }
}
