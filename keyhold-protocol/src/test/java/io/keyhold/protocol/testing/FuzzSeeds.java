package io.keyhold.protocol.testing;

import io.keyhold.protocol.json.KmipJson;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.RevocationReasonCode;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.protocol.xml.KmipXml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes the fuzz targets' seed corpora: small request messages of the OASIS vectors (one per operation
 * and version, KMIP 1.0 to 2.1) plus two hand-made batches that create a key and use it through the ID
 * Placeholder, in TTLV, XML and JSON, into the inputs directories Jazzer reads ({@code
 * <package>/<Class>Inputs/<method>/}). Run it again after the codecs change what they write:
 *
 * <pre>java -cp keyhold-protocol/target/classes:keyhold-protocol/target/test-classes \
 *     io.keyhold.protocol.testing.FuzzSeeds ../shared/conformance/vectors keyhold-protocol/src/test/resources \
 *     keyhold-server/src/test/resources</pre>
 */
public final class FuzzSeeds {
    private static final int MAX_SEED_BYTES = 1200;
    private static final int SEEDS_PER_VERSION = 4;
    private static final List<String> VERSIONS = List.of("v1.0", "v1.4", "v2.0", "v2.1");

    private FuzzSeeds() {}

    public static void main(String[] args) throws Exception {
        Path vectors = Path.of(args[0]);
        Path protocolResources = Path.of(args[1]);
        Path serverResources = args.length > 2 ? Path.of(args[2]) : null;
        Map<String, TtlvItem> seeds = new LinkedHashMap<>(vectorRequests(vectors));
        seeds.put("batch-1.4-create-use-destroy", keyBatch(KmipVersion.V1_4));
        seeds.put("batch-2.1-create-use-destroy", keyBatch(KmipVersion.V2_1));

        TtlvEncoder ttlv = new TtlvEncoder();
        KmipXml xml = new KmipXml();
        KmipJson json = new KmipJson();
        for (Map.Entry<String, TtlvItem> e : seeds.entrySet()) {
            String name = "seed-" + e.getKey();
            byte[] bytes = ttlv.encode(e.getValue());
            write(protocolResources.resolve("io/keyhold/protocol/ttlv/TtlvDecoderFuzzTestInputs/decode"), name, bytes);
            write(protocolResources.resolve("io/keyhold/protocol/message/RequestMessageFuzzTestInputs/from"), name, bytes);
            write(protocolResources.resolve("io/keyhold/protocol/xml/KmipXmlFuzzTestInputs/read"), name,
                    xml.write(e.getValue()).getBytes(StandardCharsets.UTF_8));
            write(protocolResources.resolve("io/keyhold/protocol/json/KmipJsonFuzzTestInputs/read"), name,
                    json.write(e.getValue()).getBytes(StandardCharsets.UTF_8));
            if (serverResources != null) {
                write(serverResources.resolve("io/keyhold/server/dispatch/KmipDispatcherFuzzTestInputs/process"), name, bytes);
            }
        }
        System.out.println(seeds.size() + " seeds written");
    }

    /** Per version directory, the first small requests of operations not yet seen, in path order (deterministic). */
    static Map<String, TtlvItem> vectorRequests(Path vectors) throws Exception {
        Map<String, TtlvItem> out = new LinkedHashMap<>();
        Set<String> operations = new HashSet<>();
        KmipXml xml = new KmipXml();
        TtlvEncoder ttlv = new TtlvEncoder();
        TestPlaceholders placeholders = new TestPlaceholders();
        for (String version : VERSIONS) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(vectors.resolve("cosmian-kmip").resolve(version).resolve("XML/mandatory"))) {
                files = s.filter(p -> p.toString().endsWith(".xml")).sorted().toList();
            }
            int taken = 0;
            for (Path file : files) {
                for (TtlvItem message : xml.readAll(Files.readString(file, StandardCharsets.UTF_8), placeholders)) {
                    if (taken == SEEDS_PER_VERSION || message.tag() != Tag.REQUEST_MESSAGE
                            || ttlv.encode(message).length > MAX_SEED_BYTES) {
                        continue;
                    }
                    RequestMessage request = RequestMessage.from(message);
                    String op = request.batchItems().get(0).operation().map(Operation::name).orElse("unknown")
                            .toLowerCase(Locale.ROOT).replace('_', '-');
                    if (operations.add(op)) {
                        out.put(request.header().protocolVersion() + "-" + op, message);
                        taken++;
                    }
                }
            }
        }
        return out;
    }

    /** Create an AES key, activate it, encrypt with it, get it, revoke and destroy it: one batch. */
    static TtlvItem keyBatch(KmipVersion v) {
        List<KmipAttribute> attributes = List.of(
                KmipAttribute.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value())),
                KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256)),
                KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, 12)));
        TtlvItem attributeItem = v.isAtLeast(KmipVersion.V2_0)
                ? AttributeMapping.toAttributes(Tag.ATTRIBUTES, attributes)
                : AttributeMapping.toTemplateAttribute(Tag.TEMPLATE_ATTRIBUTE, attributes);
        List<RequestBatchItem> items = new ArrayList<>();
        items.add(RequestBatchItem.of(Operation.CREATE, payload(
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), attributeItem)));
        items.add(RequestBatchItem.of(Operation.ACTIVATE, payload()));
        items.add(RequestBatchItem.of(Operation.ENCRYPT, payload(
                TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                        TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, BlockCipherMode.CBC.value()),
                        TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PKCS5.value())),
                TtlvItem.bytes(Tag.DATA, "sixteen byte msg".getBytes(StandardCharsets.US_ASCII)),
                TtlvItem.bytes(Tag.IV_COUNTER_NONCE, new byte[16]))));
        items.add(RequestBatchItem.of(Operation.GET, payload()));
        items.add(RequestBatchItem.of(Operation.REVOKE, payload(TtlvItem.structure(Tag.REVOCATION_REASON,
                TtlvItem.enumeration(Tag.REVOCATION_REASON_CODE, RevocationReasonCode.CESSATION_OF_OPERATION.value())))));
        items.add(RequestBatchItem.of(Operation.DESTROY, payload()));
        return new RequestMessage(RequestHeader.of(v, items.size()), items).toTtlv();
    }

    private static TtlvItem payload(TtlvItem... fields) {
        return TtlvItem.structure(Tag.REQUEST_PAYLOAD, fields);
    }

    private static void write(Path dir, String name, byte[] content) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), content);
    }
}
