package io.keyhold.server.ops.certificate;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CertificateType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.ValidityIndicator;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.pki.CertificateAuthority;
import io.keyhold.server.crypto.pki.ChainValidation;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.object.Payloads;
import io.keyhold.server.store.StoredObject;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Validate (KMIP 1.4 section 4.24, 2.1 section 6.1): checks a certificate chain given as Certificate
 * structures and/or Unique Identifiers of Certificate objects, leaf first, in payload order, at the
 * Validity Date (now when absent), and answers the Validity Indicator (see {@link ChainValidation}):
 * Valid, Invalid, or Unknown when the chain ends with a certificate that is neither self-signed nor issued
 * by this server's CA. Revocation is not checked. Only X.509 certificates are accepted; one that cannot be
 * parsed is Invalid Field.
 */
final class ValidateHandler implements OperationHandler {
    private final Issuing issuing;

    ValidateHandler(Issuing issuing) {
        this.issuing = Objects.requireNonNull(issuing, "issuing");
    }

    @Override
    public Operation operation() {
        return Operation.VALIDATE;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        List<X509Certificate> chain = new ArrayList<>();
        for (TtlvItem c : payload.children()) {
            if (c.tag() == Tag.CERTIFICATE) {
                chain.add(parse(c));
            } else if (c.tag() == Tag.UNIQUE_IDENTIFIER) {
                if (c.type() != ItemType.TEXT_STRING) {
                    throw new KmipException(ResultReason.INVALID_FIELD, "Unique Identifier must be a Text String");
                }
                StoredObject object = context.read(tx -> ManagedObjects.load(context, tx, c.textValue()));
                Payloads.requireOnline(object);
                if (object.objectType() != ObjectType.CERTIFICATE.value()) {
                    throw new KmipException(Payloads.reason(context, ResultReason.INVALID_OBJECT_TYPE, ResultReason.INVALID_FIELD),
                            "object " + ManagedObjects.printable(c.textValue()) + " is not a Certificate");
                }
                chain.add(Issuing.certificate(object));
            }
        }
        if (chain.isEmpty()) {
            throw new KmipException(ResultReason.MISSING_DATA, "no Certificate and no Unique Identifier to validate");
        }
        Instant at = Payloads.optional(payload, Tag.VALIDITY_DATE, ItemType.DATE_TIME)
                .map(d -> Instant.ofEpochSecond(d.dateTimeValue())).orElse(context.clock().instant());
        ValidityIndicator v = ChainValidation.validate(chain, issuing.caCertificate(context), at);
        return Payloads.response(TtlvItem.enumeration(Tag.VALIDITY_INDICATOR, v.value()));
    }

    private static X509Certificate parse(TtlvItem certificate) throws KmipException {
        if (!certificate.isStructure()) {
            throw new KmipException(ResultReason.INVALID_MESSAGE, "Certificate must be a Structure");
        }
        int type = Payloads.required(certificate, Tag.CERTIFICATE_TYPE, ItemType.ENUMERATION).enumValue();
        if (type != CertificateType.X_509.value()) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "only X.509 certificates can be validated");
        }
        byte[] der = Payloads.required(certificate, Tag.CERTIFICATE_VALUE, ItemType.BYTE_STRING).bytesValue();
        try {
            return CertificateAuthority.parse(der);
        } catch (CertificateException | RuntimeException e) {
            throw new KmipException(ResultReason.INVALID_FIELD, "a Certificate Value is not a DER X.509 certificate");
        }
    }
}
