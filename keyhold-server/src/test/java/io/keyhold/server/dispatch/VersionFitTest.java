package io.keyhold.server.dispatch;

import static io.keyhold.server.dispatch.DispatcherFixture.item;
import static io.keyhold.server.dispatch.DispatcherFixture.only;
import static io.keyhold.server.dispatch.DispatcherFixture.reason;
import static io.keyhold.server.dispatch.DispatcherFixture.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Values of another protocol version, through every operation of the assembled server: refused in
 * requests before anything is stored, and never the cause of an undecodable or "internal error" answer.
 */
class VersionFitTest {
    private static final int GOST = CryptographicAlgorithm.GOST_28147_89.value();
    private static final int AES = CryptographicAlgorithm.AES.value();
    private static final int ENCRYPT = 0x04;
    private static final int AUTHENTICATE = 0x00100000; // 2.0-2.1
    private static final int EXPORT = 0x00000040; // 1.0-1.4

    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final ServerAssembly.Assembly server = ServerAssembly.open(store,
            Clock.fixed(Instant.ofEpochSecond(DispatcherFixture.NOW), ZoneOffset.UTC));

    @AfterEach
    void close() throws Exception {
        server.close();
    }

    private ResponseMessage send(KmipVersion v, RequestBatchItem... items) {
        byte[] request = DispatcherFixture.encode(DispatcherFixture.header(v, items.length), List.of(items));
        return DispatcherFixture.decode(server.processor().process(request, DispatcherFixture.context("client1")));
    }

    /** Attributes as the version writes them: 1.x Template-Attribute of named attributes, 2.x Attributes. */
    private static TtlvItem attributes(KmipVersion v, int algorithm, int length, int mask) {
        if (v.isTwoOrLater()) {
            return TtlvItem.structure(Tag.ATTRIBUTES, TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm),
                    TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, length), TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, mask));
        }
        return TtlvItem.structure(Tag.TEMPLATE_ATTRIBUTE,
                attribute("Cryptographic Algorithm", TtlvItem.enumeration(Tag.ATTRIBUTE_VALUE, algorithm)),
                attribute("Cryptographic Length", TtlvItem.integer(Tag.ATTRIBUTE_VALUE, length)),
                attribute("Cryptographic Usage Mask", TtlvItem.integer(Tag.ATTRIBUTE_VALUE, mask)));
    }

    private static TtlvItem attribute(String name, TtlvItem value) {
        return TtlvItem.structure(Tag.ATTRIBUTE, TtlvItem.text(Tag.ATTRIBUTE_NAME, name), value);
    }

    private static RequestBatchItem create(KmipVersion v, int algorithm, int length, int mask) {
        return item(Operation.CREATE, TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                attributes(v, algorithm, length, mask));
    }

    private String createdId(ResponseMessage m) {
        ResponseBatchItem r = only(m);
        assertThat(status(r)).as(r.resultMessage()).isEqualTo(ResultStatus.SUCCESS);
        return r.payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    /** What the client owns, as a 2.1 Locate without criteria sees it. */
    private int storedCount() {
        ResponseBatchItem r = only(send(KmipVersion.V2_1, item(Operation.LOCATE)));
        assertThat(status(r)).as(r.resultMessage()).isEqualTo(ResultStatus.SUCCESS);
        return r.payload().childrenWith(Tag.UNIQUE_IDENTIFIER).size();
    }

    @Test
    void create14_algorithmOf20_isInvalidFieldNamingValueAndVersion_andStoresNothing() throws Exception {
        ResponseBatchItem r = only(send(KmipVersion.V1_4, create(KmipVersion.V1_4, GOST, 256, ENCRYPT)));

        assertThat(reason(r)).isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(r.resultMessage()).contains("GOST 28147-89").contains("1.4");
        assertThat(storedCount()).isZero();
    }

    @Test
    void create12_maskBitOf20_isInvalidField_andStoresNothing() throws Exception {
        ResponseBatchItem r = only(send(KmipVersion.V1_2, create(KmipVersion.V1_2, AES, 256, ENCRYPT | AUTHENTICATE)));

        assertThat(reason(r)).isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(r.resultMessage()).contains("Authenticate").contains("1.2");
        assertThat(storedCount()).isZero();
    }

    @Test
    void create21_maskBitRemovedIn20_isInvalidAttributeValue_andStoresNothing() throws Exception {
        ResponseBatchItem r = only(send(KmipVersion.V2_1, create(KmipVersion.V2_1, AES, 256, ENCRYPT | EXPORT)));

        assertThat(reason(r)).isEqualTo(ResultReason.INVALID_ATTRIBUTE_VALUE);
        assertThat(r.resultMessage()).contains("Export").contains("2.1");
        assertThat(storedCount()).isZero();
    }

    @Test
    void addAttribute14_parameterOf20_isInvalidField_andChangesNothing() throws Exception {
        String id = createdId(send(KmipVersion.V1_4, create(KmipVersion.V1_4, AES, 256, ENCRYPT)));
        TtlvItem parameters = TtlvItem.structure(Tag.ATTRIBUTE_VALUE,
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, GOST));

        ResponseBatchItem r = only(send(KmipVersion.V1_4, item(Operation.ADD_ATTRIBUTE,
                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id), attribute("Cryptographic Parameters", parameters))));

        assertThat(reason(r)).isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(r.resultMessage()).contains("GOST 28147-89");
        assertThat(store.read(tx -> tx.get(id)).orElseThrow().attribute("Cryptographic Parameters")).isEmpty();
    }

    @Test
    void addAttribute14_extensionValue_isNotRefusedAsAnotherVersions() throws Exception {
        String id = createdId(send(KmipVersion.V1_4, create(KmipVersion.V1_4, AES, 256, ENCRYPT)));
        TtlvItem parameters = TtlvItem.structure(Tag.ATTRIBUTE_VALUE,
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, 0x80000010));

        ResponseBatchItem r = only(send(KmipVersion.V1_4, item(Operation.ADD_ATTRIBUTE,
                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id), attribute("Cryptographic Parameters", parameters))));

        assertThat(status(r)).as(r.resultMessage()).isEqualTo(ResultStatus.SUCCESS);
    }

    @Test
    void keyCreatedIn21WithAlgorithmOf20_readIn14_getFailsClearly_getAttributesOmitsIt_locateFindsIt() {
        String id = createdId(send(KmipVersion.V2_1, create(KmipVersion.V2_1, GOST, 256, ENCRYPT)));
        TtlvItem uid = TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id);

        ResponseBatchItem get = only(send(KmipVersion.V1_4, item(Operation.GET, uid)));
        assertThat(reason(get)).isEqualTo(ResultReason.ILLEGAL_OPERATION);
        assertThat(get.resultMessage()).contains("GOST 28147-89").contains("1.4").doesNotStartWith("internal error");

        ResponseBatchItem attributes = only(send(KmipVersion.V1_4, item(Operation.GET_ATTRIBUTES, uid)));
        assertThat(status(attributes)).as(attributes.resultMessage()).isEqualTo(ResultStatus.SUCCESS);
        List<String> names = attributes.payload().childrenWith(Tag.ATTRIBUTE).stream()
                .map(a -> a.child(Tag.ATTRIBUTE_NAME).orElseThrow().textValue()).toList();
        assertThat(names).contains("Cryptographic Length", "Unique Identifier").doesNotContain("Cryptographic Algorithm");

        ResponseBatchItem locate = only(send(KmipVersion.V1_4, item(Operation.LOCATE)));
        assertThat(status(locate)).as(locate.resultMessage()).isEqualTo(ResultStatus.SUCCESS);
        assertThat(locate.payload().childrenWith(Tag.UNIQUE_IDENTIFIER)).extracting(TtlvItem::textValue).containsExactly(id);

        assertThat(status(only(send(KmipVersion.V2_1, item(Operation.GET, uid))))).isEqualTo(ResultStatus.SUCCESS);
    }

    @Test
    void answerWithTagOfNewerVersion_failsTheItemClearly_whileSuchATagInARequestIsLeftToTheHandler() throws Exception {
        VersionFit fit = new VersionFit(DispatcherFixture.RULES);
        TtlvItem payload = TtlvItem.structure(Tag.RESPONSE_PAYLOAD, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "1"),
                TtlvItem.bytes(Tag.SHORT_UNIQUE_IDENTIFIER, new byte[32]));

        assertThat(fit.responseOutside(payload, KmipVersion.V1_4)).hasValueSatisfying(e -> {
            assertThat(e.reason()).isEqualTo(ResultReason.ILLEGAL_OPERATION);
            assertThat(e.getMessage()).contains("Short Unique Identifier").contains("1.4");
        });
        assertThat(fit.responseOutside(payload, KmipVersion.V2_1)).isEmpty();
        fit.requireRequestWithin(TtlvItem.structure(Tag.REQUEST_PAYLOAD, payload.children()), KmipVersion.V1_4);
    }
}
