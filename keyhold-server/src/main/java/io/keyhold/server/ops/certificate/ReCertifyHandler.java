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
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * Re-certify (KMIP 1.4 section 4.8, 2.1 section 6.1): a new certificate from the server's CA for the
 * key of an existing Certificate object (named by Unique Identifier or the ID Placeholder), with the
 * subject and key of the PKCS#10 request when one is given, else those of the existing certificate. The
 * old certificate gets a Replacement Object Link to the new one, the new one a Replaced Object Link to the
 * old one; a Public Key Link of the old certificate is carried over and the key gets a Certificate Link to
 * the new one.
 *
 * <p>Offset: the new certificate's Activation Date is its Initial Date plus the Offset, and when the old
 * certificate has Activation and Deactivation Dates, the new Deactivation Date keeps the old distance from
 * the Activation Date. Without Offset the dates are the client's (template) ones only. Unless the request
 * names the new certificate, the old certificate's Names move to the new one (as Re-key does with keys);
 * its other attributes are not copied.
 */
final class ReCertifyHandler implements OperationHandler {
    private final Issuing issuing;

    ReCertifyHandler(Issuing issuing) {
        this.issuing = Objects.requireNonNull(issuing, "issuing");
    }

    @Override
    public Operation operation() {
        return Operation.RE_CERTIFY;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        String uid = ManagedObjects.uniqueIdentifier(context, payload);
        StoredObject old = context.read(tx -> ManagedObjects.load(context, tx, uid));
        Payloads.requireOnline(old);
        if (old.objectType() != ObjectType.CERTIFICATE.value()) {
            throw new KmipException(Payloads.reason(context, ResultReason.INVALID_OBJECT_TYPE, ResultReason.INVALID_FIELD),
                    "object " + ManagedObjects.printable(uid) + " is not a Certificate");
        }
        X509Certificate oldCertificate = Issuing.certificate(old);
        Optional<CertificationRequest> request = Issuing.request(payload);
        Optional<Long> offset = Payloads.optional(payload, Tag.OFFSET, ItemType.INTERVAL).map(TtlvItem::intervalValue);
        X500Principal subject = request.map(CertificationRequest::subject).filter(s -> s.getEncoded().length > 2)
                .orElse(oldCertificate.getSubjectX500Principal());
        PublicKey key = request.map(CertificationRequest::publicKey).orElse(oldCertificate.getPublicKey());
        List<KmipAttribute> client = Issuing.clientAttributes(context, payload);
        StoredObject issued = ManagedObjects.replacementOf(old, issuing.issue(context, subject, key, client));
        long now = context.now();
        if (offset.isPresent()) {
            long activation = now + offset.get();
            issued = Lifecycle.with(issued, TtlvItem.dateTime(Tag.ACTIVATION_DATE, activation));
            Optional<Long> oldActivation = date(old, "Activation Date");
            Optional<Long> oldDeactivation = date(old, "Deactivation Date");
            if (oldActivation.isPresent() && oldDeactivation.isPresent()) {
                issued = Lifecycle.with(issued, TtlvItem.dateTime(Tag.DEACTIVATION_DATE,
                        activation + (oldDeactivation.get() - oldActivation.get())));
            }
            issued = Lifecycle.applyDueDates(issued, now);
        }
        issued = Links.add(issued, LinkType.REPLACED_OBJECT_LINK, uid);
        Optional<String> keyUid = Links.target(old, LinkType.PUBLIC_KEY_LINK);
        if (keyUid.isPresent() && request.isEmpty()) {
            issued = Links.add(issued, LinkType.PUBLIC_KEY_LINK, keyUid.get());
        }
        boolean moveNames = client.stream().noneMatch(a -> a.name().equals("Name"));
        if (moveNames) {
            List<KmipAttribute> withNames = new ArrayList<>(issued.attributes());
            withNames.addAll(old.attributes("Name"));
            issued = issued.withAttributes(withNames);
        }
        StoredObject fresh = issued;
        context.write(tx -> {
            tx.insert(fresh);
            StoredObject current = ManagedObjects.load(context, tx, uid);
            if (moveNames) {
                List<KmipAttribute> kept = new ArrayList<>(current.attributes());
                kept.removeIf(a -> a.name().equals("Name"));
                current = current.withAttributes(kept);
            }
            tx.update(Lifecycle.touch(Links.add(current, LinkType.REPLACEMENT_OBJECT_LINK, fresh.uniqueIdentifier()), now));
            if (keyUid.isPresent() && request.isEmpty()) {
                Optional<StoredObject> publicKey = tx.get(keyUid.get()).filter(k -> ManagedObjects.permitted(context, tx, k));
                if (publicKey.isPresent()) {
                    tx.update(Lifecycle.touch(Links.add(publicKey.get(), LinkType.CERTIFICATE_LINK, fresh.uniqueIdentifier()), now));
                }
            }
            return null;
        });
        context.idPlaceholder(fresh.uniqueIdentifier());
        return Payloads.response(Payloads.uniqueIdentifier(fresh.uniqueIdentifier()));
    }

    private static Optional<Long> date(StoredObject object, String name) {
        return object.attribute(name).map(a -> a.value().dateTimeValue());
    }
}
