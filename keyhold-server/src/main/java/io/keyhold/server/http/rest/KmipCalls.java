package io.keyhold.server.http.rest;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.MessageEncoder;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.dispatch.RequestProcessor;
import io.keyhold.server.http.HttpCall;
import io.keyhold.server.http.HttpProblem;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Sends one KMIP 2.1 request (one batch item) through the same {@link RequestProcessor} as the KMIP port, as
 * the HTTPS caller ({@link HttpCall#kmipContext()}), so that access control, lifecycle rules and audit are
 * exactly the KMIP port's. A batch item that fails becomes an {@link HttpProblem} whose status follows the
 * Result Reason ({@link #statusOf}), whose detail is the Result Reason and the server's Result Message
 * ("Object Not Found: ...") and whose document carries the reason as {@code kmipResultReason}. Thread-safe.
 */
public final class KmipCalls {
    /** The problem document member naming the KMIP Result Reason. */
    public static final String RESULT_REASON_MEMBER = "kmipResultReason";

    private final RequestProcessor processor;
    private final MessageEncoder encoder = new MessageEncoder();
    private final TtlvDecoder decoder = new TtlvDecoder();

    public KmipCalls(RequestProcessor processor) {
        this.processor = Objects.requireNonNull(processor, "processor");
    }

    /**
     * Runs the operation with the Request Payload as the caller and returns the Response Payload (an empty one
     * when the response has none).
     *
     * @throws HttpProblem when the operation fails (status from the Result Reason), or 500 when the response
     *                     cannot be read
     */
    public TtlvItem call(HttpCall call, Operation operation, TtlvItem requestPayload) {
        RequestMessage request = new RequestMessage(RequestHeader.of(KmipVersion.V2_1, 1),
                List.of(RequestBatchItem.of(operation, requestPayload)));
        byte[] encoded;
        try {
            encoded = encoder.encode(request);
        } catch (CodecException e) {
            throw HttpProblem.badRequest("the request does not fit KMIP 2.1 " + operation.specName() + ": "
                    + e.getMessage());
        }
        byte[] answer = processor.process(encoded, call.kmipContext());
        ResponseBatchItem item;
        try {
            ResponseMessage response = ResponseMessage.from(decoder.decode(answer));
            if (response.batchItems().size() != 1) {
                throw new IllegalStateException(operation.specName() + " was answered with "
                        + response.batchItems().size() + " batch items");
            }
            item = response.batchItems().get(0);
        } catch (CodecException | KmipException e) {
            throw new IllegalStateException("the " + operation.specName() + " response cannot be read: "
                    + e.getMessage(), e);
        }
        if (item.resultStatus() == ResultStatus.SUCCESS.value()) {
            return item.payload() != null ? item.payload() : TtlvItem.structure(Tag.RESPONSE_PAYLOAD);
        }
        if (item.resultStatus() != ResultStatus.OPERATION_FAILED.value()) {
            throw new IllegalStateException(operation.specName() + " was answered with Result Status "
                    + ResultStatus.fromValue(item.resultStatus()).map(ResultStatus::specName)
                    .orElse(String.valueOf(item.resultStatus())));
        }
        ResultReason reason = item.resultReason() == null ? ResultReason.GENERAL_FAILURE
                : ResultReason.fromValue(item.resultReason()).orElse(ResultReason.GENERAL_FAILURE);
        throw problem(reason, item.resultMessage());
    }

    /** The problem standing for a failed KMIP operation. */
    public static HttpProblem problem(ResultReason reason, String resultMessage) {
        String name = reason.specName();
        String detail = resultMessage == null || resultMessage.isBlank() ? name : name + ": " + resultMessage;
        String slug = "kmip-" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return new HttpProblem(statusOf(reason), slug, name, detail, Map.of(RESULT_REASON_MEMBER, name));
    }

    /**
     * The HTTP status for a Result Reason:
     * <ul>
     * <li>404: the object or attribute does not exist or the caller may not see it (Item / Object / Attribute
     * (Instance) Not Found);</li>
     * <li>410: Object Destroyed (the object is known but its material is gone);</li>
     * <li>403: the caller may not do this (Permission Denied, Not Authorised, Sensitive, Not Extractable,
     * Attribute Read Only, attestation, tickets and passwords);</li>
     * <li>409: the object's state or attributes conflict with the request (Wrong Key Lifecycle State, Object
     * Already Exists, Non Unique Name Attribute, Key Value Not Present, Object Archived, Incompatible Cryptographic
     * Usage Mask, Usage Limit Exceeded, single- / multi-valued attribute conflicts);</li>
     * <li>400: the request is malformed (Invalid Message, Invalid Field, Missing Data, Invalid Data Type, Unknown
     * Tag / Enumeration, Numeric Range, Missing Initialization Vector, Invalid Correlation Value, ...);</li>
     * <li>422: well formed, but not something this server can do with this object (Operation / Feature Not
     * Supported, Key Format / Compression / Wrap Type Not Supported, Bad / Unsupported Cryptographic Parameters,
     * Cryptographic Failure, Invalid / Illegal Object Type, Invalid Attribute (Value), Unsupported Attribute,
     * Constraint Violation, Unknown Object Group, Wrapping Object Not Found, Protection Storage Unavailable);</li>
     * <li>429: Server Limit Exceeded;</li>
     * <li>500: everything else (General Failure, Internal Server Error, ...).</li>
     * </ul>
     */
    public static int statusOf(ResultReason reason) {
        return switch (reason) {
            case ITEM_NOT_FOUND, OBJECT_NOT_FOUND, ATTRIBUTE_NOT_FOUND, ATTRIBUTE_INSTANCE_NOT_FOUND -> 404;
            case OBJECT_DESTROYED -> 410;
            case PERMISSION_DENIED, NOT_AUTHORISED, AUTHENTICATION_NOT_SUCCESSFUL, SENSITIVE, NOT_EXTRACTABLE,
                 ATTESTATION_REQUIRED, ATTESTATION_FAILED, INVALID_TICKET, BAD_PASSWORD, ATTRIBUTE_READ_ONLY,
                 READ_ONLY_ATTRIBUTE, ILLEGAL_OPERATION -> 403;
            case WRONG_KEY_LIFECYCLE_STATE, OBJECT_ALREADY_EXISTS, NON_UNIQUE_NAME_ATTRIBUTE, KEY_VALUE_NOT_PRESENT,
                 OBJECT_ARCHIVED, WRAPPING_OBJECT_ARCHIVED, WRAPPING_OBJECT_DESTROYED,
                 INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, USAGE_LIMIT_EXCEEDED, ATTRIBUTE_SINGLE_VALUED,
                 MULTI_VALUED_ATTRIBUTE, DUPLICATE_PROCESS_REQUEST -> 409;
            case INVALID_MESSAGE, INVALID_FIELD, MISSING_DATA, INVALID_DATA_TYPE, UNKNOWN_ENUMERATION, UNKNOWN_TAG,
                 UNKNOWN_MESSAGE_EXTENSION, CODEC_ERROR, NUMERIC_RANGE, INDEX_OUT_OF_BOUNDS,
                 MISSING_INITIALIZATION_VECTOR, INVALID_CORRELATION_VALUE, INVALID_ASYNCHRONOUS_CORRELATION_VALUE,
                 RESPONSE_TOO_LARGE, ENCODING_OPTION_ERROR, UNSUPPORTED_PROTOCOL_VERSION -> 400;
            case OPERATION_NOT_SUPPORTED, FEATURE_NOT_SUPPORTED, KEY_FORMAT_TYPE_NOT_SUPPORTED,
                 KEY_COMPRESSION_TYPE_NOT_SUPPORTED, KEY_WRAP_TYPE_NOT_SUPPORTED, APPLICATION_NAMESPACE_NOT_SUPPORTED,
                 BAD_CRYPTOGRAPHIC_PARAMETERS, UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, CRYPTOGRAPHIC_FAILURE,
                 INVALID_OBJECT_TYPE, ILLEGAL_OBJECT_TYPE, INVALID_CSR, INVALID_ATTRIBUTE, INVALID_ATTRIBUTE_VALUE,
                 UNSUPPORTED_ATTRIBUTE, CONSTRAINT_VIOLATION, UNKNOWN_OBJECT_GROUP, WRAPPING_OBJECT_NOT_FOUND,
                 PROTECTION_STORAGE_UNAVAILABLE, PRIVATE_PROTECTION_STORAGE_UNAVAILABLE,
                 PUBLIC_PROTECTION_STORAGE_UNAVAILABLE -> 422;
            case SERVER_LIMIT_EXCEEDED -> 429;
            default -> 500;
        };
    }
}
