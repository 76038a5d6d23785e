package io.keyhold.server.crypto.format;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.RecommendedCurve;
import io.keyhold.protocol.spec.ResultReason;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;

/** The Recommended Curves of KMIP (1.4 section 9.1.3.2.5) this server converts, with their ASN.1 object identifiers. */
final class Curves {
    private static final Map<RecommendedCurve, ASN1ObjectIdentifier> OIDS = new EnumMap<>(RecommendedCurve.class);
    private static final Map<ASN1ObjectIdentifier, RecommendedCurve> CURVES = new HashMap<>();

    static {
        add(RecommendedCurve.P_192, "1.2.840.10045.3.1.1");
        add(RecommendedCurve.P_224, "1.3.132.0.33");
        add(RecommendedCurve.P_256, "1.2.840.10045.3.1.7");
        add(RecommendedCurve.P_384, "1.3.132.0.34");
        add(RecommendedCurve.P_521, "1.3.132.0.35");
        add(RecommendedCurve.SECP256K1, "1.3.132.0.10");
        add(RecommendedCurve.BRAINPOOLP256R1, "1.3.36.3.3.2.8.1.1.7");
        add(RecommendedCurve.BRAINPOOLP384R1, "1.3.36.3.3.2.8.1.1.11");
        add(RecommendedCurve.BRAINPOOLP512R1, "1.3.36.3.3.2.8.1.1.13");
    }

    private Curves() {}

    private static void add(RecommendedCurve curve, String oid) {
        ASN1ObjectIdentifier id = new ASN1ObjectIdentifier(oid);
        OIDS.put(curve, id);
        CURVES.put(id, curve);
    }

    static ASN1ObjectIdentifier oid(int recommendedCurve) throws KmipException {
        RecommendedCurve curve = RecommendedCurve.fromValue(recommendedCurve).orElse(null);
        ASN1ObjectIdentifier oid = curve == null ? null : OIDS.get(curve);
        if (oid == null) {
            throw new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "Recommended Curve "
                    + (curve == null ? "0x" + Integer.toHexString(recommendedCurve) : curve.specName())
                    + " is not supported for key conversion");
        }
        return oid;
    }

    static RecommendedCurve curve(ASN1ObjectIdentifier oid) throws KmipException {
        RecommendedCurve curve = CURVES.get(oid);
        if (curve == null) {
            throw new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "the key's curve " + oid
                    + " has no KMIP Recommended Curve this server converts");
        }
        return curve;
    }

    /** Bit length of the curve's group order (the size of a private value). */
    static int orderBits(ASN1ObjectIdentifier oid) throws KmipException {
        X9ECParameters p = ECNamedCurveTable.getByOID(oid);
        if (p == null) {
            throw new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "unknown curve " + oid);
        }
        return p.getN().bitLength();
    }
}
