package io.keyhold.server.ops.certificate;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.pki.CertificationRequests.CertificationRequest;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.object.Payloads;
import io.keyhold.server.store.StoredObject;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * Certify (KMIP 1.4 section 4.7, 2.1 section 6.1): the server's CA signs an X.509 certificate for a
 * PKCS#10 request (DER, or PEM) or for a stored Public Key, and stores it as a Certificate object with the
 * attributes Register derives from certificates. With a Public Key (named by Unique Identifier, or the ID
 * Placeholder when no request is given) the two are linked both ways: Certificate Link on the key, Public
 * Key Link on the certificate; a request given with a Unique Identifier must carry that key.
 *
 * <p>The subject is the request's, else the X.509 Certificate Subject (1.x Certificate Subject) in the
 * request's attributes. The certificate is valid for one year from now. A request whose signature does not
 * verify is Invalid CSR (1.x: Invalid Field). CRMF and PGP requests are Feature Not Supported.
 */
final class CertifyHandler implements OperationHandler {
    private final Issuing issuing;

    CertifyHandler(Issuing issuing) {
        this.issuing = Objects.requireNonNull(issuing, "issuing");
    }

    @Override
    public Operation operation() {
        return Operation.CERTIFY;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        Optional<CertificationRequest> request = Issuing.request(payload);
        Optional<String> keyUid;
        if (request.isPresent()) {
            keyUid = Payloads.optional(payload, Tag.UNIQUE_IDENTIFIER, ItemType.TEXT_STRING).map(TtlvItem::textValue);
        } else {
            keyUid = Optional.of(ManagedObjects.uniqueIdentifier(context, payload));
        }
        Optional<StoredObject> keyObject = keyUid.isEmpty() ? Optional.empty()
                : Optional.of(context.read(tx -> ManagedObjects.load(context, tx, keyUid.get())));
        PublicKey key;
        if (keyObject.isPresent()) {
            StoredObject k = keyObject.get();
            Payloads.requireOnline(k);
            if (k.objectType() != ObjectType.PUBLIC_KEY.value()) {
                throw new KmipException(Payloads.reason(context, ResultReason.INVALID_OBJECT_TYPE, ResultReason.INVALID_FIELD),
                        "object " + ManagedObjects.printable(k.uniqueIdentifier()) + " is not a Public Key");
            }
            key = Issuing.publicKey(k);
            if (request.isPresent() && !MessageDigest.isEqual(key.getEncoded(), request.get().publicKey().getEncoded())) {
                throw new KmipException(ResultReason.INVALID_FIELD, "the certificate request is for another public key than "
                        + ManagedObjects.printable(k.uniqueIdentifier()));
            }
        } else {
            key = request.orElseThrow().publicKey();
        }
        Optional<X500Principal> subject = request.map(CertificationRequest::subject).filter(s -> s.getEncoded().length > 2);
        if (subject.isEmpty()) {
            subject = Issuing.subject(context, payload);
        }
        if (subject.isEmpty()) {
            throw new KmipException(ResultReason.MISSING_DATA, "no certificate subject: give a PKCS#10 request or the"
                    + " X.509 Certificate Subject (1.x: Certificate Subject) attribute");
        }
        List<KmipAttribute> client = Issuing.clientAttributes(context, payload);
        StoredObject certificate = issuing.issue(context, subject.get(), key, client);
        StoredObject linked = keyObject.isPresent()
                ? Links.add(certificate, LinkType.PUBLIC_KEY_LINK, keyObject.get().uniqueIdentifier()) : certificate;
        long now = context.now();
        context.write(tx -> {
            tx.insert(linked);
            if (keyObject.isPresent()) {
                StoredObject current = ManagedObjects.load(context, tx, keyObject.get().uniqueIdentifier());
                tx.update(Lifecycle.touch(Links.add(current, LinkType.CERTIFICATE_LINK, linked.uniqueIdentifier()), now));
            }
            return null;
        });
        context.idPlaceholder(linked.uniqueIdentifier());
        return Payloads.response(Payloads.uniqueIdentifier(linked.uniqueIdentifier()));
    }
}
