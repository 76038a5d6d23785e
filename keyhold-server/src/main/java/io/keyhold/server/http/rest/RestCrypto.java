package io.keyhold.server.http.rest;

import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.DigitalSignatureAlgorithm;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.ValidityIndicator;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.dispatch.RequestProcessor;
import io.keyhold.server.http.HttpAnswer;
import io.keyhold.server.http.HttpCall;
import io.keyhold.server.http.Router;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The REST API for cryptographic operations with managed keys under {@code /v1/crypto}: Encrypt, Decrypt,
 * Sign, Signature Verify, MAC and MAC Verify, each one KMIP 2.1 request sent as the caller through
 * {@link KmipCalls} (so the key's owner, state and usage mask are checked as on the KMIP port). Data, IVs,
 * tags, signatures and MACs travel as base64; none of them ever appears in a problem document.
 */
public final class RestCrypto {
    private final KmipCalls kmip;

    private RestCrypto(KmipCalls kmip) {
        this.kmip = kmip;
    }

    /** Adds the {@code /v1/crypto} routes, each acting through the processor as the caller. */
    public static void register(Router router, RequestProcessor processor) {
        RestCrypto c = new RestCrypto(new KmipCalls(processor));
        Router.Access a = Router.Access.AUTHENTICATED;
        router.post("/v1/crypto/encrypt", a, c::encrypt);
        router.post("/v1/crypto/decrypt", a, c::decrypt);
        router.post("/v1/crypto/sign", a, c::sign);
        router.post("/v1/crypto/verify", a, c::verify);
        router.post("/v1/crypto/mac", a, c::mac);
        router.post("/v1/crypto/mac-verify", a, c::macVerify);
    }

    private HttpAnswer encrypt(HttpCall call) {
        JsonBody body = JsonBody.of(call, false);
        List<TtlvItem> request = start(body);
        cipherParameters(body).ifPresent(request::add);
        request.add(TtlvItem.bytes(Tag.DATA, body.bytes("data")));
        body.optionalBytes("iv").ifPresent(iv -> request.add(TtlvItem.bytes(Tag.IV_COUNTER_NONCE, iv)));
        body.optionalBytes("aad").ifPresent(aad -> request.add(TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA, aad)));
        TtlvItem answer = kmip.call(call, Operation.ENCRYPT, payload(request));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("data", base64(answer, Tag.DATA));
        optionalBase64(answer, Tag.IV_COUNTER_NONCE).ifPresent(iv -> out.put("iv", iv));
        optionalBase64(answer, Tag.AUTHENTICATED_ENCRYPTION_TAG).ifPresent(t -> out.put("tag", t));
        return HttpAnswer.ok(out);
    }

    private HttpAnswer decrypt(HttpCall call) {
        JsonBody body = JsonBody.of(call, false);
        List<TtlvItem> request = start(body);
        cipherParameters(body).ifPresent(request::add);
        request.add(TtlvItem.bytes(Tag.DATA, body.bytes("data")));
        body.optionalBytes("iv").ifPresent(iv -> request.add(TtlvItem.bytes(Tag.IV_COUNTER_NONCE, iv)));
        body.optionalBytes("aad").ifPresent(aad -> request.add(TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA, aad)));
        body.optionalBytes("tag").ifPresent(t -> request.add(TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_TAG, t)));
        TtlvItem answer = kmip.call(call, Operation.DECRYPT, payload(request));
        return HttpAnswer.ok(Map.of("data", base64(answer, Tag.DATA)));
    }

    private HttpAnswer sign(HttpCall call) {
        JsonBody body = JsonBody.of(call, false);
        List<TtlvItem> request = start(body);
        signatureParameters(body).ifPresent(request::add);
        request.add(TtlvItem.bytes(Tag.DATA, body.bytes("data")));
        TtlvItem answer = kmip.call(call, Operation.SIGN, payload(request));
        return HttpAnswer.ok(Map.of("signature", base64(answer, Tag.SIGNATURE_DATA)));
    }

    private HttpAnswer verify(HttpCall call) {
        JsonBody body = JsonBody.of(call, false);
        List<TtlvItem> request = start(body);
        signatureParameters(body).ifPresent(request::add);
        request.add(TtlvItem.bytes(Tag.DATA, body.bytes("data")));
        request.add(TtlvItem.bytes(Tag.SIGNATURE_DATA, body.bytes("signature")));
        TtlvItem answer = kmip.call(call, Operation.SIGNATURE_VERIFY, payload(request));
        return HttpAnswer.ok(Map.of("valid", valid(answer)));
    }

    private HttpAnswer mac(HttpCall call) {
        JsonBody body = JsonBody.of(call, false);
        List<TtlvItem> request = start(body);
        macParameters(body).ifPresent(request::add);
        request.add(TtlvItem.bytes(Tag.DATA, body.bytes("data")));
        TtlvItem answer = kmip.call(call, Operation.MAC, payload(request));
        return HttpAnswer.ok(Map.of("mac", base64(answer, Tag.MAC_DATA)));
    }

    private HttpAnswer macVerify(HttpCall call) {
        JsonBody body = JsonBody.of(call, false);
        List<TtlvItem> request = start(body);
        macParameters(body).ifPresent(request::add);
        request.add(TtlvItem.bytes(Tag.DATA, body.bytes("data")));
        request.add(TtlvItem.bytes(Tag.MAC_DATA, body.bytes("mac")));
        TtlvItem answer = kmip.call(call, Operation.MAC_VERIFY, payload(request));
        return HttpAnswer.ok(Map.of("valid", valid(answer)));
    }

    /** The payload's fields so far: the Unique Identifier of the key the body names. */
    private static List<TtlvItem> start(JsonBody body) {
        List<TtlvItem> request = new ArrayList<>();
        request.add(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, body.text("id")));
        return request;
    }

    /** Block Cipher Mode, Padding Method and Tag Length (bytes), when the body gives any of them. */
    private static Optional<TtlvItem> cipherParameters(JsonBody body) {
        List<TtlvItem> p = new ArrayList<>();
        body.optionalEnumeration("mode", BlockCipherMode.SPEC_NAME).ifPresent(m -> p.add(TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, m)));
        body.optionalEnumeration("padding", PaddingMethod.SPEC_NAME).ifPresent(m -> p.add(TtlvItem.enumeration(Tag.PADDING_METHOD, m)));
        body.optionalEnumeration("hash", HashingAlgorithm.SPEC_NAME).ifPresent(h -> p.add(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, h)));
        body.optionalInt("tagLength").ifPresent(t -> p.add(TtlvItem.integer(Tag.TAG_LENGTH, t)));
        return p.isEmpty() ? Optional.empty() : Optional.of(TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS, p));
    }

    /** Digital Signature Algorithm ({@code algorithm}), Hashing Algorithm ({@code hash}) and Padding Method. */
    private static Optional<TtlvItem> signatureParameters(JsonBody body) {
        List<TtlvItem> p = new ArrayList<>();
        body.optionalEnumeration("padding", PaddingMethod.SPEC_NAME).ifPresent(m -> p.add(TtlvItem.enumeration(Tag.PADDING_METHOD, m)));
        body.optionalEnumeration("hash", HashingAlgorithm.SPEC_NAME).ifPresent(h -> p.add(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, h)));
        body.optionalEnumeration("algorithm", DigitalSignatureAlgorithm.SPEC_NAME)
                .ifPresent(a -> p.add(TtlvItem.enumeration(Tag.DIGITAL_SIGNATURE_ALGORITHM, a)));
        return p.isEmpty() ? Optional.empty() : Optional.of(TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS, p));
    }

    /** The MAC's Cryptographic Algorithm ({@code algorithm}: HMAC-SHA256, AES for CMAC, ...). */
    private static Optional<TtlvItem> macParameters(JsonBody body) {
        return body.optionalEnumeration("algorithm", CryptographicAlgorithm.SPEC_NAME).map(a ->
                TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS, TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, a)));
    }

    private static TtlvItem payload(List<TtlvItem> fields) {
        return TtlvItem.structure(Tag.REQUEST_PAYLOAD, fields);
    }

    private static String base64(TtlvItem payload, int tag) {
        return optionalBase64(payload, tag).orElseThrow(() -> new IllegalStateException("the response has no "
                + io.keyhold.protocol.spec.SpecTable.get().tag(tag).map(io.keyhold.protocol.spec.TagDefinition::name)
                .orElse("data")));
    }

    private static Optional<String> optionalBase64(TtlvItem payload, int tag) {
        return payload.child(tag).map(t -> Base64.getEncoder().encodeToString(t.bytesValue()));
    }

    private static boolean valid(TtlvItem payload) {
        return payload.child(Tag.VALIDITY_INDICATOR).map(TtlvItem::enumValue)
                .orElseThrow(() -> new IllegalStateException("the response has no Validity Indicator"))
                == ValidityIndicator.VALID.value();
    }
}
