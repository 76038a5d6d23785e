package io.keyhold.benchmarks;

import io.keyhold.protocol.spec.CertificateType;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.NameType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Binary TTLV encode and decode of three typical messages: a KMIP 1.4 Get request, its response carrying
 * an AES-256 Symmetric Key, and a Register request of a 4 KiB X.509 certificate.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TtlvCodecBenchmark {
    @Param({"getRequest", "getResponse", "registerCertificate"})
    public String message;

    private final TtlvEncoder encoder = new TtlvEncoder();
    private final TtlvDecoder decoder = new TtlvDecoder();
    private TtlvItem tree;
    private byte[] bytes;

    @Setup
    public void setUp() {
        tree = switch (message) {
            case "getRequest" -> getRequest();
            case "getResponse" -> getResponse();
            case "registerCertificate" -> registerCertificate();
            default -> throw new IllegalArgumentException(message);
        };
        bytes = encoder.encode(tree);
    }

    @Benchmark
    public byte[] encode() {
        return encoder.encode(tree);
    }

    @Benchmark
    public TtlvItem decode() throws CodecException {
        return decoder.decode(bytes);
    }

    static TtlvItem header(int headerTag, TtlvItem... extra) {
        TtlvItem[] children = new TtlvItem[2 + extra.length];
        children[0] = TtlvItem.structure(Tag.PROTOCOL_VERSION,
                TtlvItem.integer(Tag.PROTOCOL_VERSION_MAJOR, 1),
                TtlvItem.integer(Tag.PROTOCOL_VERSION_MINOR, 4));
        System.arraycopy(extra, 0, children, 1, extra.length);
        children[children.length - 1] = TtlvItem.integer(Tag.BATCH_COUNT, 1);
        return TtlvItem.structure(headerTag, children);
    }

    static TtlvItem getRequest() {
        return TtlvItem.structure(Tag.REQUEST_MESSAGE,
                header(Tag.REQUEST_HEADER),
                TtlvItem.structure(Tag.BATCH_ITEM,
                        TtlvItem.enumeration(Tag.OPERATION, Operation.GET.value()),
                        TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "49a1ca88-6bea-4fb2-b450-7e58802c3038"))));
    }

    static TtlvItem getResponse() {
        byte[] keyMaterial = new byte[32];
        for (int i = 0; i < keyMaterial.length; i++) {
            keyMaterial[i] = (byte) (i * 7 + 1);
        }
        return TtlvItem.structure(Tag.RESPONSE_MESSAGE,
                header(Tag.RESPONSE_HEADER, TtlvItem.dateTime(Tag.TIME_STAMP, 1_700_000_000L)),
                TtlvItem.structure(Tag.BATCH_ITEM,
                        TtlvItem.enumeration(Tag.OPERATION, Operation.GET.value()),
                        TtlvItem.enumeration(Tag.RESULT_STATUS, ResultStatus.SUCCESS.value()),
                        TtlvItem.structure(Tag.RESPONSE_PAYLOAD,
                                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "49a1ca88-6bea-4fb2-b450-7e58802c3038"),
                                TtlvItem.structure(Tag.SYMMETRIC_KEY,
                                        TtlvItem.structure(Tag.KEY_BLOCK,
                                                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                                                TtlvItem.structure(Tag.KEY_VALUE,
                                                        TtlvItem.bytes(Tag.KEY_MATERIAL, keyMaterial)),
                                                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()),
                                                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256))))));
    }

    static TtlvItem registerCertificate() {
        byte[] der = new byte[4096];
        for (int i = 0; i < der.length; i++) {
            der[i] = (byte) (i * 31 + 17);
        }
        return TtlvItem.structure(Tag.REQUEST_MESSAGE,
                header(Tag.REQUEST_HEADER),
                TtlvItem.structure(Tag.BATCH_ITEM,
                        TtlvItem.enumeration(Tag.OPERATION, Operation.REGISTER.value()),
                        TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.CERTIFICATE.value()),
                                TtlvItem.structure(Tag.TEMPLATE_ATTRIBUTE,
                                        TtlvItem.structure(Tag.ATTRIBUTE,
                                                TtlvItem.text(Tag.ATTRIBUTE_NAME, "Name"),
                                                TtlvItem.structure(Tag.ATTRIBUTE_VALUE,
                                                        TtlvItem.text(Tag.NAME_VALUE, "web-server-2025"),
                                                        TtlvItem.enumeration(Tag.NAME_TYPE, NameType.UNINTERPRETED_TEXT_STRING.value()))),
                                        TtlvItem.structure(Tag.ATTRIBUTE,
                                                TtlvItem.text(Tag.ATTRIBUTE_NAME, "Cryptographic Usage Mask"),
                                                TtlvItem.integer(Tag.ATTRIBUTE_VALUE,
                                                        CryptographicUsageMask.VERIFY.value()))),
                                TtlvItem.structure(Tag.CERTIFICATE,
                                        TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, CertificateType.X_509.value()),
                                        TtlvItem.bytes(Tag.CERTIFICATE_VALUE, der)))));
    }
}
